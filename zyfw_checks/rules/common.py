"""Small helpers shared by rule modules (no rule logic here)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from zyfw_checks.formatting import concat, fmt_dt, fmt_num  # noqa: F401  (rule modules import them from here)

VOLUNTEER_KEYS = ("志愿者编号", "证件号码", "姓名")
ACTIVITY_KEYS = ("活动编号", "活动名称")
VOLUNTEER = "|".join(VOLUNTEER_KEYS)


def first_present(df: pd.DataFrame, names) -> pd.Series:
    """The first of ``names`` that is a column (e.g. who the volunteer is: 编号, else 证件号码, else 姓名)."""
    for n in names:
        if n in df.columns:
            return df[n].astype("string[pyarrow]")
    return pd.Series(pd.NA, index=df.index, dtype="string[pyarrow]")


def volunteer_key(df: pd.DataFrame) -> pd.Series:
    """Who the volunteer is: 志愿者编号, else 证件号码, else 姓名 — row by row, so a blank 编号 falls back
    to the ID number. An ID number the export masked (430***********1234) is shared by many people,
    so it is paired with the name."""
    present = [c for c in VOLUNTEER_KEYS if c in df.columns]
    if not present:
        return pd.Series(pd.NA, index=df.index, dtype="string[pyarrow]")
    key = None
    for col in present:
        v = df[col].astype("string[pyarrow]")
        if col == "证件号码" and "姓名" in df.columns:
            from zyfw_checks.params import load_params
            from zyfw_checks.parsing import masked_ids

            masked = masked_ids(v.fillna(""), load_params("fields/layout")["masked_id_pattern"])
            if masked.any():
                v = v.where(~masked, df["姓名"].astype("string[pyarrow]").fillna("") + "|" + v)
        if key is None:
            key = v
        elif key.isna().any():  # a fallback is marked so that it cannot meet another column's value
            key = key.fillna(col + ":" + v)
    return key


def activity_key(df: pd.DataFrame) -> pd.Series:
    return first_present(df, ACTIVITY_KEYS)


def join_flags(parts: list[tuple[pd.Series, object]], sep: str = "；") -> pd.Series:
    """Row-wise join of the texts whose flags are set, over the flagged rows only (no row loop).

    Each part is (flag Series, text) where text is a str, a Series, or a function of the
    flagged index returning a Series — so messages are only formatted for offending rows.
    The pieces of unflagged rows are null, and Arrow's join skips them (one pass for all parts).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    flags = [flag.fillna(False).astype(bool).to_numpy() for flag, _ in parts]
    anyf = np.logical_or.reduce(flags)
    idx = parts[0][0].index[anyf]
    pieces = []
    for f, (_, text) in zip(flags, parts, strict=True):
        sub = f[anyf]
        if not sub.any():
            continue
        if callable(text):
            piece = text(idx[sub]).astype("string[pyarrow]").reindex(idx)
        elif isinstance(text, pd.Series):
            piece = text.loc[idx].astype("string[pyarrow]")
        else:
            piece = pd.Series(text, index=idx, dtype="string[pyarrow]")
        arr = pc.fill_null(piece.array._pa_array, "").cast(pa.large_string())
        pieces.append(pc.if_else(pa.array(sub), arr, pa.scalar(None, type=pa.large_string())))
    if not pieces:
        return pd.Series("", index=idx, dtype="string[pyarrow]")
    joined = pc.binary_join_element_wise(*pieces, pa.scalar(sep, type=pa.large_string()), null_handling="skip")
    return pd.Series(pd.arrays.ArrowStringArray(joined), index=idx)


def regex_extract(text: pd.Series, pattern: str) -> pd.Series:
    """First match of ``pattern`` (case-insensitive) per row, NA when none.

    pyarrow's RE2 kernel when the pattern allows it (fast, C++); patterns with look-arounds,
    which RE2 does not support, fall back to Python's ``re``. Callers run it on distinct texts.
    """
    try:
        import pyarrow as pa
        import pyarrow.compute as pc

        res = pc.extract_regex(pa.array(text.astype("string[pyarrow]").array), f"(?i)(?P<m>{pattern})")
        found = pd.Series(pd.arrays.ArrowStringArray(res.field("m")), index=text.index)
        return found.where(pd.Series(res.is_valid().to_numpy(zero_copy_only=False), index=text.index))
    except (ImportError, NotImplementedError, ValueError, TypeError) as exc:  # ArrowInvalid is a ValueError
        if type(exc).__name__ not in ("ArrowInvalid", "ArrowNotImplementedError", "ImportError", "TypeError"):
            raise
        return text.str.extract(f"({pattern})", flags=re.I, expand=True)[0].astype("string[pyarrow]")
