"""The DuckDB warehouse: schema and migrations, idempotent partition loads through Arrow, SQL models."""
