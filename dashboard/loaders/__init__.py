"""Cached read loaders for the pages: each opens the database briefly and runs named queries."""
