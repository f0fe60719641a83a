"""Worker attestations: a private link the employer or its representative sends a worker, and
the worker's answers (``answers.py`` is plain Python; ``views.py`` the pages)."""
