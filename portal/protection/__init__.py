"""Worker protection pages: the recruiters and representatives a user records, the money
ledger of a position and who holds a worker's documents.

``licensing`` (which provinces license recruiters, since when) and ``ledger_csv`` (the ledger
import) are plain Python; ``views`` is the Flask blueprint ``protection``.
"""
