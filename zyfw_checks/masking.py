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
    s = s.astype("string")
    n = s.str.len()
    stars = n.sub(7).clip(lower=1).fillna(1).astype("int64")
    masked = s.str[:3] + stars.map(lambda k: "*" * k).astype("string") + s.str[-4:]
    return masked.where(n > 7, s.where(s.isna(), "****"))


def mask_phone(s: pd.Series) -> pd.Series:
    """138****1234."""
    s = s.astype("string")
    return (s.str[:3] + "****" + s.str[-4:]).where(s.str.len() > 7, s.where(s.isna(), "****"))


def mask_text(s: pd.Series) -> pd.Series:
    """Safety net for free text (messages, evidence): any ID- or phone-shaped number is masked."""
    s = s.astype("string")
    s = s.str.replace(_ID_IN_TEXT, lambda m: m.group(1) + "*" * (len(m.group(0)) - 7) + m.group(2), regex=True)
    return s.str.replace(_PHONE_IN_TEXT, r"\1****\2", regex=True)


def mask_frame(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for col in out.columns:
        if col in ID_FIELDS:
            out[col] = mask_id(out[col])
        elif col in PHONE_FIELDS:
            out[col] = mask_phone(out[col])
    return out
