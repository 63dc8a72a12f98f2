"""Errors a user can hit in the data layer, with messages a QA lead can act on."""


class WarehouseError(Exception):
    """Base class: caught at the CLI/page edge and shown as a plain message."""


class DatabaseBusyError(WarehouseError):
    """Another process holds the DuckDB write lock for longer than we were willing to wait."""


class SchemaTooNewError(WarehouseError):
    """The database was written by a newer release than this one."""


class PermissionDeniedError(WarehouseError):
    """The viewer's role does not allow this read or write."""
