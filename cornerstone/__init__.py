"""Cornerstone QA: glue shared by the warehouse, scoring and dashboard packages."""
