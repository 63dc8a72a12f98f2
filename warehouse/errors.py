"""Errors a user can hit in the data layer, with messages a QA lead can act on."""


class WarehouseError(Exception):
    """Base class: caught at the CLI/page edge and shown as a plain message."""


class DatabaseBusyError(WarehouseError):
    """Another process holds the DuckDB write lock for longer than we were willing to wait."""


class SchemaTooNewError(WarehouseError):
    """The database was written by a newer release than this one."""


class PermissionDeniedError(WarehouseError):
    """The viewer's role does not allow this read or write."""


DISK_FULL = (
    "The disk is full (no space left on device), so nothing was saved. Free some space on the "
    "disk that holds the database and try again"
)
WRITE_CONFLICT = "Someone changed the same data at the same moment, so nothing was saved. Try again"
BUSY = (
    "The database is busy (an import or scoring run is writing). Wait until it has finished "
    "and try again"
)


def plain_failure(error: BaseException) -> str | None:
    """A sentence for a failure a person can hit that is not one of our own errors (disk full,
    no permission, a busy file, a write conflict, out of memory), or None for a bug.

    Used at every edge (the `qa` CLI, the dashboard's page wrapper), so these never show as a
    traceback."""
    import errno

    import duckdb

    if isinstance(error, WarehouseError):
        return str(error)
    text = str(error)
    if getattr(error, "errno", None) == errno.ENOSPC or "No space left on device" in text:
        return DISK_FULL
    if isinstance(error, PermissionError) or "Permission denied" in text:
        where = getattr(error, "filename", None)
        return f"Permission denied{f' for {where}' if where else ''}: nothing was changed"
    if isinstance(error, duckdb.TransactionException) and "Conflict" in text:
        return WRITE_CONFLICT
    if isinstance(error, duckdb.IOException) and ("lock" in text or "Conflicting" in text):
        return BUSY
    if isinstance(error, MemoryError | duckdb.OutOfMemoryException):
        return "Not enough memory for this step, so nothing was saved. Try a smaller file"
    return None
