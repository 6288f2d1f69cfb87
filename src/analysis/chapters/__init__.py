"""Chapter logic: one module per chapter of the book (load, compute, tables, figures, headlines)."""
