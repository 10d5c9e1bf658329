"""Cell parsers, vectorised: date-times as people type them, hours, money, header text.

Each parser takes a Series of raw cells (strings, numbers, datetimes mixed) and returns the
parsed Series plus a boolean Series marking cells that were filled but could not be read.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

import numpy as np
import pandas as pd

EXCEL_EPOCH = pd.Timestamp("1899-12-30")
# Excel serial numbers between 1982 and 2100: anything else in a date column is not a date.
_SERIAL_MIN, _SERIAL_MAX = 30000, 73415

_DATE_RE = (
    r"^\s*(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:[\sT日]*(?P<H>\d{1,2})\s*[:：时点]\s*(?P<M>\d{1,2})?\s*[:：分]?\s*(?P<S>\d{1,2})?\s*秒?)?\s*$"
)
_COMPACT_RE = r"^\s*(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})\s*$"
_TIME_RE = r"^\s*(?P<H>\d{1,2})\s*[:：时点]\s*(?P<M>\d{1,2})?\s*[:：分]?\s*(?P<S>\d{1,2})?\s*秒?\s*$"


def to_float(s, errors="coerce") -> pd.Series:
    """pd.to_numeric that always gives float64 with NaN (string columns would give nullable Int64)."""
    return pd.to_numeric(s, errors=errors).astype("float64")


def normalize_text(s: pd.Series) -> pd.Series:
    """NFKC (full-width digits, brackets and spaces to half-width) and strip; blanks → NA."""
    s = s.astype("string").str.normalize("NFKC").str.strip()
    return s.mask(s.isin(["", "nan", "NaN", "None", "NaT", "-", "—", "/"]))


def normalize_header(text: object) -> str:
    t = unicodedata.normalize("NFKC", str(text or "")).lower()
    return re.sub(r"[\s*＊:：]+", "", t)


def strip_units(header: str) -> str:
    """服务时长(小时) → 服务时长 ; used only when the exact header is unknown."""
    return re.sub(r"\(.*?\)|\[.*?\]|【.*?】", "", header)


def _is_blank(raw: pd.Series) -> pd.Series:
    s = raw.astype("string").str.strip()
    return raw.isna() | s.isna() | s.isin(["", "nan", "NaN", "None", "NaT"])


def _from_parts(parts: pd.DataFrame) -> pd.Series:
    cols = {"year": "y", "month": "m", "day": "d", "hour": "H", "minute": "M", "second": "S"}
    frame = pd.DataFrame(
        {k: to_float(parts[v], errors="coerce") if v in parts else np.nan for k, v in cols.items()},
        index=parts.index,
    )
    frame[["hour", "minute", "second"]] = frame[["hour", "minute", "second"]].fillna(0)
    ok = frame.notna().all(axis=1)
    out = pd.Series(pd.NaT, index=parts.index, dtype="datetime64[us]")
    if ok.any():
        out[ok] = pd.to_datetime(frame[ok], errors="coerce").astype("datetime64[us]")
    return out


def parse_datetime(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse 2023-09-07 14:00, 2023/9/7, 2023年9月7日14时30分, 2023.9.7, Excel serials, datetimes."""
    if pd.api.types.is_datetime64_any_dtype(raw):
        return raw.astype("datetime64[us]"), pd.Series(False, index=raw.index)
    blank = _is_blank(raw)
    out = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[us]")
    is_dt = raw.map(type).isin([dt.datetime, pd.Timestamp, dt.date]) if raw.dtype == object else blank & False
    if is_dt.any():
        out[is_dt] = pd.to_datetime(raw[is_dt].astype(object), errors="coerce").astype("datetime64[us]")
    num = to_float(raw.where(~is_dt), errors="coerce")
    serial = num.between(_SERIAL_MIN, _SERIAL_MAX)
    if serial.any():
        out[serial] = (EXCEL_EPOCH + pd.to_timedelta((num[serial] * 86400).round(), unit="s")).astype(
            "datetime64[us]"
        )
    rest = ~blank & ~is_dt & ~serial
    if rest.any():
        text = raw[rest].astype("string").str.normalize("NFKC")
        parts = text.str.extract(_DATE_RE)
        compact = text.str.extract(_COMPACT_RE)
        parts = parts.where(parts["y"].notna(), compact.reindex(columns=parts.columns))
        out[rest] = _from_parts(parts)
    bad = ~blank & out.isna()
    return out, bad


def parse_time_of_day(raw: pd.Series) -> pd.Series:
    """'14:00', '14时30分', datetime.time, Excel fraction of a day → Timedelta (NaT if not a time)."""
    out = pd.Series(pd.NaT, index=raw.index, dtype="timedelta64[us]")
    if raw.dtype == object:
        is_time = raw.map(type) == dt.time
        if is_time.any():
            out[is_time] = pd.to_timedelta(raw[is_time].astype(str))
    else:
        is_time = pd.Series(False, index=raw.index)
    num = to_float(raw.where(~is_time), errors="coerce")
    frac = num.between(0, 1, inclusive="left")
    if frac.any():
        out[frac] = pd.to_timedelta((num[frac] * 86400).round(), unit="s")
    rest = ~is_time & ~frac & raw.notna()
    if rest.any():
        p = raw[rest].astype("string").str.normalize("NFKC").str.extract(_TIME_RE)
        h = to_float(p["H"], errors="coerce")
        m = to_float(p["M"], errors="coerce").fillna(0)
        s = to_float(p["S"], errors="coerce").fillna(0)
        ok = h.between(0, 23) & m.between(0, 59)
        out[rest] = pd.to_timedelta(h * 3600 + m * 60 + s, unit="s").where(ok)
    return out


_HOURS_RE = (
    r"^\s*(?:(?P<h>\d+(?:\.\d+)?)\s*(?:个)?\s*(?:小时|h|hr|hrs|hours?|时))?"
    r"\s*(?:(?P<min>\d+(?:\.\d+)?)\s*(?:分钟|分|min|mins|minutes?))?\s*$"
)


def parse_hours(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """'2', '2.5', '2小时', '1小时30分', '90分钟' → hours; '两小时' is reported as unreadable."""
    blank = _is_blank(raw)
    num = to_float(raw, errors="coerce") if raw.dtype != object else to_float(
        raw.where(raw.map(type).isin([int, float])), errors="coerce"
    )
    text = raw.where(num.isna() & ~blank)
    if text.notna().any():
        t = text.dropna().astype("string").str.normalize("NFKC").str.lower().str.strip()
        p = t.str.extract(_HOURS_RE)
        h = to_float(p["h"], errors="coerce").fillna(to_float(t, errors="coerce"))
        mins = to_float(p["min"], errors="coerce")
        val = h.fillna(0) + mins.fillna(0) / 60
        val = val.where(h.notna() | mins.notna())
        num = num.astype(float)
        num.loc[val.index] = val.astype(float)
    bad = ~blank & num.isna()
    return num.astype(float), bad


def parse_money(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """'50', '50元', '¥50.00', '1,200' → yuan."""
    blank = _is_blank(raw)
    text = raw.astype("string").str.normalize("NFKC").str.replace(r"[,\s¥￥元人民币]", "", regex=True)
    text = text.str.replace("免费", "0", regex=False).str.replace("无", "0", regex=False)
    num = to_float(text, errors="coerce").astype(float)
    bad = ~blank & num.isna()
    return num, bad


def parse_text(raw: pd.Series) -> pd.Series:
    if raw.dtype == object:
        # Excel gives ints/floats for code-like cells; 2001.0 must read as "2001".
        isnum = raw.map(type).isin([float, int])
        if isnum.any():
            nums = to_float(raw[isnum], errors="coerce")
            whole = nums.notna() & (nums % 1 == 0) & (nums.abs() < 1e15)
            raw = raw.copy()
            raw[whole[whole].index] = nums[whole].astype("int64").astype(str)
    return normalize_text(raw)
