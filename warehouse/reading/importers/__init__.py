"""One module per vendor export format. Each defines `IMPORTER`, an `Importer` (see
canonical/importer.py); the registry (registry.py) lists them, and the two canonical formats of
canonical/, for auto-detection. Adding a format = adding one module and naming it in
registry.FORMAT_MODULES.
"""
