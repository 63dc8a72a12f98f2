"""Back-fill the audit chain (migration 008) for the rows written before it, oldest first.

Run by the migration runner right after 008_audit_chain.sql, in the same transaction. The text
hashed per row comes from the SQL macro `audit_canonical`, so this and every later append and
check hash exactly the same bytes; only the chaining (each hash feeds the next) happens here,
because it is sequential.
"""

from __future__ import annotations

import hashlib

import duckdb
import pandas as pd


def chain_hash(prev_hash: str, canonical: str) -> str:
    """What the SQL macro `audit_entry_hash(prev_hash, canonical)` computes."""
    return hashlib.sha256(f"{len(prev_hash.encode())}:{prev_hash}{canonical}".encode()).hexdigest()


def upgrade(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute(
        "SELECT audit_id, audit_canonical(audit_id, occurred_at, actor, action, target, details)"
        " FROM audit_log ORDER BY audit_id"
    ).fetchall()
    previous, last_id = "", 0
    filled = []
    for audit_id, canonical in rows:
        entry = chain_hash(previous, canonical)
        filled.append((audit_id, previous, entry))
        previous, last_id = entry, audit_id
    if filled:
        frame = pd.DataFrame(filled, columns=["audit_id", "prev_hash", "entry_hash"])
        con.register("audit_chain_fill", frame)
        con.execute(
            "UPDATE audit_log SET prev_hash = f.prev_hash, entry_hash = f.entry_hash"
            " FROM audit_chain_fill AS f WHERE audit_log.audit_id = f.audit_id"
        )
        con.unregister("audit_chain_fill")
    con.execute("UPDATE audit_head SET audit_id = ?, entry_hash = ?", [last_id, previous])
