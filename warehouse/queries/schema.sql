-- The migration runner (warehouse/migrations/__init__.py) and database maintenance
-- (warehouse/storage/maintenance.py): which schema version a database file has, and its tables.

-- name: schema_migrations_create
-- The runner's own bookkeeping table, created before any migration can be applied.
CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name VARCHAR NOT NULL,
    applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp
)

-- name: schema_version
-- The newest migration a database has (0: none).
SELECT coalesce(max(version), 0) FROM schema_migrations

-- name: schema_versions_applied
-- Every migration a database has (numbers were handed out to parallel branches: gaps happen).
SELECT version FROM schema_migrations

-- name: schema_migration_record
-- One migration applied.
INSERT INTO schema_migrations (version, name) VALUES ($version, $name)

-- name: database_tables
-- The tables of the open database file (not temporary ones), by name.
SELECT table_name FROM duckdb_tables()
WHERE database_name = current_database() AND schema_name = 'main'
ORDER BY table_name

-- name: set_dynamic_filter_threshold
-- Per connection: how many join keys DuckDB still pushes into a scan as a filter.
SET dynamic_or_filter_threshold = $keys

-- name: transaction_id
-- The current transaction's id (two calls agree only inside one explicit transaction).
SELECT txid_current()
