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


# The same two patterns for RE2 (pyarrow's C++ kernel), which has no look-arounds: the boundary
# characters are captured and put back. Two passes catch numbers separated by one character.
_ID_RE2 = r"(^|[^0-9A-Za-z])(\d{3})\d{8,11}(\d{3}[\dXx])([^0-9A-Za-z]|$)"
_PHONE_RE2 = r"(^|\D)(1\d{2})\d{4}(\d{4})(\D|$)"
_LONG_DIGITS = r"\d{11}"


def mask_text(s: pd.Series) -> pd.Series:
    """Safety net for free text (messages, evidence): any ID- or phone-shaped number is masked."""
    import pyarrow as pa

    s = s.astype("string[pyarrow]")
    arr = s.array._pa_array if hasattr(s.array, "_pa_array") else pa.chunked_array([pa.array(s)])
    masked = mask_arrow(arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr)
    return pd.Series(pd.arrays.ArrowStringArray(masked), index=s.index)


def mask_arrow(arr):
    """:func:`mask_text` on an Arrow string array, returned as one: vectorised in pyarrow (RE2) and
    only over the values that hold 11 digits in a row; the rest is not copied."""
    import pyarrow.compute as pc

    from zyfw_checks.parsing import arrow_distinct

    coded = arrow_distinct(arr)  # findings repeat their messages: each distinct text is masked once
    texts = arr if coded is None else coded[0]
    has = pc.fill_null(pc.match_substring_regex(texts, _LONG_DIGITS), False)
    if not pc.any(has).as_py():
        return arr
    sub = pc.filter(texts, has)
    for _ in range(2):
        sub = pc.replace_substring_regex(sub, _ID_RE2, r"\1\2***********\3\4")
        sub = pc.replace_substring_regex(sub, _PHONE_RE2, r"\1\2****\3\4")
    if coded is None:
        return pc.replace_with_mask(arr, has, sub.cast(arr.type))
    masked = pc.replace_with_mask(texts, has, sub.cast(texts.type))
    rows = pc.fill_null(pc.take(has, coded[1]), False)
    return pc.replace_with_mask(arr, rows, pc.take(masked, pc.filter(coded[1], rows)).cast(arr.type))


def mask_frame(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for col in out.columns:
        if col in ID_FIELDS:
            out[col] = mask_id(out[col])
        elif col in PHONE_FIELDS:
            out[col] = mask_phone(out[col])
    return out
