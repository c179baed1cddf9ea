"""SQL models, one per file: sql/<schema>/<name>.sql builds the DuckDB relation <schema>.<name>.

staging/ models become views, marts/ models tables. A header of ``--`` comments documents the model: the
first paragraph is the table comment, ``-- column: text`` lines are column comments.
"""
