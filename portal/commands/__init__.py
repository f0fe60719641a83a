"""The ``flask --app portal …`` commands, one module per family, registered in ``portal.app``:

- ``backup``: ``backup --out DIR`` and ``restore DIR`` (``portal.backup``'s logic).
- ``demo``: ``seed-demo [--if-empty]``, the demo employers, people, positions and workers.
- ``bundle``: ``positions`` (every position, one a line) and ``bundle POSITION_ID --out FILE.zip``
  (the filing bundle, as the button builds it).
- ``lmia``: ``lmia check FILE`` and ``lmia rules`` (``portal.checker``'s commands, reading this
  app's reference data).
- ``refdata``: ``refdata load-wages|load-thresholds|load-cma FILE.csv`` and ``refdata show``.
- ``offers``: ``workers [--position ID]`` (one worker a line) and
  ``offer-letter POSITION_ID --worker ID --out FILE.pdf|FILE.docx [--lang en|fr]``.
- ``risk``: ``risk [--employer ID] [--format text|json] [--as-of YYYY-MM-DD]``, every fee and
  fraud finding of every live position (exit 1 while an error-level one stands).
- ``queue``: ``worker [--burst]``, the job queue's worker (``portal.queue``; needs Redis).
- ``keys``: ``rotate-keys [--batch-size N]`` (every encrypted value under the newest key of
  ``PORTAL_FIELD_KEYS``) and ``new-field-key`` (prints a fresh key).

The package itself imports nothing, so loading one command module loads only what it needs.
"""
