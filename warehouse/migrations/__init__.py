"""Schema versions. Each `NNN_name.sql` file in this folder is one migration, applied once, in
order, inside a transaction; `schema_migrations` records which ones a database has. A newer
release therefore opens a database made by an older one; an older release refuses a newer one.
Never edit a migration that has shipped: add the next number.
"""

from __future__ import annotations

from importlib import resources

import duckdb

from warehouse.errors import SchemaTooNewError


def available() -> list[tuple[int, str, str]]:
    """(version, name, sql) of every migration shipped with this release, oldest first."""
    found = []
    for entry in resources.files(__package__).iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:3].isdigit():
            found.append((int(name[:3]), name[4:-4], entry.read_text(encoding="utf-8")))
    return sorted(found)


def current_version(con: duckdb.DuckDBPyConnection) -> int:
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
        " applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)"
    )
    rows = con.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchall()
    return int(rows[0][0])


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Apply pending migrations; return the schema version the database is now at."""
    version = current_version(con)
    shipped = available()
    newest = shipped[-1][0] if shipped else 0
    if version > newest:
        raise SchemaTooNewError(
            f"This database has schema version {version}, but this release knows only up to "
            f"{newest}. Upgrade Cornerstone QA to open it."
        )
    # Numbers are handed out to parallel branches, so a lower one can ship after a higher one:
    # apply every shipped migration a database has not recorded, not only those above its max.
    applied = {row[0] for row in con.execute("SELECT version FROM schema_migrations").fetchall()}
    for number, name, sql in shipped:
        if number in applied:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(sql)
            con.execute(
                "INSERT INTO schema_migrations (version, name) VALUES (?, ?)", [number, name]
            )
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")
        version = max(version, number)
    return version
