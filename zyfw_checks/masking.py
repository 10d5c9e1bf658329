"""Masking of 证件号码 and 联系电话: on in every output unless the user opts out."""

from __future__ import annotations

import re

import pandas as pd

ID_FIELDS = ("证件号码",)
PHONE_FIELDS = ("联系电话",)
PERSONAL_FIELDS = ID_FIELDS + PHONE_FIELDS

_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])(\d{3})\d{8,11}(\d{3}[\dXx])(?![0-9A-Za-z])")
_PHONE_IN_TEXT = re.compile(r"(?<!\d)(1\d{2})\d{4}(\d{4})(?!\d)")


def mask_id(s: pd.Series) -> pd.Series:
    """430***********123X: first 3 and last 4 characters kept, the rest starred."""
    s = s.astype("string[pyarrow]")
    n = s.str.len()
    masked = s.copy()
    for length in n[n > 7].unique():  # a few distinct lengths (18, 15, passports), not rows
        sel = n == length
        masked[sel] = s[sel].str.slice_replace(3, int(length) - 4, "*" * (int(length) - 7))
    return masked.where(n > 7, s.where(s.isna(), "****"))


def mask_phone(s: pd.Series) -> pd.Series:
    """138****1234."""
    s = s.astype("string[pyarrow]")
    return (s.str[:3] + "****" + s.str[-4:]).where(s.str.len() > 7, s.where(s.isna(), "****"))


def mask_text(s: pd.Series) -> pd.Series:
    """Safety net for free text (messages, evidence): any ID- or phone-shaped number is masked."""
    s = s.astype("string[pyarrow]")
    s = s.str.replace(_ID_IN_TEXT, r"\1***********\2", regex=True)  # 11 stars, as for an 18-digit ID
    return s.str.replace(_PHONE_IN_TEXT, r"\1****\2", regex=True)


def mask_frame(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for col in out.columns:
        if col in ID_FIELDS:
            out[col] = mask_id(out[col])
        elif col in PHONE_FIELDS:
            out[col] = mask_phone(out[col])
    return out
