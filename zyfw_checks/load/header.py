"""Finding the header among the first rows: one row, or two merged rows (服务时间 → 日期 / 开始 / 结束)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from zyfw_checks.load.table import (
    alias_index,
    match_header,
)
from zyfw_checks.params import threshold

# ---------------------------------------------------------------- header detection


def _text(v) -> str:
    if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and np.isnan(v)):
        return ""  # pd.NA: a blank cell of a CSV read by pyarrow (str() would make it the header "<NA>")
    t = str(v)
    return "" if t.strip() in ("", "nan", "None", "NaT", "<NA>") else t  # kept as written (spaces and all)


@dataclass
class _Header:
    pos: int  # row position of the (first) header row
    rows: int  # 1, or 2 for a two-row merged header
    labels: list[str]  # header as shown per column ("服务时间/开始" for a combined one)
    strong: list[str | None]  # field by alias (or sub-header) per column
    weak: list[str | None]  # field by fallback alias per column
    hits: int


class _Indexes:
    def __init__(self, kind: str):
        self.strong = alias_index(kind)
        self.weak = alias_index(kind, "fallback_aliases")
        self.sub = alias_index(kind, "sub_aliases")


def _single(vals: list, ix: _Indexes, pos: int) -> _Header:
    labels = [_text(v) for v in vals]
    strong = [match_header(x, ix.strong) for x in labels]
    weak = [match_header(x, ix.weak) if s is None else None for x, s in zip(labels, strong, strict=True)]
    return _Header(pos, 1, labels, strong, weak, len(set(strong + weak) - {None}))


def _double(top_vals: list, sub_vals: list, ix: _Indexes, pos: int) -> _Header:
    """Two header rows: a group label merged across columns above its sub-headers (服务时间 → 日期/开始/结束)."""
    labels, strong, weak = [], [], []
    group = ""
    for t, s in zip((_text(v) for v in top_vals), (_text(v) for v in sub_vals), strict=False):
        if t:
            group = t if s else ""
        elif not s:
            group = ""
        if not s:  # a header merged down over both rows, or an empty column
            labels.append(t)
            strong.append(match_header(t, ix.strong))
            weak.append(match_header(t, ix.weak) if strong[-1] is None else None)
            continue
        g = t or group
        labels.append(f"{g.strip()}/{s.strip()}" if g else s)
        c = (match_header(g + s, ix.strong) if g else None) or match_header(s, ix.strong) or match_header(s, ix.sub)
        strong.append(c)
        weak.append(match_header(s, ix.weak) if c is None else None)
    return _Header(pos, 2, labels, strong, weak, len(set(strong + weak) - {None}))


def find_header(cells: pd.DataFrame, ix: _Indexes) -> _Header | None:
    """The header among the first rows: the row with the most recognised headers, or a pair of rows
    (a two-row merged header) when combining them recognises strictly more."""
    n = int(threshold("max_header_scan_rows"))
    vals = cells.head(n + 1).to_numpy(dtype=object).tolist()
    best: _Header | None = None
    for pos in range(min(len(vals), n)):
        h = _single(vals[pos], ix, pos)
        if best is None or h.hits > best.hits:
            best = h
    if best is None:
        return None
    for pos in range(min(len(vals) - 1, n)):
        h = _double(vals[pos], vals[pos + 1], ix, pos)
        if h.hits > best.hits:
            best = h
    return best if best.hits >= 2 else None


def _first_nonblank_row(cells: pd.DataFrame) -> list[str]:
    for pos in range(min(len(cells), 30)):
        vals = [str(v) for v in cells.iloc[pos].tolist() if v is not None and str(v).strip() and str(v) != "nan"]
        if vals:
            return vals
    return []
