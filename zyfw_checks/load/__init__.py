"""Loading: a user's file (.xlsx/.xls/.csv/.parquet) → canonical table with Excel row numbers.

Everything about header spellings, encodings, title rows and cell formats lives here, so the
rules only ever see canonical field names and typed columns. The input file is only read.

The package's parts, in the order a file goes through them: :mod:`~zyfw_checks.load.cells` (bytes → cell grids),
:mod:`~zyfw_checks.load.header` (the header row or rows), :mod:`~zyfw_checks.load.build` (the canonical table),
on :mod:`~zyfw_checks.load.table` (the Table, LoadError, field specs); cell parsing is in :mod:`zyfw_checks.parsing`.
"""

from __future__ import annotations

from zyfw_checks.load.build import UNRECOGNISED, load_frame, load_table
from zyfw_checks.load.cells import Sheets, read_cells
from zyfw_checks.load.header import find_header
from zyfw_checks.load.table import (
    BLANK_ROW,
    COLUMN_INFO,
    CSV_EXT,
    ENCODING,
    EXCEL_EXT,
    FOOTER_ROW,
    NOT_APPROVED,
    NOTES_SHEET,
    PARQUET,
    PARQUET_EXT,
    ROW,
    SHEET,
    SKIPPED,
    SUMMARY_FILE,
    TOTAL_ROW,
    LoadError,
    Table,
    alias_index,
    all_fields,
    field_specs,
    layout,
    match_header,
)

__all__ = [
    "BLANK_ROW", "COLUMN_INFO", "CSV_EXT", "ENCODING", "EXCEL_EXT", "FOOTER_ROW", "NOT_APPROVED", "NOTES_SHEET",
    "PARQUET", "PARQUET_EXT", "ROW", "SHEET", "SKIPPED", "SUMMARY_FILE", "TOTAL_ROW", "UNRECOGNISED", "LoadError",
    "Sheets", "Table", "alias_index", "all_fields", "field_specs", "find_header", "layout", "load_frame", "load_table",
    "match_header", "read_cells",
]
