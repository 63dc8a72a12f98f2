"""The database file: one connection per unit of work, backup/restore/health, CSV export."""
