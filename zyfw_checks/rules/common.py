"""Small helpers shared by rule modules (no rule logic here)."""

from __future__ import annotations

import numpy as np
import pandas as pd

VOLUNTEER_KEYS = ("志愿者编号", "证件号码", "姓名")
ACTIVITY_KEYS = ("活动编号", "活动名称")
VOLUNTEER = "|".join(VOLUNTEER_KEYS)


def first_present(df: pd.DataFrame, names) -> pd.Series:
    """The first of ``names`` that is a column (e.g. who the volunteer is: 编号, else 证件号码, else 姓名)."""
    for n in names:
        if n in df.columns:
            return df[n].astype("string")
    return pd.Series(pd.NA, index=df.index, dtype="string")


def volunteer_key(df: pd.DataFrame) -> pd.Series:
    return first_present(df, VOLUNTEER_KEYS)


def activity_key(df: pd.DataFrame) -> pd.Series:
    return first_present(df, ACTIVITY_KEYS)


def fmt_dt(s: pd.Series, fmt: str = "%Y-%m-%d %H:%M") -> pd.Series:
    return s.dt.strftime(fmt).astype("string").fillna("（空）")


def fmt_num(s: pd.Series) -> pd.Series:
    """2.0 → '2', 2.5 → '2.5'."""
    return s.round(2).astype("string").str.replace(r"\.0$", "", regex=True).fillna("（空）")


def join_flags(parts: list[tuple[pd.Series, pd.Series | str]], sep: str = "；") -> pd.Series:
    """Concatenate the texts whose flags are set, row-wise, without a Python loop over rows."""
    index = parts[0][0].index
    out = pd.Series("", index=index, dtype="string")
    for flag, text in parts:
        piece = text if isinstance(text, pd.Series) else pd.Series(text, index=index, dtype="string")
        add = flag.fillna(False).to_numpy(dtype=bool)
        out = out.where(~add, out + np.where(out.str.len().gt(0), sep, "") + piece.fillna(""))
    return out
