"""The DuckDB file and everything that reads or writes it, by concern:

- `storage/`: opening the file (`connection.py`), backup/restore/health, CSV export;
  `migrations/` (the schema) and `queries/` (named SQL) beside it; `errors.py` for all.
- `access/`: who is asking (`viewer.py`), what they may do (`permissions.py`), accounts,
  passwords, sign-in, sessions, and the audit log.
- `reading/`: vendor exports into conversations (`importers/`, detection, encodings,
  redaction, staging, `ingest.py`), `qa convert`, the first-run import.
- `autoscore/`: conversations read for scoring, auto-scores written, sampling facts.
- `review/`: the human workflow: queues and sampling, reviews and disputes, drafts,
  calibration, coaching, notifications, AutoQA accuracy.
"""
