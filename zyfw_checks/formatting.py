"""Formatting helpers for messages and tables (low in the stack: rules, plan and views use them)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def _spread(codes: np.ndarray, texts: pa.Array, index) -> pd.Series:
    """Distinct texts put back in place; code -1 (blank) reads （空）."""
    texts = pc.fill_null(texts, "（空）")
    taken = pc.take(pa.concat_arrays([texts, pa.array(["（空）"], type=texts.type)]),
                    pa.array(np.where(codes < 0, len(texts), codes)))
    return pd.Series(pd.arrays.ArrowStringArray(taken), index=index)


def fmt_dt(s: pd.Series, fmt: str = "%Y-%m-%d %H:%M") -> pd.Series:
    """Dates as text; blank dates read （空）. A million findings hold a few thousand distinct
    dates: each is formatted once (Arrow's strftime), then spread."""
    values = s.to_numpy(dtype="datetime64[us]", na_value=np.datetime64("NaT"))
    codes, uniques = pd.factorize(values)
    return _spread(codes, pc.strftime(pa.array(uniques, type=pa.timestamp("us")), format=fmt), s.index)


def fmt_num(s: pd.Series) -> pd.Series:
    """2.0 → '2', 2.5 → '2.5'; blank numbers read （空）. Formatted once per distinct value."""
    codes, uniques = pd.factorize(pd.to_numeric(s, errors="coerce").astype("float64").round(2).to_numpy())
    texts = pc.replace_substring_regex(pc.cast(pa.array(uniques, type=pa.float64()), pa.string()), r"\.0$", "")
    return _spread(codes, texts, s.index)


def concat(*parts, index=None) -> pd.Series:
    """Texts and string Series joined row by row in one pass (Arrow), instead of a chain of ``+``
    that copies every message once per piece. Any blank piece makes the row blank, as ``+`` does.
    Unlike ``+`` nothing is aligned: every Series must have the same index, in the same order."""
    series = [p for p in parts if isinstance(p, pd.Series)]
    index = series[0].index if series else index
    if any(not p.index.equals(index) for p in series[1:]):
        raise ValueError("concat: the Series do not share one index")
    text = pa.large_string()
    arrays = [p.astype("string[pyarrow]").array._pa_array.cast(text) if isinstance(p, pd.Series)
              else pa.scalar(str(p), type=text) for p in parts]
    if not series:
        return pd.Series("".join(map(str, parts)), index=index, dtype="string[pyarrow]")
    return pd.Series(pd.arrays.ArrowStringArray(pc.binary_join_element_wise(*arrays, pa.scalar("", type=text))),
                     index=index)


def fmt_pct(x: float) -> str:
    """0.5 → '50%'."""
    return f"{x * 100:g}%"


def column_letter(c: int) -> str:
    """Excel's letters for the 0-based column ``c``: 0 → A, 25 → Z, 26 → AA."""
    out = ""
    c += 1
    while c:
        c, r = divmod(c - 1, 26)
        out = chr(65 + r) + out
    return out
