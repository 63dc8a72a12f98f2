"""The DuckDB fast path for canonical JSONL (why it exists, what it measured and how it stays
equal to the Python rules: see warehouse/ingest.py).

`fast_read` reads the whole file with `read_json` and an explicit all-text schema into the
temporary table `stage_fast`, normalising it and computing `ok` per row; `fast_stage` sends the
rows that are not `ok` through the Python validator and defines the `staged` view the merge
reads. The macros here only decide whether SQL may vouch for a row; none of them refuses one.
"""

from __future__ import annotations

from collections.abc import Iterator

import duckdb

from warehouse.encoding import TextSource, iter_lines
from warehouse.import_report import ImportReport
from warehouse.importers import canonical_jsonl
from warehouse.importers.base import RawRecord
from warehouse.staging import (
    CONTENT_HASH_MACRO,
    CONVERSATION_COLUMNS,
    Lookup,
    ProgressCallback,
    QuarantineWriter,
    StageWriter,
    validated,
)
from warehouse.validate import (
    MAX_FIELD_CHARS,
    MAX_ID_CHARS,
    MAX_MESSAGES,
    MAX_SUBJECT_CHARS,
    MAX_TAGS,
    MAX_TEXT_CHARS,
    RecordError,
)

ISO = r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ]([01][0-9]|2[0-3]):[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?"
# cs_ts: the ISO 8601 forms whose DuckDB reading provably equals Python's fromisoformat; NULL for
# anything else (then Python decides). Hour 24 is excluded (DuckDB rolls it over, Python refuses
# it); offsets go through TIMESTAMPTZ (a plain TIMESTAMP cast would drop them).
# cs_textish: could this text have been a JSON number, boolean, object or list (DuckDB reads all
# of them as text)? Then only Python, which sees JSON types, may judge it; whole numbers are the
# same either way. The first line is a cheap byte-range test that settles almost every text
# (first character not one of - . / 0-9 [ { f t); the rest look closer.
SQL_MACROS = rf"""
CREATE OR REPLACE TEMP MACRO cs_ts(s) AS CASE
    WHEN regexp_full_match(s, '{ISO}Z?') THEN try_cast(s AS TIMESTAMP)
    WHEN regexp_full_match(s, '{ISO}[+-][0-9]{{2}}:[0-9]{{2}}')
        THEN timezone('UTC', try_cast(s AS TIMESTAMPTZ))
    END;
CREATE OR REPLACE TEMP MACRO cs_ts_ok(raw, parsed) AS
    raw IS NULL OR coalesce(year(parsed) BETWEEN 1970 AND 2200, false);
CREATE OR REPLACE TEMP MACRO cs_textish(s) AS CASE
    WHEN s IS NULL THEN true
    WHEN (s < '-' OR s >= ':') AND (s < '[' OR s >= '\\') AND (s < '{{' OR s >= '|')
         AND (s < 'f' OR s >= 'g') AND (s < 't' OR s >= 'u') THEN true
    ELSE s NOT IN ('true', 'false') AND left(s, 1) NOT IN ('{{', '[')
         AND (regexp_full_match(s, '-?[0-9]{{1,17}}') OR try_cast(s AS DOUBLE) IS NULL)
    END;
CREATE OR REPLACE TEMP MACRO cs_has_word(s) AS regexp_matches(s, '[[:alnum:]]');
CREATE OR REPLACE TEMP MACRO cs_fits(s, n) AS s IS NULL OR strlen(s) <= n;
CREATE OR REPLACE TEMP MACRO cs_survey_ok(s, low, high) AS
    s IS NULL OR (regexp_full_match(s, '[0-9]{{1,2}}')
                  AND coalesce(try_cast(s AS INTEGER) BETWEEN low AND high, false));
"""
RAW_COLUMNS = {
    **{
        name: "VARCHAR"
        for name in (
            "conversation_id", "channel", "created_at", "status", "agent_id", "agent_name",
            "team", "customer_id", "customer_name", "csat", "nps", "ces", "subject",
        )
    },
    "tags": "VARCHAR[]",
    "messages": "STRUCT(role VARCHAR, author VARCHAR, text VARCHAR, sent_at VARCHAR,"
    " internal VARCHAR)[]",
}  # fmt: skip
# Three levels so that every value is parsed once: `parsed` reads the file and parses
# timestamps, `checked` decides `ok` and shapes the messages, the outer level hashes.
# Limits are compared in bytes, not characters: a row SQL accepts is within them in characters
# too; rows over them in bytes go to the Python validator, which counts characters and decides.
FAST_STAGE = f"""
CREATE TEMP TABLE stage_fast AS
SELECT *, cs_content_hash(conversation_id, channel, created_at, status, agent_id, agent_name,
    team, customer_id, customer_name, csat, nps, ces, tags, subject, messages) AS content_hash
FROM (
    SELECT
        conversation_id, channel, created_at, status, agent_id, agent_name, team, customer_id,
        customer_name, try_cast(csat AS SMALLINT) AS csat, try_cast(nps AS SMALLINT) AS nps,
        try_cast(ces AS SMALLINT) AS ces, coalesce(tags, []::VARCHAR[]) AS tags, subject,
        list_transform(msgs, lambda m: struct_pack(role := m.role, author := m.author,
            text := m.text, sent_at := m.sent_at, internal := m.internal)) AS messages,
        coalesce(
            conversation_id IS NOT NULL AND cs_textish(conversation_id)
            AND cs_has_word(conversation_id) AND cs_fits(conversation_id, {MAX_ID_CHARS})
            AND cs_fits(channel, {MAX_FIELD_CHARS}) AND cs_fits(status, {MAX_FIELD_CHARS})
            AND cs_fits(agent_id, {MAX_FIELD_CHARS}) AND cs_fits(agent_name, {MAX_FIELD_CHARS})
            AND cs_fits(team, {MAX_FIELD_CHARS}) AND cs_fits(customer_id, {MAX_FIELD_CHARS})
            AND cs_fits(customer_name, {MAX_FIELD_CHARS}) AND cs_fits(subject, {MAX_SUBJECT_CHARS})
            AND coalesce(len(raw_tags), 0) <= {MAX_TAGS} AND len(msgs) <= {MAX_MESSAGES}
            AND (channel IS NULL OR (cs_textish(channel)
                                     AND regexp_full_match(channel, '[a-z0-9_-]+')))
            AND cs_ts_ok(created_at_raw, created_at)
            AND cs_textish(status) AND cs_textish(agent_id) AND cs_textish(agent_name)
            AND cs_textish(team) AND cs_textish(customer_id) AND cs_textish(customer_name)
            AND cs_textish(subject)
            AND cs_survey_ok(csat, 1, 5) AND cs_survey_ok(nps, 0, 10) AND cs_survey_ok(ces, 1, 7)
            AND (raw_tags IS NULL OR list_bool_and(list_transform(raw_tags, lambda t:
                    coalesce(cs_textish(t) AND cs_has_word(t) AND cs_fits(t, {MAX_FIELD_CHARS}),
                             false))) IS NOT false)
            AND len(msgs) > 0
            AND list_bool_and(list_transform(msgs, lambda m:
                    coalesce(m.valid AND cs_ts_ok(m.sent_raw, m.sent_at), false))),
            false) AS ok
    FROM (
        SELECT
            conversation_id, channel, created_at AS created_at_raw,
            cs_ts(created_at) AS created_at, nullif(status, '') AS status,
            nullif(agent_id, '') AS agent_id, nullif(agent_name, '') AS agent_name,
            nullif(team, '') AS team, nullif(customer_id, '') AS customer_id,
            nullif(customer_name, '') AS customer_name, csat, nps, ces,
            tags, tags AS raw_tags, nullif(subject, '') AS subject,
            list_transform(messages, lambda m: struct_pack(
                role := m.role, author := nullif(m.author, ''), text := m.text,
                sent_raw := m.sent_at, sent_at := cs_ts(m.sent_at),
                internal := coalesce(m.internal = 'true', false),
                valid := m IS NOT NULL AND m.role IN ('customer', 'agent', 'bot', 'system')
                    AND m.text IS NOT NULL AND cs_textish(m.text) AND cs_has_word(m.text)
                    AND cs_textish(m.author) AND cs_fits(m.text, {MAX_TEXT_CHARS})
                    AND cs_fits(m.author, {MAX_FIELD_CHARS})
                    AND (m.internal IS NULL OR m.internal IN ('true', 'false'))
            )) AS msgs
        FROM read_json($path, format = 'newline_delimited', columns = $columns,
                       maximum_object_size = 33554432)
    )
)
"""  # noqa: S608 - only our own integer constants are formatted in


def fast_read(con: duckdb.DuckDBPyConnection, report: ImportReport, source: TextSource) -> bool:
    """Read a canonical JSONL file into `stage_fast`; False (and why) when DuckDB refuses it."""
    con.execute(SQL_MACROS)
    con.execute(CONTENT_HASH_MACRO)
    try:
        con.execute(FAST_STAGE, {"path": str(source.path), "columns": RAW_COLUMNS})
    except (duckdb.InvalidInputException, duckdb.ConversionException) as error:
        report.fallback_reason = str(error).splitlines()[0][:300]
        return False
    return True


def fast_stage(
    con: duckdb.DuckDBPyConnection,
    report: ImportReport,
    source: TextSource,
    quarantine: QuarantineWriter,
    tick: ProgressCallback,
) -> None:
    """Route the rows SQL could not vouch for through the Python rules; define `staged`."""
    report.engine = "duckdb"
    report.records_read = int(con.execute("SELECT count(*) FROM stage_fast").fetchall()[0][0])
    tick(source.size * 6 // 10, source.size)
    # Rows SQL could not vouch for: the Python rules decide, with their exact reasons.
    doubtful = dict(
        con.execute("SELECT rowid + 1, conversation_id FROM stage_fast WHERE NOT ok").fetchall()
    )
    report.python_checked = len(doubtful)
    stage = StageWriter(con)
    if doubtful:
        for ord_, position, raw in jsonl_lookup(source)(set(doubtful)):
            try:
                record = RawRecord(position, raw, conversation=canonical_jsonl.decode_line(raw))
            except RecordError as error:
                record = RawRecord(position, raw, error=str(error))
            _check_alignment(record, doubtful[ord_])
            accepted = validated(record, quarantine)
            if accepted is not None:
                stage.add(ord_, position, accepted)
        stage.flush()
    con.execute(
        f"CREATE TEMP VIEW staged AS SELECT rowid + 1 AS ord, NULL::VARCHAR AS position,"  # noqa: S608 (constants)
        f" {CONVERSATION_COLUMNS}, content_hash FROM stage_fast WHERE ok"
        f" UNION ALL SELECT ord, position, {CONVERSATION_COLUMNS}, content_hash FROM stage_py"
    )


def jsonl_lookup(source: TextSource) -> Lookup:
    """ords -> (ord, "line N", raw line) for the requested record ordinals, in one scan."""

    def lookup(ords: set[int]) -> Iterator[tuple[int, str, str]]:
        if not ords:
            return
        last = max(ords)
        lines = (line for line, _ in iter_lines(source))
        for ord_, (number, line) in enumerate(canonical_jsonl.record_lines(lines), start=1):
            if ord_ in ords:
                yield ord_, f"line {number}", line
            if ord_ >= last:
                return

    return lookup


def _check_alignment(record: RawRecord, staged_id: str | None) -> None:
    """Guard the assumption that DuckDB's row order is the file's record order."""
    seen = (record.conversation or {}).get("conversation_id")
    if isinstance(seen, str) and staged_id is not None and seen != staged_id:
        raise RuntimeError(
            f"internal error: DuckDB row order differs from the file at {record.position}; "
            "nothing was imported"
        )
