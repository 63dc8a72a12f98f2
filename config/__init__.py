"""Settings (`settings.py`): cornerstone.toml and CORNERSTONE_* variables, read and validated
once; depends on nothing else of ours, so every package may read it."""
