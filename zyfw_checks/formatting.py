"""Formatting helpers for messages and tables (low in the stack: rules, plan and views use them)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def fmt_dt(s: pd.Series, fmt: str = "%Y-%m-%d %H:%M") -> pd.Series:
    """Dates as text; blank dates read （空）. Formatted in Arrow's C++ kernel (pandas' strftime is
    a Python loop, the largest cost of messages on a million findings)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    values = s.to_numpy(dtype="datetime64[us]", na_value=np.datetime64("NaT"))
    text = pc.strftime(pa.array(values, type=pa.timestamp("us")), format=fmt)
    return pd.Series(pd.arrays.ArrowStringArray(pc.fill_null(text, "（空）")), index=s.index)


def fmt_num(s: pd.Series) -> pd.Series:
    """2.0 → '2', 2.5 → '2.5'; blank numbers read （空）."""
    return s.round(2).astype("string[pyarrow]").str.replace(r"\.0$", "", regex=True).fillna("（空）")


def fmt_pct(x: float) -> str:
    """0.5 → '50%'."""
    return f"{x * 100:g}%"
