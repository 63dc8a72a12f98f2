"""Named SQL queries kept in `.sql` files (the aiosql idea, in a few lines of ours).

Each file in this folder groups the queries of one domain. A query starts with a header line
`-- name: team_quality_by_week` followed by comment lines (its docstring) and the SQL, which uses
DuckDB named parameters (`$team`, `$since`). Call it as

    rows = queries.run(con, "team_quality_by_week", team="Billing", since=date(2026, 1, 1))
    frame = queries.frame(con, "team_quality_by_week", ...)

(`queries.rows` gives tuples, `queries.value` one value, `queries.execute` runs a statement.)
Every SQL statement of the application lives here; `tests/warehouse/test_sql_files.py` fails
when one appears inline in Python or when an INSERT has no column list.

Queries that return conversations, scores, reviews or comments take the viewer:
`queries.run(con, "review_queue", viewer=viewer, ...)` expands to `$viewer_role`,
`$viewer_agent_id`, `$viewer_teams` for the `visible_to(...)` macro, and `$viewer_may` (the
actions the viewer's role is allowed: `list_contains($viewer_may, 'audit.view')`; role names are
declared only in warehouse/access/permissions.py). Parameters the SQL does not use are dropped, so
callers can pass a common filter set.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Protocol

import duckdb


class Viewer(Protocol):
    """Who asks (warehouse.access.viewer.Viewer). Only its parameters are needed here, so the storage
    code that runs named queries (connections, migrations, maintenance) does not depend on the
    access code that defines viewers."""

    def params(self) -> dict[str, object]: ...


_HEADER = re.compile(r"^--\s*name:\s*([a-z_][a-z0-9_]*)\s*$", re.MULTILINE)
_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")
VIEWER_PARAMS = frozenset({"viewer_role", "viewer_agent_id", "viewer_teams", "viewer_may"})


@dataclass(frozen=True)
class NamedQuery:
    name: str
    doc: str
    sql: str
    params: frozenset[str]
    source: str  # file it came from

    @property
    def scoped(self) -> bool:
        """Whether the query depends on who asks (it must then be given the viewer)."""
        return bool(self.params & VIEWER_PARAMS)


@cache
def catalogue() -> dict[str, NamedQuery]:
    """Every named query shipped in warehouse/queries/*.sql, by name (names are unique)."""
    found: dict[str, NamedQuery] = {}
    for entry in sorted(resources.files(__package__).iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".sql"):
            continue
        text = entry.read_text(encoding="utf-8")
        heads = list(_HEADER.finditer(text))
        for i, head in enumerate(heads):
            body = text[head.end() : heads[i + 1].start() if i + 1 < len(heads) else len(text)]
            doc_lines, sql_lines = [], []
            for line in body.strip("\n").splitlines():
                if not sql_lines and line.strip().startswith("--"):
                    doc_lines.append(line.strip().lstrip("-").strip())
                else:
                    sql_lines.append(line)
            sql = "\n".join(sql_lines).strip().rstrip(";")
            name = head.group(1)
            if name in found:
                raise ValueError(
                    f"query {name!r} is defined twice ({found[name].source}, {entry.name})"
                )
            found[name] = NamedQuery(
                name, " ".join(doc_lines), sql, frozenset(_PARAM.findall(sql)), entry.name
            )
    return found


def _bind(name: str, viewer: Viewer | None, params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    try:
        query = catalogue()[name]
    except KeyError:
        raise KeyError(f"no named query {name!r} in warehouse/queries/*.sql") from None
    if viewer is not None:
        params = {**params, **viewer.params()}
    elif query.scoped:
        raise TypeError(f"query {name!r} is scoped to a viewer: pass viewer=")
    missing = query.params - params.keys()
    if missing:
        raise TypeError(f"query {name!r} needs parameters: {', '.join(sorted(missing))}")
    return query.sql, {k: v for k, v in params.items() if k in query.params}


def run(
    con: duckdb.DuckDBPyConnection, name: str, /, viewer: Viewer | None = None, **params: Any
) -> list[dict[str, Any]]:
    """Run a named query; return its rows as dicts (fully read: no half-consumed cursors)."""
    sql, bound = _bind(name, viewer, params)
    cursor = con.execute(sql, bound)
    if cursor.description is None:
        return []
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def rows(
    con: duckdb.DuckDBPyConnection, name: str, /, viewer: Viewer | None = None, **params: Any
) -> list[tuple[Any, ...]]:
    """Run a named query; return its rows as tuples (bulk reads, where a dict per row costs)."""
    sql, bound = _bind(name, viewer, params)
    return con.execute(sql, bound).fetchall()


def value(
    con: duckdb.DuckDBPyConnection, name: str, /, viewer: Viewer | None = None, **params: Any
) -> Any:
    """Run a named query; return the first column of its first row (None when there is none)."""
    found = rows(con, name, viewer, **params)
    return found[0][0] if found else None


def frame(
    con: duckdb.DuckDBPyConnection, name: str, /, viewer: Viewer | None = None, **params: Any
):
    """Run a named query; return a pandas DataFrame (for charts and tables)."""
    sql, bound = _bind(name, viewer, params)
    return con.execute(sql, bound).df()


def execute(
    con: duckdb.DuckDBPyConnection, name: str, /, viewer: Viewer | None = None, **params: Any
) -> None:
    """Run a named statement that returns nothing (INSERT/UPDATE/DELETE)."""
    sql, bound = _bind(name, viewer, params)
    con.execute(sql, bound)
