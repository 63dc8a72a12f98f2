"""Cornerstone QA: glue shared by the warehouse, scoring and dashboard packages."""

__version__ = "0.1.0"
