"""The DuckDB store of analysed reviews and its per-film reports."""
