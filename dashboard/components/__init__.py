"""Reusable pieces of the pages (transcript rendering, ...); plain functions, safe HTML only."""
