"""The word rules' row paths never change results: ``Distinct.joined`` takes only the joined columns of the rows
that carry each combination (and reuses the combination codes), the rules word their messages from
``rows_of`` (the flagged rows of the few columns a message needs) instead of every column, and the jieba
tokenizer is built once however many threads ask. The plain paths are kept here as the reference and compared
on generated tables with repeats, blanks (None, "", NaN, whitespace), mixed types and full-width characters."""

from __future__ import annotations

import threading

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from zyfw_checks import wordsplit
from zyfw_checks.rules.activities import Distinct, activity_name, rows_of

CELLS = ["社区敬老院陪伴老人", "转发公益海报", "", " ", None, np.nan, 12, 3.5, "ＡＢＣ社区服务", "　", "中转发放物资"]
COLS = ["活动名称", "服务内容", "服务地点", "参与者身份"]


def _joined_plain(df: pd.DataFrame, cols) -> Distinct:
    """Distinct.joined as it was: every column of the representative rows, combinations factorized twice."""
    cols = [c for c in cols if c in df.columns]
    key = np.zeros(len(df), dtype=np.int64)
    for c in cols:
        codes, uniques = pd.factorize(df[c])
        key = pd.factorize(key * (len(uniques) + 1) + (codes + 1))[0].astype(np.int64)
    combo = pd.factorize(key)[0] if len(key) else np.zeros(0, dtype=np.int64)
    n = int(combo.max()) + 1 if len(combo) else 0
    first = np.full(n, -1, dtype=np.int64)
    first[combo[::-1]] = np.arange(len(combo))[::-1]
    rep = df.iloc[first]
    parts = [rep[c].astype("string[pyarrow]").fillna("").reset_index(drop=True) for c in cols]
    joined = parts[0] if parts else pd.Series([""] * n, dtype="string[pyarrow]")
    for p in parts[1:]:
        joined = joined + "；" + p
    return Distinct(combo, joined, df.index)


def _frame(draw_rows, present):
    df = pd.DataFrame([{c: r[i] for i, c in enumerate(COLS)} for r in draw_rows], columns=COLS, dtype=object)
    df = df.astype("string") if draw_rows else df
    df["其他"] = np.arange(len(df))  # a column no message needs
    return df[[c for c in df.columns if c in present or c == "其他"]]


rows = st.lists(st.tuples(*[st.sampled_from(CELLS).map(lambda v: None if v is None else str(v))] * 4),
                min_size=0, max_size=25)
present = st.sets(st.sampled_from(COLS))
wanted = st.lists(st.sampled_from([*COLS, "没有的列"]), min_size=0, max_size=5)


@settings(max_examples=200, deadline=None)
@given(rows, present, wanted)
def test_joined_equals_the_plain_join(r, have, cols):
    df = _frame(r, have)
    got, want = Distinct.joined(df, cols), _joined_plain(df, cols)
    np.testing.assert_array_equal(got.codes, want.codes)
    assert got.codes.dtype == want.codes.dtype
    pd.testing.assert_series_equal(got.u, want.u)
    # and row by row: each row's joined text is its own cells joined
    for i in range(len(df)):
        cells = [df.iloc[i][c] for c in cols if c in df.columns]
        assert got.u[got.codes[i]] == "；".join("" if pd.isna(v) else v for v in cells)


@settings(max_examples=200, deadline=None)
@given(rows, present, wanted, st.data())
def test_rows_of_equals_every_column_of_the_rows(r, have, cols, data):
    df = _frame(r, have)
    pos = np.array(data.draw(st.lists(st.integers(0, max(len(df) - 1, 0)), max_size=len(df))) if len(df) else [],
                   dtype=np.int64)
    sub, full = rows_of(df, pos, cols), df.iloc[pos]
    assert list(sub.columns) == [c for c in dict.fromkeys(cols) if c in df.columns]
    for c in sub.columns:
        pd.testing.assert_series_equal(sub[c], full[c])
    if "活动名称" in df.columns or "服务内容" in df.columns:
        pd.testing.assert_series_equal(activity_name(rows_of(df, pos, ("活动名称", "服务内容"))), activity_name(full))


def test_tokenizer_is_built_once_however_many_threads_ask(monkeypatch):
    monkeypatch.setattr(wordsplit, "_TOKENIZER", None)
    built = []
    real = wordsplit._build

    def counting():
        built.append(1)
        real()

    monkeypatch.setattr(wordsplit, "_build", counting)
    got = []
    threads = [threading.Thread(target=lambda: got.append(wordsplit.tokenizer())) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(built) == 1 and len({id(g) for g in got}) == 1
    assert list(got[0].cut("中转发放物资")) == list(wordsplit.tokenizer().cut("中转发放物资"))
