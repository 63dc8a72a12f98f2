"""Every SQL statement lives in a named `.sql` file (warehouse/queries/), and every INSERT there
names its columns.

The scan reads the Python of `warehouse/`, `dashboard/` and `cornerstone/` (shipped migrations
excluded: they are never edited) for string literals that start like a SQL statement, and for
`execute`/`sql` calls given a literal. A statement that truly has to be built in code is listed
in `BUILT_IN_CODE` with the reason; keep that list short.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from warehouse import queries

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("canonical", "config", "warehouse", "dashboard", "cornerstone")
QUERIES_DIR = ROOT / "warehouse" / "queries"

# Upper-case only: user-facing text such as "Select a conversation" must not count.
_STATEMENT = re.compile(
    r"^[\s(]*(SELECT|INSERT|UPDATE|DELETE|WITH|CREATE|DROP|ALTER|COPY|PRAGMA|ATTACH|DETACH"
    r"|CHECKPOINT|BEGIN|COMMIT|ROLLBACK|SET|RESET|INSTALL|LOAD|EXPORT|IMPORT|TRUNCATE|VACUUM"
    r"|MERGE|DESCRIBE|SUMMARIZE|FROM)\b"
)
_EXECUTING = {"execute", "executemany", "sql", "query"}

# (file, start of the statement) -> why it is built in code.
BUILT_IN_CODE = {
    ("warehouse/storage/maintenance.py", "SELECT count(*), bit_xor(hash(t)) FROM"): (
        "counts and checksums every table the catalog lists: a table name is an identifier, "
        "which SQL parameters cannot supply"
    ),
    (
        "warehouse/storage/maintenance.py",
        "SELECT count(*), 0 FROM",
    ): "the same, without the checksum",
}


def _python_files() -> list[Path]:
    files = []
    for top in SCANNED:
        for path in sorted((ROOT / top).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if re.match(r"warehouse/migrations/\d{3}_", relative):
                continue  # a shipped migration is never edited
            files.append(path)
    return files


def _text_of(node: ast.AST) -> str | None:
    """The literal text of a string or f-string ({} for each interpolation), else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    return None


def inline_statements(path: Path) -> list[tuple[int, str]]:
    """(line, text) of every string in `path` that looks like SQL or is handed to execute()."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    inside_fstrings = {
        id(part)
        for node in ast.walk(tree)
        if isinstance(node, ast.JoinedStr)
        for part in node.values
    }
    found = []
    for node in ast.walk(tree):
        if id(node) in inside_fstrings:
            continue
        text = _text_of(node)
        if text is not None and _STATEMENT.match(text):
            found.append((node.lineno, text))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in _EXECUTING
            and node.args
            and (_text_of(node.args[0]) is not None or isinstance(node.args[0], ast.BinOp))
            and not _STATEMENT.match(_text_of(node.args[0]) or "")  # counted as a string
        ):
            found.append((node.lineno, _text_of(node.args[0]) or ast.unparse(node.args[0])))
    return sorted(found)


def _allowed(relative: str, text: str) -> bool:
    start = " ".join(text.split())
    return any(file == relative and start.startswith(prefix) for file, prefix in BUILT_IN_CODE)


def test_the_scan_finds_inline_sql_in_its_forms(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "def f(con, table):\n"
        "    con.execute('SELECT 1')\n"
        "    con.execute(f'DELETE FROM {table}')\n"
        "    con.execute('select 1')\n"  # lower case, handed to execute
        "    q = '  INSERT INTO t (a) VALUES (1)'\n"
        "    con.sql('x' + table)\n"
        "    label = 'Select a conversation'\n"  # user text: not SQL
        "    queries.run(con, 'conversation_header')\n",  # a named query: fine
        encoding="utf-8",
    )
    assert [line for line, _ in inline_statements(sample)] == [2, 3, 4, 5, 6]


def test_no_sql_statement_is_written_inline_in_python():
    offenders = [
        f"{path.relative_to(ROOT).as_posix()}:{line}: {' '.join(text.split())[:80]}"
        for path in _python_files()
        for line, text in inline_statements(path)
        if not _allowed(path.relative_to(ROOT).as_posix(), text)
    ]
    assert not offenders, (
        "SQL written inline in Python: put it in warehouse/queries/*.sql under `-- name: ...` "
        "and call queries.run/rows/value/execute (or justify it in BUILT_IN_CODE):\n"
        + "\n".join(offenders)
    )


def test_every_justified_exception_is_still_needed():
    present = {
        (path.relative_to(ROOT).as_posix(), " ".join(text.split()))
        for path in _python_files()
        for _, text in inline_statements(path)
    }
    stale = [
        key
        for key in BUILT_IN_CODE
        if not any(file == key[0] and text.startswith(key[1]) for file, text in present)
    ]
    assert not stale, f"BUILT_IN_CODE lists statements that are gone: {stale}"


def _without_comments(sql: str) -> str:
    return "\n".join(line.split("--")[0] for line in sql.splitlines())


_INSERT = re.compile(r"\bINSERT\s+(?:OR\s+\w+\s+)?INTO\s+[\w.\"]+\s*", re.IGNORECASE)
_COLUMNS_NAMED = re.compile(r"\(")


def inserts_without_columns(sql: str) -> list[str]:
    """INSERT statements in `sql` that do not list their columns (BY NAME counts as none)."""
    sql = _without_comments(sql)
    return [
        " ".join(sql[m.start() : m.end() + 40].split())
        for m in _INSERT.finditer(sql)
        if not _COLUMNS_NAMED.match(sql, m.end())
    ]


def test_the_insert_check_tells_a_column_list_from_none():
    assert inserts_without_columns("INSERT INTO t VALUES (1, 2)")
    assert inserts_without_columns("insert into t\nSELECT * FROM u")
    assert not inserts_without_columns("INSERT INTO t (a, b) VALUES (1, 2)")
    assert not inserts_without_columns("INSERT INTO t\n    (a, b)\nSELECT a, b FROM u")
    assert inserts_without_columns("INSERT INTO t BY NAME SELECT * FROM u")
    assert not inserts_without_columns("-- INSERT INTO t VALUES (1)\nSELECT 1")


@pytest.mark.parametrize("sql_file", sorted(QUERIES_DIR.glob("*.sql")), ids=lambda p: p.name)
def test_every_insert_in_named_queries_lists_its_columns(sql_file):
    missing = inserts_without_columns(sql_file.read_text(encoding="utf-8"))
    assert not missing, f"{sql_file.name}: INSERT without a column list: {missing}"


def test_every_named_query_file_is_loaded():
    sources = {query.source for query in queries.catalogue().values()}
    assert sources == {path.name for path in QUERIES_DIR.glob("*.sql")}


@pytest.mark.parametrize("sql_file", sorted(QUERIES_DIR.glob("*.sql")), ids=lambda p: p.name)
def test_named_queries_check_permissions_not_role_names(sql_file):
    """Who may read what is declared once (warehouse/access/permissions.py): SQL asks
    `list_contains($viewer_may, 'audit.view')` rather than comparing $viewer_role with names."""
    sql = _without_comments(sql_file.read_text(encoding="utf-8"))
    compared = re.findall(r"\$viewer_role\s*(?:=|<>|!=|\bIN\b|\bNOT\s+IN\b)[^\n]*", sql, re.I)
    assert not compared, f"{sql_file.name}: role names restated: {compared}"
