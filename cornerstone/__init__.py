"""Cornerstone QA, the roof: the `qa` CLI (`cli/`), the demo (`demo/`) and `qa score-file`.

Nothing below imports it: the conversation format is `canonical/`, settings are `config/`.
"""

__version__ = "0.1.0"
