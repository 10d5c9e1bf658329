"""Cell parsers, vectorised: date-times as people type them, hours, money, header text.

Each parser takes a Series of raw cells (strings, numbers, datetimes mixed) and returns the
parsed Series plus a boolean Series marking cells that were filled but could not be read.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
import weakref

import numpy as np
import pandas as pd

EXCEL_EPOCH = pd.Timestamp("1899-12-30")
# Excel serial numbers between 1982 and 2100: anything else in a date column is not a date.
_SERIAL_MIN, _SERIAL_MAX = 30000, 73415

# 12-hour words people write before a clock time: 下午2:30 is 14:30, 中午1点 is 13:00, 上午 and 凌晨 leave it.
_PM_WORDS = ("下午", "晚上", "傍晚", "夜间", "夜里", "午后")
_NOON_WORDS = ("中午",)
_AP = "(?:" + "|".join(("上午", "早上", "早晨", "凌晨", *_PM_WORDS, *_NOON_WORDS)) + ")"
_DATE_RE = (
    r"^\s*(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
    rf"(?:[\sT日]*(?P<ap>{_AP})?\s*(?P<H>\d{{1,2}})\s*[:：时点]\s*(?P<M>\d{{1,2}})?\s*[:：分]?\s*(?P<S>\d{{1,2}})?\s*秒?)?\s*$"
)
_COMPACT_RE = r"^\s*(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})\s*$"
_TIME_RE = (rf"^\s*(?P<ap>{_AP})?\s*(?P<H>\d{{1,2}})\s*[:：时点]\s*(?P<M>\d{{1,2}})?\s*[:：分]?\s*(?P<S>\d{{1,2}})?"
            r"\s*秒?\s*$")
# back-office exports of 志愿汇 write times as milliseconds since 1970 (UTC); read as Beijing time
_EPOCH_MS_MIN, _EPOCH_MS_MAX = 9.46e11, 4.1e12  # 2000-01-01 … 2099
_BEIJING = pd.Timedelta(hours=8)


def twelve_hour(hour: pd.Series, ap: pd.Series | None) -> pd.Series:
    """Hours of a 12-hour clock made 24-hour by the word before them (下午2 → 14, 中午1 → 13, 上午9 → 9)."""
    if ap is None:
        return hour
    ap = ap.astype("string[pyarrow]")
    pm = (ap.isin(_PM_WORDS).fillna(False).astype(bool) & (hour < 12)) | (
        ap.isin(_NOON_WORDS).fillna(False).astype(bool) & (hour < 11))
    return hour.where(~pm, hour + 12)


def to_float(s, errors="coerce") -> pd.Series:
    """pd.to_numeric that always gives float64 with NaN (string columns would give nullable Int64)."""
    return pd.to_numeric(s, errors=errors).astype("float64")


_FACTORIZED: dict[int, tuple] = {}  # id(series) → (weakref, codes, uniques): rules ask many questions of one text


def factorize_cached(raw: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """pd.factorize, remembered for the same Series object while it lives (checked by weakref)."""
    hit = _FACTORIZED.get(id(raw))
    if hit is not None and hit[0]() is raw:
        return hit[1], hit[2]
    codes, uniques = pd.factorize(raw, use_na_sentinel=True)
    if len(_FACTORIZED) > 16:
        _FACTORIZED.clear()
    _FACTORIZED[id(raw)] = (weakref.ref(raw), codes, uniques)
    return codes, uniques


def remember_factorization(raw: pd.Series, codes: np.ndarray, uniques) -> None:
    """Tell :func:`factorize_cached` the codes of a Series its builder already knows."""
    if len(_FACTORIZED) > 16:
        _FACTORIZED.clear()
    _FACTORIZED[id(raw)] = (weakref.ref(raw), codes, uniques)


def _spread(part: pd.Series | pd.DataFrame, codes: np.ndarray, index: pd.Index) -> pd.Series | pd.DataFrame:
    """Per-distinct-value results back onto every row (NA where the row's value was NA). A frame
    (several results per value, e.g. the parts of a time range) is spread row-wise, column by column."""
    if isinstance(part, pd.DataFrame):
        return pd.DataFrame({c: _spread(part[c], codes, index) for c in part.columns}, index=index)
    safe = np.where(codes < 0, 0, codes)
    if pd.api.types.is_bool_dtype(part):
        values = part.to_numpy(dtype=bool)[safe] if len(part) else np.zeros(len(codes), dtype=bool)
        return pd.Series(values & (codes >= 0), index=index)
    hit = (codes >= 0) & (part.notna().to_numpy()[safe] if len(part) else False)
    if hit.size and hit.mean() > 0.5:  # mostly filled (parsed dates, normalised text): one take
        return part.take(safe).set_axis(index).where(hit)
    # mostly empty (e.g. lexicon matches): copy only the matching rows, not a million empty strings
    out = pd.Series(pd.NA if part.dtype.kind in "OUT" or isinstance(part.dtype, pd.StringDtype) else np.nan,
                    index=index, dtype=part.dtype)
    if hit.any():
        out[hit] = part.take(safe[hit]).to_numpy()
    return out


def _bools_among_numbers(raw: pd.Series) -> bool:
    """True for an object column mixing True/False with other values: factorize takes True == 1 and
    False == 0 as one value, so the once-per-value path would read a 1 as True (or the reverse)."""
    if raw.dtype != object or pd.api.types.infer_dtype(raw, skipna=True) not in ("mixed", "mixed-integer"):
        return False
    return bool(raw.map(type).isin([bool, np.bool_]).any())


ONCE_PER_VALUE = True  # the differential tests switch it off to compare with the plain per-row path


def on_uniques(fn):
    """Run a Series → Series (or frame, or tuple of Series) parser once per distinct value (records
    repeat dates, names, texts); the result is exactly what ``fn`` gives on every row."""

    @functools.wraps(fn)
    def wrapper(raw: pd.Series, *args, **kwargs):
        if not ONCE_PER_VALUE or len(raw) == 0 or _bools_among_numbers(raw):
            return fn(raw, *args, **kwargs)
        codes, uniques = factorize_cached(raw)
        if len(uniques) > 0.7 * len(raw):  # mostly distinct: factorizing would only cost
            return fn(raw, *args, **kwargs)
        res = fn(pd.Series(uniques), *args, **kwargs)
        parts = res if isinstance(res, tuple) else (res,)
        out = [_spread(part, codes, raw.index) for part in parts]
        return tuple(out) if isinstance(res, tuple) else out[0]

    return wrapper


_BLANKS = ["", "nan", "NaN", "None", "NaT", "-", "—", "/"]
_WIDE = "[\u3000\uff01-\uff5e]"  # full-width space and forms; a plain string so RE2 (pyarrow) gets the characters
# A cell that normalize_text would change, in one RE2 pass: a space-like or control character at either
# end (a superset of what strip removes), an Excel text prefix, a full-width form, or a blank word.
_EDGE = r"[\s\x{0b}\x{85}\p{Z}\p{Cc}]"
_NEEDS_WORK = "|".join([f"^{_EDGE}", f"{_EDGE}$", "^'", '^="', _WIDE,
                        "^(?:" + "|".join(re.escape(b) for b in _BLANKS if b) + ")?$"])


def nfkc(s: pd.Series) -> pd.Series:
    """Unicode NFKC in pyarrow's C++ kernel (pandas' .str.normalize loops in Python)."""
    s = s.astype("string[pyarrow]")
    try:
        import pyarrow as pa
        import pyarrow.compute as pc

        out = pc.utf8_normalize(pa.array(s.array), form="NFKC")
        return pd.Series(pd.arrays.ArrowStringArray(out), index=s.index)
    except (ImportError, AttributeError, TypeError):
        return s.str.normalize("NFKC")


def regex_contains(s: pd.Series, pattern: str) -> pd.Series:
    """Where Python's ``re`` finds ``pattern`` in the cell's text (False for blanks), once per distinct text.

    pandas runs a pattern with ``\\s``, ``\\d``, ``\\w`` or a lookaround on non-ASCII text through ``re`` row
    by row (RE2 reads those differently); asked once per distinct text, the answer on every row is the same."""
    return _contains_text(s.astype("string[pyarrow]"), pattern)


@on_uniques
def _contains_text(text: pd.Series, pattern: str) -> pd.Series:
    return text.astype("string[pyarrow]").str.contains(pattern, regex=True).fillna(False).astype(bool)


def regex_replace(s: pd.Series, pattern: str, repl: str) -> pd.Series:
    """``.str.replace(pattern, repl, regex=True)`` on the cell's text (NA stays NA), once per distinct text."""
    return _replace_text(s.astype("string[pyarrow]"), pattern, repl)


@on_uniques
def _replace_text(text: pd.Series, pattern: str, repl: str) -> pd.Series:
    return text.astype("string[pyarrow]").str.replace(pattern, repl, regex=True)


def normalize_text(s: pd.Series) -> pd.Series:
    """NFKC (full-width digits, brackets and spaces to half-width) and strip; blanks → NA.

    Most cells need none of it: one pass finds the few that do, and only those are rewritten."""
    import pyarrow.compute as pc

    s = s.astype("string[pyarrow]")
    arr = s.array._pa_array.combine_chunks()
    need = pc.fill_null(_needs_work(arr), False)
    if not pc.any(need).as_py():
        return s
    fixed = _normalize_cells(pd.Series(pd.arrays.ArrowStringArray(pc.filter(arr, need))))
    out = pc.replace_with_mask(arr, need, fixed.array._pa_array.combine_chunks().cast(arr.type))
    return pd.Series(pd.arrays.ArrowStringArray(out), index=s.index)


def arrow_distinct(arr):
    """An Arrow string array as (distinct texts, each cell's index into them), for a question asked once per
    distinct text and spread back with ``take``; ``None`` when that would cost more than it saves: a short
    array, or one whose first 10,000 cells are mostly distinct (record numbers). Off on the plain path."""
    import pyarrow.compute as pc

    head = arr.slice(0, 10_000)
    if not ONCE_PER_VALUE or len(arr) < 20_000 or len(pc.unique(head)) > 0.5 * len(head):
        return None
    coded = pc.dictionary_encode(arr)
    return coded.dictionary, coded.indices


def _needs_work(arr):
    """The _NEEDS_WORK match per cell (once per distinct text when the column repeats)."""
    import pyarrow.compute as pc

    coded = arrow_distinct(arr)
    if coded is None:
        return pc.match_substring_regex(arr, _NEEDS_WORK)
    return pc.take(pc.match_substring_regex(coded[0], _NEEDS_WORK), coded[1])


@on_uniques
def _normalize_cells(s: pd.Series) -> pd.Series:
    wide = s.str.contains(_WIDE, regex=True).fillna(False)
    if wide.any():  # only the cells that need it
        s = s.where(~wide, nfkc(s[wide]))
    s = s.str.strip()
    # what exports add to keep Excel from reading a cell as a number: a leading ' and ="…"
    quoted = s.str.startswith("'").fillna(False) | s.str.startswith('="').fillna(False)
    if quoted.any():
        s = s.where(~quoted, s.str.replace(r'^(?:\'|="(.*)"$)', r"\1", regex=True).str.strip())
    return s.mask(s.isin(_BLANKS))


def normalize_header(text: object) -> str:
    t = unicodedata.normalize("NFKC", str(text or "")).lower()
    return re.sub(r"[\s*＊:：_\-]+", "", t)  # Record Id, record_id, record-id → recordid


def strip_units(header: str) -> str:
    """服务时长(小时) → 服务时长 ; used only when the exact header is unknown."""
    return re.sub(r"\(.*?\)|\[.*?\]|【.*?】", "", header)


def _is_blank(raw: pd.Series) -> pd.Series:
    if _kind(raw) in ("datetime", "number"):
        return raw.isna()
    s = raw.astype("string[pyarrow]").str.strip()
    return (raw.isna() | s.isna() | s.isin(["", "nan", "NaN", "None", "NaT"])).astype(bool)


def _from_parts(parts: pd.DataFrame) -> pd.Series:
    cols = {"year": "y", "month": "m", "day": "d", "hour": "H", "minute": "M", "second": "S"}
    frame = pd.DataFrame(
        {k: to_float(parts[v], errors="coerce") if v in parts else np.nan for k, v in cols.items()},
        index=parts.index,
    )
    frame["hour"] = twelve_hour(frame["hour"], parts["ap"] if "ap" in parts else None)
    frame[["hour", "minute", "second"]] = frame[["hour", "minute", "second"]].fillna(0)
    ok = frame.notna().all(axis=1)
    out = pd.Series(pd.NaT, index=parts.index, dtype="datetime64[us]")
    if ok.any():
        out[ok] = pd.to_datetime(frame[ok], errors="coerce").astype("datetime64[us]")
    return out


def _kind(raw: pd.Series) -> str:
    """What a column holds: 'datetime', 'number', 'string', 'empty' or 'mixed' (cheap, no Python loop)."""
    if pd.api.types.is_datetime64_any_dtype(raw):
        return "datetime"
    if pd.api.types.is_numeric_dtype(raw) and not pd.api.types.is_bool_dtype(raw):
        return "number"
    kind = pd.api.types.infer_dtype(raw, skipna=True)
    return {"datetime": "datetime", "datetime64": "datetime", "date": "datetime", "string": "string",
            "integer": "number", "floating": "number", "mixed-integer-float": "number", "decimal": "number",
            "empty": "empty"}.get(kind, "mixed")


@on_uniques
def _datetime_from_strings(text: pd.Series) -> pd.Series:
    text = nfkc(text)
    parts = text.str.extract(_DATE_RE)
    compact = text.str.extract(_COMPACT_RE)
    parts = parts.where(parts["y"].notna(), compact.reindex(columns=parts.columns))
    out = _from_parts(parts)
    ms = text.str.fullmatch(r"\s*\d{13}\s*").fillna(False).astype(bool)
    if ms.any():
        out = out.where(~ms, _epoch_ms(to_float(text.where(ms))))
    return out


def _epoch_ms(num: pd.Series) -> pd.Series:
    ok = num.between(_EPOCH_MS_MIN, _EPOCH_MS_MAX)
    return (pd.to_datetime(num.where(ok), unit="ms") + _BEIJING).astype("datetime64[us]")


def _datetime_from_serials(num: pd.Series) -> pd.Series:
    """Excel serial numbers (days since 1899-12-30), or epoch milliseconds (13 digits)."""
    serial = num.between(_SERIAL_MIN, _SERIAL_MAX)
    out = (EXCEL_EPOCH + pd.to_timedelta((num.where(serial) * 86400).round(), unit="s")).astype("datetime64[us]")
    ms = num.between(_EPOCH_MS_MIN, _EPOCH_MS_MAX)
    if ms.any():
        out = out.where(~ms, _epoch_ms(num))
    return out


def parse_datetime(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse 2023-09-07 14:00, 2023/9/7, 2023年9月7日14时30分, 2023.9.7, Excel serials, datetimes."""
    kind = _kind(raw)
    if kind == "datetime":
        out = pd.to_datetime(raw, errors="coerce").astype("datetime64[us]")
        return out, pd.Series(False, index=raw.index)
    blank = _is_blank(raw)
    if kind == "number":
        out = _datetime_from_serials(to_float(raw))
    elif kind in ("string", "empty"):
        out = _datetime_from_strings(raw.astype("string[pyarrow]"))
    else:  # a column mixing real dates, serial numbers and typed text: sort the cells by type first
        types = raw.map(type)
        is_dt = types.isin([dt.datetime, pd.Timestamp, dt.date])
        is_num = types.isin([int, float])
        out = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[us]")
        if is_dt.any():
            out[is_dt] = pd.to_datetime(raw[is_dt].astype(object), errors="coerce").astype("datetime64[us]")
        if is_num.any():
            out[is_num] = _datetime_from_serials(to_float(raw[is_num]))
        rest = ~blank & ~is_dt & ~is_num
        if rest.any():
            out[rest] = _datetime_from_strings(raw[rest].astype("string[pyarrow]"))
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
        p = nfkc(raw[rest]).str.extract(_TIME_RE)
        h = twelve_hour(to_float(p["H"], errors="coerce"), p["ap"])
        m = to_float(p["M"], errors="coerce").fillna(0)
        s = to_float(p["S"], errors="coerce").fillna(0)
        ok = h.between(0, 23) & m.between(0, 59) & s.between(0, 59)
        out[rest] = pd.to_timedelta(h * 3600 + m * 60 + s, unit="s").where(ok)
    return out


_HOURS_RE = (
    r"^\s*(?:(?P<h>\d+(?:\.\d+)?)\s*(?:个)?\s*(?:小时|h|hr|hrs|hours?|时))?"
    r"\s*(?:(?P<min>\d+(?:\.\d+)?)\s*(?:分钟|分|min|mins|minutes?))?\s*$"
)


_HMS_RE = r"^\s*(?P<H>\d{1,4})\s*[:：]\s*(?P<M>\d{1,2})(?:\s*[:：]\s*(?P<S>\d{1,2}))?\s*$"


_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def _cn_number(m: re.Match) -> str:
    """一 … 九十九 → digits (durations never need more)."""
    text = m.group(0)
    if "十" not in text:
        return "".join(str(_CN_DIGITS[c]) for c in text)
    tens, _, ones = text.partition("十")
    return str((_CN_DIGITS.get(tens[-1:], 1) if tens else 1) * 10 + (_CN_DIGITS[ones[0]] if ones else 0))


def _cn_durations(t: pd.Series) -> pd.Series:
    """Durations in Chinese numerals as digits: 两小时 → 2小时, 三小时三十分 → 3小时30分, 一个半小时 → 1.5小时,
    半小时 → 0.5小时. Run only on the distinct cells that did not read as written."""
    t = t.str.replace("[零〇一二两三四五六七八九十]+", _cn_number, regex=True)
    t = t.str.replace(r"(\d+)\s*个半\s*(小时|钟头)", r"\1.5小时", regex=True)
    t = t.str.replace(r"(\d+)\s*(?:个)?\s*(?:小时|钟头)\s*半$", r"\1.5小时", regex=True)
    t = t.str.replace(r"^半\s*(?:个)?\s*(?:小时|钟头)$", "0.5小时", regex=True)
    t = t.str.replace(r"^半天$", "", regex=True)  # half a day is not a number of hours: left unreadable
    return t.str.replace("钟头", "小时", regex=False)


@on_uniques
def _hours_from_strings(text: pd.Series, per_hour: float = 1.0) -> pd.Series:
    """Text durations → hours. A bare number is in the column's unit (``per_hour`` units make an hour);
    text that names its unit (90分钟, 1小时30分) or is a clock duration (1:30, 01:30:00) is read as written;
    Chinese numerals (两小时, 一个半小时, 三小时三十分) are read when nothing else did."""
    t = nfkc(text).str.lower().str.strip()
    out = _hours_from_text(t, per_hour)
    cn = out.isna() & t.str.contains("[零〇一二两三四五六七八九十半]", regex=True).fillna(False).astype(bool)
    if cn.any():
        out[cn] = _hours_from_text(_cn_durations(t[cn]), per_hour)
    return out


def _hours_from_text(t: pd.Series, per_hour: float) -> pd.Series:
    p = t.str.extract(_HOURS_RE)
    bare = to_float(t)
    h = to_float(p["h"]).where(bare.isna())
    mins = to_float(p["min"])
    named = (h.fillna(0) + mins.fillna(0) / 60).where(h.notna() | mins.notna())
    clock = t.str.extract(_HMS_RE)
    cm, cs = to_float(clock["M"]), to_float(clock["S"]).fillna(0)
    hms = (to_float(clock["H"]) + cm / 60 + cs / 3600).where(cm.between(0, 59) & cs.between(0, 59))
    return (bare / per_hour).fillna(named).fillna(hms)


def parse_hours(raw: pd.Series, per_hour: float = 1.0) -> tuple[pd.Series, pd.Series]:
    """'2', '2.5', '2小时', '1小时30分', '90分钟', '1:30', Excel [h]:mm cells → hours.

    ``per_hour`` is how many of the column's units make an hour: 60 when the header says the column
    is in minutes (服务时长(分钟)); it applies to bare numbers only. Chinese numerals (两小时, 半小时) are read.
    """
    blank = _is_blank(raw)
    kind = _kind(raw)
    if kind == "number":
        num = to_float(raw) / per_hour
    elif kind in ("string", "empty"):
        num = _hours_from_strings(raw.astype("string[pyarrow]"), per_hour).astype(float)
    else:
        types = raw.map(type)  # Excel [h]:mm cells come as timedelta, h:mm cells as time of day
        num = (to_float(raw.where(types.isin([int, float]))) / per_hour).astype(float)
        is_td = types.isin([dt.timedelta, pd.Timedelta])
        if is_td.any():
            num[is_td] = pd.to_timedelta(raw[is_td].astype(object)).dt.total_seconds().to_numpy() / 3600
        is_tod = types == dt.time
        if is_tod.any():
            tod = pd.to_timedelta(raw[is_tod].astype(str))
            num[is_tod] = tod.dt.total_seconds().to_numpy() / 3600
        text = num.isna() & ~blank & ~is_td & ~is_tod
        if text.any():
            num[text] = _hours_from_strings(raw[text].astype("string[pyarrow]"), per_hour).astype(float)
    bad = ~blank & num.isna()
    return num.astype(float), bad


@on_uniques
def parse_money(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """'50', '50元', '¥50.00', '1,200' → yuan."""
    import pyarrow.compute as pc

    blank = _is_blank(raw)
    if _kind(raw) == "number":
        return to_float(raw), pd.Series(False, index=raw.index)
    text = nfkc(raw)
    arr = pc.replace_substring_regex(text.array._pa_array, r"[,\s¥￥元人民币]", "")
    arr = pc.replace_substring(pc.replace_substring(arr, "免费", "0"), "无", "0")
    num = to_float(pd.Series(pd.arrays.ArrowStringArray(arr), index=raw.index), errors="coerce").astype(float)
    bad = ~blank & num.isna()
    return num, bad


def parse_text(raw: pd.Series) -> pd.Series:
    s = normalize_text(raw)
    if _kind(raw) in ("number", "mixed"):
        # Excel gives floats for code-like cells; 2001.0 must read as "2001".
        whole = (s.str.endswith(".0") & s.str.slice(0, -2).str.isdigit()).fillna(False).astype(bool)
        s = s.where(~whole, s.str.slice(0, -2))
    return s


# What to tell the user about a cell of each type that could not be read (DAT003 adds it).
HINTS = {
    "datetime": "日期时间请写成 2024-03-05 09:00 或 2024年3月5日9时 这样的格式",
    "date": "日期请写成 2024-03-05 或 2024年3月5日",
    "hours": "时长请写数字，如 2 或 2.5（单位小时）",
    "money": "金额请写数字，如 30",
    "id": "Excel 把号码存成了数字，15位以后的数字已经丢失；请把该列设为“文本”格式后重新录入",
}


def parse_code(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """ID-like codes: text, except numbers of 15+ digits, which Excel has already rounded (unusable)."""
    text = parse_text(raw)
    kind = _kind(raw)
    if kind == "number":
        num = to_float(raw)
    elif kind == "mixed":
        num = to_float(raw.where(raw.map(type).isin([int, float])))
    else:
        return text, pd.Series(False, index=raw.index)
    rounded = (num.abs() >= 1e14).fillna(False).astype(bool)
    return text.where(~rounded), rounded


# ---------------------------------------------------------------- a date and a time range in one cell

_SPAN_DATE = r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?"
_SPAN_TIME = r"\d{1,2}\s*(?:[:：]\s*\d{2}(?:\s*[:：]\s*\d{2})?|[时点](?:\s*\d{1,2}\s*分?)?)"
_SPAN_RE = (
    rf"^\s*(?P<d1>{_SPAN_DATE})?\s*(?P<ap1>{_AP})?\s*(?P<t1>{_SPAN_TIME})?\s*"
    rf"(?:(?:-|~|～|—|–|－|至|到)+\s*(?P<d2>{_SPAN_DATE})?\s*(?P<ap2>{_AP})?\s*(?P<t2>{_SPAN_TIME})?)?\s*$"
)


@on_uniques
def _span_parts(text: pd.Series) -> pd.DataFrame:
    return nfkc(text).str.extract(_SPAN_RE)


def parse_span(raw: pd.Series, day: pd.Series | None = None,
               flags: dict | None = None) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
    """'2024-03-09 8:30-11:30', '2024年3月9日 8:30—11:30', '2024-03-01至2024-03-05', '8:30-11:30' (with
    ``day``, the parsed 服务日期 column) → (start, end, has_time, bad). A range that ends before it starts
    (22:00-02:00) ends on the next day. Cells with dates but no times give dates only (has_time False).
    ``flags``, when given, receives ``overnight``: True where the end was moved to the next day."""
    blank = _is_blank(raw)
    if _kind(raw) == "datetime":  # a plain date column under a 服务时间-like header
        day = pd.to_datetime(raw, errors="coerce").astype("datetime64[us]")
        has_time = (day != day.dt.normalize()) & day.notna()
        if flags is not None:
            flags["overnight"] = pd.Series(False, index=raw.index)
        return day, day.copy(), has_time, pd.Series(False, index=raw.index)
    text = raw.where(~blank).astype("string[pyarrow]")
    parts = text.pipe(_span_parts)
    d1, _ = parse_datetime(parts["d1"].astype("string[pyarrow]"))
    d2, _ = parse_datetime(parts["d2"].astype("string[pyarrow]"))
    if day is not None:
        d1 = d1.fillna(day.dt.normalize())
    d2 = d2.fillna(d1)
    # 下午2:30-4:30: the word before the first time holds for the second when the second has none
    ap2 = parts["ap2"].fillna(parts["ap1"].where(parts["d2"].isna()))
    t1 = parse_time_of_day((parts["ap1"].fillna("") + parts["t1"]).astype(object).where(parts["t1"].notna(), None))
    t2 = parse_time_of_day((ap2.fillna("") + parts["t2"]).astype(object).where(parts["t2"].notna(), None))
    has_time = t1.notna() & t2.notna()
    # 上午10:00-1:00 crosses noon, not midnight
    noon = has_time & parts["ap2"].isna() & parts["ap1"].notna() & (t2 < t1) & (t2 < pd.Timedelta(hours=12)) & (
        t2 + pd.Timedelta(hours=12) > t1)
    t2 = t2.where(~noon, t2 + pd.Timedelta(hours=12))
    start = (d1 + t1.where(has_time, pd.Timedelta(0))).astype("datetime64[us]")
    end = (d2 + t2.where(has_time, pd.Timedelta(0))).astype("datetime64[us]")
    overnight = has_time & (end < start) & parts["d2"].isna()
    end = end.where(~overnight, end + pd.Timedelta(days=1))
    matched = parts.notna().any(axis=1) & (parts["d1"].notna() | parts["d2"].notna() | has_time)
    ok = matched & start.notna() & ~(t1.notna() ^ t2.notna())
    bad = ~blank & ~ok
    if flags is not None:
        flags["overnight"] = (overnight & ok).astype(bool)
    return start.where(ok), end.where(ok), has_time & ok, bad


def masked_ids(ids: pd.Series, pattern: str) -> pd.Series:
    """True where an ID number is masked by the export (430***********1234): it cannot be checked."""
    s = ids.astype("string[pyarrow]").str.strip()
    return s.str.fullmatch(pattern).fillna(False).astype(bool)
