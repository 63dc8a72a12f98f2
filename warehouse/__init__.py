"""DuckDB storage: schema and migrations, connections, importers and named queries."""
