"""Vendor exports into conversations: format modules (`importers/`), encodings, validation and
redaction on the way in (`staging.py`), `ingest.py` (files into the database, quarantine for
what cannot be read), `qa convert` and the first-run import."""
