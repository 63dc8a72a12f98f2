"""`python -m cornerstone ...` is `qa ...`."""

import sys

from cornerstone.cli import main

sys.exit(main())
