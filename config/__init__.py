"""Settings (`settings.py`: cornerstone.toml and CORNERSTONE_* variables, read and validated
once) and logging setup (`logs.py`, used by the CLI and the dashboard server alike). Depends on
nothing else of ours, so every package may read it."""
