"""One adapter per published format, each producing a tidy, validated table.

Modules: ``geography`` (lookups, boundaries), ``deprivation`` (IoD2019 / IoD2025, population),
and one module per chapter domain. Shared helpers live in ``_base``.
"""

from ._base import LoaderError, cached_table, read_csv, read_excel

__all__ = ["LoaderError", "cached_table", "read_csv", "read_excel"]
