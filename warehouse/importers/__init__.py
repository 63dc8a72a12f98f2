"""One module per export format. Each defines `IMPORTER`, an `Importer` (see base.py); the
registry (registry.py) lists them for auto-detection. Adding a format = adding one module and
naming it in registry.FORMAT_MODULES.
"""
