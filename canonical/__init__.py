"""The canonical conversation format, on its own (the standard library only).

- `model.py`: `Conversation` and `Message`, the one shape every other package works with.
- `validate.py`: a canonical dict (as read from any export) checked and normalised, with a
  reason a person can act on when it is refused (`RecordError`).
- `importer.py`: the contract of a format module (`Importer`, `RawRecord`) and JSON decoding
  that survives hostile nesting; vendor formats live in `warehouse/reading/importers/`.
- `jsonl.py`, `csv_rows.py`: canonical JSONL and CSV (docs/formats.md), read and written.

Nothing here touches a database, so `qa score-file` and `scoring/` use it directly.
"""
