"""A module whose own import fails (for the pipeline test)."""

import warehouse.this_module_does_not_exist  # noqa: F401
