"""Every path that computes something once per distinct value gives exactly what the plain per-row path
gives: hypothesis-generated columns with repeats, blanks, mixed types (numbers and text), 1–5 rows and
thousands. ``parsing.ONCE_PER_VALUE = False`` is the plain path (each parser run on every row)."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd
import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from zyfw_checks import masking, parsing  # noqa: E402

# cells as exports and ledgers hold them: typed text in many spellings, numbers, Excel values, blanks
TEXT_CELLS = [
    "2025年9月20日 8:30-11:30", "2025-09-20 09:00:00~11:30:00", "2024-03-09 8:30-11:30", "8:30-11:30",
    "22:00-02:00", "2024-03-01至2024-03-05", "2024年3月10日 14:00—16:00", "下午2:30-4:30", "2024-03-09",
    "2024/3/9 9:00", "2024.3.9", "20240309", "2024年3月9日14时30分", "14:00", "9时", "2", "2.5", "2小时",
    "1小时30分", "90分钟", "1:30", "01:30:00", "两小时", "50元", "¥1,200.00", "免费", "无", "", " ", "-", "—",
    "/", "nan", "None", "NaT", "'430102199001011234", '="0731-2222"', "ＡＢＣ　", " 张三 ", "张三", "abc",
    "13807310001", "430102199001011234", "2001.0", "2024-13-45", "25:00-26:00", "8:30-", "x~y",
    "2024-03-09 下午2:30-4:30", "上午10:00-1:00", "晚上7点", "中午12:30", "2024年3月9日下午2时30分", "1710032400000",
    "两小时", "半小时", "一个半小时", "三小时三十分", "十五分钟", "2.50 小时", "2024-03-01 至 2024-03-05", "半天",
]
NUMBER_CELLS = [0, 1, 2, 2.5, 1.5, 45000, 45000.375, 0.375, 2001.0, 430102199001011234, -1, float("nan"),
                1710032400000, True]
OTHER_CELLS = [None, pd.NaT, dt.datetime(2024, 3, 9, 9, 30), dt.date(2024, 3, 9), dt.time(14, 30),
               dt.timedelta(hours=1, minutes=30), pd.Timestamp("2024-03-09 08:00")]

pools = st.one_of(
    st.lists(st.sampled_from(TEXT_CELLS), min_size=1, max_size=6),
    st.lists(st.sampled_from(NUMBER_CELLS), min_size=1, max_size=6),
    st.lists(st.sampled_from(TEXT_CELLS + NUMBER_CELLS + OTHER_CELLS), min_size=1, max_size=8),
    st.lists(st.text(alphabet="0123456789:-~至年月日时分 .小时", max_size=12), min_size=1, max_size=6),
)


@st.composite
def columns(draw):
    """A column: a few distinct values repeated over 1–5 rows or thousands, as object, text or numbers."""
    pool = draw(pools)
    n = draw(st.one_of(st.integers(1, 5), st.integers(1000, 3000)))
    seed = draw(st.integers(0, 2**32 - 1))
    picks = np.random.default_rng(seed).integers(0, len(pool), n)
    values = [pool[i] for i in picks]
    index = pd.RangeIndex(10, 10 + n) if draw(st.booleans()) else pd.RangeIndex(n)
    s = pd.Series(values, dtype=object, index=index)
    as_ = draw(st.sampled_from(["object", "string", "float"]))
    if as_ == "string" and all(isinstance(v, str) or v is None for v in values):
        s = s.astype("string[pyarrow]")
    elif as_ == "float" and all(isinstance(v, (int, float)) for v in values):
        s = s.astype("float64")
    return s


def both_paths(fn, raw, *args):
    """(once per distinct value, plain per-row) results of ``fn`` on ``raw``."""
    fast = fn(raw, *args)
    old = parsing.ONCE_PER_VALUE
    parsing.ONCE_PER_VALUE = False
    try:
        plain = fn(raw.copy(), *args)
    finally:
        parsing.ONCE_PER_VALUE = old
    return fast, plain


def assert_same(fast, plain):
    fast = fast if isinstance(fast, tuple) else (fast,)
    plain = plain if isinstance(plain, tuple) else (plain,)
    assert len(fast) == len(plain)
    for a, b in zip(fast, plain, strict=True):
        if isinstance(a, pd.DataFrame):
            pd.testing.assert_frame_equal(a, b)
        else:
            pd.testing.assert_series_equal(a, b)


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(columns())
def test_parse_datetime_once_per_value_is_the_per_row_result(raw):
    assert_same(*both_paths(parsing.parse_datetime, raw))


@SETTINGS
@given(columns(), st.booleans())
def test_parse_span_once_per_value_is_the_per_row_result(raw, with_day):
    if with_day:
        day = pd.Series(pd.Timestamp("2024-03-09"), index=raw.index, dtype="datetime64[us]")
        assert_same(*both_paths(parsing.parse_span, raw, day))
    else:
        assert_same(*both_paths(parsing.parse_span, raw))


@SETTINGS
@given(columns(), st.sampled_from([1.0, 60.0]))
def test_parse_hours_once_per_value_is_the_per_row_result(raw, per_hour):
    assert_same(*both_paths(parsing.parse_hours, raw, per_hour))


@SETTINGS
@given(columns())
def test_parse_money_once_per_value_is_the_per_row_result(raw):
    assert_same(*both_paths(parsing.parse_money, raw))


@SETTINGS
@given(columns())
def test_parse_code_once_per_value_is_the_per_row_result(raw):
    assert_same(*both_paths(parsing.parse_code, raw))


@SETTINGS
@given(columns())
def test_normalize_text_once_per_value_is_the_per_row_result(raw):
    assert_same(*both_paths(parsing.normalize_text, raw))


_ID = re.compile(r"(?<![0-9A-Za-z])(\d{3})\d{8,11}(\d{3}[\dXx])(?![0-9A-Za-z])")
_PHONE = re.compile(r"(?<!\d)(1\d{2})\d{4}(\d{4})(?!\d)")


def _mask_one(text):
    if text is None or text is pd.NA:
        return None
    for _ in range(2):
        text = _ID.sub(lambda m: m.group(1) + "*" * 11 + m.group(2), text)
        text = _PHONE.sub(lambda m: m.group(1) + "****" + m.group(2), text)
    return text


@SETTINGS
@given(st.lists(st.sampled_from(["", "证件号码430102199001011234，电话13807310001", "13807310001/13807310002",
                                 "430102199001011234", "a13807310001", "tel:138073100012", None, "无号码",
                                 "1380731000113807310002"]), min_size=1, max_size=6),
       st.one_of(st.integers(1, 5), st.integers(1000, 3000)))
def test_mask_text_on_the_rows_with_numbers_is_the_per_row_result(pool, n):
    s = pd.Series([pool[i % len(pool)] for i in range(n)], dtype="string[pyarrow]")
    got = masking.mask_text(s).astype(object).where(lambda x: x.notna(), None).tolist()
    want = [_mask_one(None if v is pd.NA else v) for v in s.astype(object)]
    assert got == want


def test_a_repeated_time_range_is_read_on_every_row():
    """The crash of issue 20: one session for the whole class, the same range on every row."""
    for text, start, end in [("2025年9月20日 8:30-11:30", "2025-09-20 08:30", "2025-09-20 11:30"),
                             ("2025-09-20 09:00:00~11:30:00", "2025-09-20 09:00", "2025-09-20 11:30")]:
        for n in (1, 4, 41, 2000):
            s, e, has_time, bad = parsing.parse_span(pd.Series([text] * n))
            assert (s == pd.Timestamp(start)).all() and (e == pd.Timestamp(end)).all()
            assert has_time.all() and not bad.any()


@pytest.mark.parametrize("fn", [parsing.parse_hours, parsing.parse_money, parsing.parse_code, parsing.parse_datetime,
                                parsing.normalize_text, parsing.parse_span])
def test_true_and_1_are_not_one_value(fn):
    """pd.factorize takes True == 1: a column mixing Excel TRUE cells and numbers must not share their results."""
    for values in ([True, 1, 1, 1, "2"] * 3, [1, True, "x", "x"] * 3, [False, 0, 0.0, "0"] * 3):
        assert_same(*both_paths(fn, pd.Series(values, dtype=object)))


# the patterns the loader and the rules give regex_contains / regex_replace, and some RE2 reads otherwise
PATTERNS = [r"\d\s*[:：时点]", r"\d\s*(?:至|到|~|～|—|–|－|-\s*\d{4})", r"\s", r"\s+", r"\w+小时", r"(?<!\d)1\d",
            r"^\s*$", r"\.", "未录入|无"]
SPACES = ["", " ", "\x0b", "\u3000", "\u00a0", "\n", "a\x0bb", "下 午 2 : 30", "１２：３０", "8：30", "1.0", "未录入系统"]


@SETTINGS
@given(columns(), st.sampled_from(PATTERNS))
def test_regex_contains_once_per_value_is_the_per_row_result(raw, pattern):
    fast, plain = both_paths(parsing.regex_contains, raw, pattern)
    assert_same(fast, plain)
    assert fast.dtype == bool and fast.index.equals(raw.index)


@SETTINGS
@given(columns(), st.sampled_from(PATTERNS), st.sampled_from(["", "_"]))
def test_regex_replace_once_per_value_is_the_per_row_result(raw, pattern, repl):
    fast, plain = both_paths(parsing.regex_replace, raw, pattern, repl)
    assert_same(fast, plain)


@pytest.mark.parametrize("pattern", PATTERNS)
def test_regex_helpers_read_unicode_spaces_digits_and_numbers_as_python_does(pattern):
    """Checked against Python's re itself, cell by cell: \\s takes \\x0b and U+3000, \\d full-width digits,
    and 1 and 1.0 (one value to pd.factorize) keep their own text."""
    values = (SPACES + [1, 1.0, None, pd.NA]) * 300
    raw = pd.Series(values, dtype=object)
    rx = re.compile(pattern)
    text = [None if v is None or v is pd.NA else str(v) for v in values]
    assert parsing.regex_contains(raw, pattern).tolist() == [t is not None and rx.search(t) is not None for t in text]
    got = parsing.regex_replace(raw, pattern, "_").astype(object).where(lambda x: x.notna(), None).tolist()
    assert got == [None if t is None else rx.sub("_", t) for t in text]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(TEXT_CELLS + SPACES + [None]), min_size=1, max_size=8), st.integers(0, 2**32 - 1),
       st.booleans())
def test_normalize_text_on_a_long_repeating_column_is_the_per_row_result(pool, seed, distinct_head):
    """Past 20,000 cells normalize_text asks which cells need work once per distinct text; a column whose
    first cells are all distinct (record numbers) goes the per-cell way. Both give the per-row result."""
    n = 25_000
    values = [pool[i] for i in np.random.default_rng(seed).integers(0, len(pool), n)]
    if distinct_head:
        values[:10_000] = [f"R{i:06d}" for i in range(10_000)]
    assert_same(*both_paths(parsing.normalize_text, pd.Series(values, dtype=object)))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(["", "证件号码430102199001011234，电话13807310001", "13807310001/13807310002",
                                 "430102199001011234", "a13807310001", "tel:138073100012", None, "无号码",
                                 "1380731000113807310002", "第 5 行：张三 2024-03-09"]), min_size=1, max_size=8),
       st.integers(0, 2**32 - 1))
def test_masking_a_long_repeating_column_once_per_text_is_the_per_row_result(pool, seed):
    """Findings repeat their messages: past 20,000 cells each distinct text is masked once, then spread."""
    values = [pool[i] for i in np.random.default_rng(seed).integers(0, len(pool), 25_000)]
    s = pd.Series(values, dtype="string[pyarrow]")
    got = masking.mask_text(s).astype(object).where(lambda x: x.notna(), None).tolist()
    assert got == [_mask_one(None if v is pd.NA else v) for v in s.astype(object)]
