"""The canonical table the rules read, the loader's error, and the field specs (params/fields/)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from zyfw_checks import parsing
from zyfw_checks.errors import KitError
from zyfw_checks.formatting import column_letter
from zyfw_checks.params import load_params, threshold
from zyfw_checks.reasons import Reason

ROW = "_row"  # the row number as Excel shows it in the user's own file
SHEET = "_sheet"
NOTES_SHEET = "填写说明"  # the template's sheet of filling notes: never records, skipped without a word
PARQUET = "__parquet__"  # the pseudo-sheet of a Parquet file (headers are its column names)
EXCEL_EXT = {".xlsx", ".xlsm", ".xls", ".ods", ".et"}
CSV_EXT = {".csv", ".txt", ".tsv"}
PARQUET_EXT = {".parquet", ".pq"}
_SHEET_ROLES = {"records": "服务记录", "volunteers": "志愿者", "activities": "活动"}
_JOIN_KEYS = {"volunteers": "志愿者编号", "activities": "活动编号"}
_MB = 1024 * 1024

TOTAL_ROW, FOOTER_ROW, BLANK_ROW, NOT_APPROVED, SUMMARY_FILE = (
    Reason.TOTAL_ROW, Reason.FOOTER_ROW, Reason.BLANK_ROW, Reason.NOT_APPROVED, Reason.SUMMARY_FILE)
ENCODING = "ENCODING"  # LoadError.code of a text file in an encoding the loader does not read (Big5, Shift-JIS)
COLUMN_INFO = ["column", "header", "field", "unit", "status"]
SKIPPED = ["row", "reason_code", "reason", "detail"]


class LoadError(KitError):
    """A file that cannot be read: the message says, in Chinese, what is wrong and what to do."""

    def __init__(self, message: str, code: str | None = None):
        super().__init__(message)
        self.code = code  # e.g. SUMMARY_FILE for a per-person summary; None for plain read errors


@dataclass
class Table:
    df: pd.DataFrame  # canonical columns + _row (+ _sheet)
    kind: str
    source: str
    sheet: str | None = None
    header_row: int | None = None  # the (last) header row as Excel numbers it
    mapping: dict[str, str] = field(default_factory=dict)  # canonical → header as written
    unknown_headers: list[str] = field(default_factory=list)
    bad_cells: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["row", "field", "header", "value", "type", "hint"])
    )
    notes: list[str] = field(default_factory=list)  # what was skipped or assumed, said to the user
    original: pd.DataFrame | None = None  # the data rows as read (headers as written), for reports
    # one row per source column: Excel letter, header as written, canonical field, unit, status
    columns: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=COLUMN_INFO))
    # rows the loader set aside (not checked): Excel row, coded reason, its label, the cell that decided
    skipped: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=SKIPPED))
    units: dict[str, str] = field(default_factory=dict)  # canonical hours field → unit of the source column
    header_rows: int = 1  # 2 when a two-row merged header was combined
    # headers that look like a field but match none of its spellings: canonical field guessed → header as written
    # (the engine makes the rules that need such a field 未评估, never 通过; the user can map it by hand)
    unrecognised: dict[str, str] = field(default_factory=dict)
    # per record, on df's index: start_clock / end_clock (the 开始时间 / 结束时间 cell gave a clock time, not a
    # date alone) and overnight (the end was moved to the next day: clock times only, one date, end < start)
    time_flags: dict[str, pd.Series] = field(default_factory=dict)

    def bad_mask(self, name: str) -> pd.Series:
        """True where the cell of field ``name`` was filled but could not be read."""
        rows = self.bad_cells.loc[self.bad_cells["field"] == name, "row"]
        if not len(rows):
            return pd.Series(np.zeros(len(self.df), dtype=bool), index=self.df.index)
        return self.df[ROW].isin(rows)

    @property
    def ignored_columns(self) -> list[str]:
        """Headers of the source columns that no check reads (unknown, duplicate, or set aside by the user)."""
        c = self.columns
        return c.loc[c["status"] != "已使用", "header"].tolist() if len(c) else list(self.unknown_headers)

    def column_mapping(self) -> list[dict]:
        """Source header → canonical field (with unit and status), for views and JSON output."""
        c = self.columns.astype(object).where(self.columns.notna(), None)
        return c.to_dict("records")

    def skipped_counts(self) -> dict[str, int]:
        return {str(k): int(v) for k, v in self.skipped["reason_code"].astype(str).value_counts().items()}

    def describe(self) -> dict:
        """What the loader found, as plain data (the JSON output carries it)."""
        return {
            "source": self.source, "sheet": self.sheet, "header_row": self.header_row,
            "header_rows": self.header_rows, "records": int(len(self.df)),
            "columns": self.column_mapping(), "ignored_columns": self.ignored_columns,
            "units": dict(self.units), "skipped_rows": self.skipped_counts(),
        }


# ---------------------------------------------------------------- field specs


def field_specs(kind: str) -> dict[str, dict]:
    """The canonical fields of a table kind that the template lists (``fields`` in params/fields/<kind>.yaml)."""
    try:
        return load_params(f"fields/{kind}")["fields"]
    except FileNotFoundError as exc:
        raise LoadError(f"不认识的表类型：{kind}") from exc


def all_fields(kind: str) -> dict[str, dict]:
    """Every field the loader recognises: the template's plus ``extra_fields`` (platform exports, ledgers)."""
    field_specs(kind)
    spec = load_params(f"fields/{kind}")
    return {**spec["fields"], **(spec.get("extra_fields") or {})}


def layout() -> dict:
    return load_params("fields/layout")


def _limit(key: str):
    return threshold(key, name="limits")


def alias_index(kind: str, which: str = "aliases") -> dict[str, str]:
    """normalized header → canonical field. ``which``: aliases (canonical names included),
    fallback_aliases (used only when no other column gives the field) or sub_aliases (2nd header row)."""
    index: dict[str, str] = {}
    for name, spec in all_fields(kind).items():
        words = [name, *spec.get("aliases", [])] if which == "aliases" else spec.get(which, [])
        for alias in words:
            index.setdefault(parsing.normalize_header(alias), name)
    return index


def match_header(cell: object, index: dict[str, str]) -> str | None:
    norm = parsing.normalize_header(cell)
    if not norm:
        return None
    return index.get(norm) or index.get(parsing.strip_units(norm))


_col_letter = column_letter  # the loader's name for it
