"""Schema versions. Each `NNN_name.sql` file in this folder is one migration, applied once, in
order, inside a transaction; `schema_migrations` records which ones a database has. A newer
release therefore opens a database made by an older one; an older release refuses a newer one.
Never edit a migration that has shipped: add the next number.

A migration that must compute what SQL cannot (a hash chain) adds `NNN_name.py` with
`upgrade(con)`, run after its SQL in the same transaction. A shipped migration missing from a
database (numbers were handed out to parallel branches) is applied even when a higher one is
already recorded.
"""

from __future__ import annotations

import importlib
from importlib import resources

import duckdb

from warehouse import queries
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
    queries.execute(con, "schema_migrations_create")
    return int(queries.value(con, "schema_version"))


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
    applied = {row[0] for row in queries.rows(con, "schema_versions_applied")}
    for number, name, sql in shipped:
        if number in applied:
            continue
        con.begin()
        try:
            con.execute(sql)  # the migration file itself
            if resources.files(__package__).joinpath(f"{number:03d}_{name}.py").is_file():
                importlib.import_module(f"{__package__}.{number:03d}_{name}").upgrade(con)
            queries.execute(con, "schema_migration_record", version=number, name=name)
        except BaseException:
            con.rollback()
            raise
        con.commit()
    return current_version(con)
