"""REC004's integer paths never change results: the volunteer and the organisation are grouped and compared as
factorized codes, the top day of a record is picked in numpy, and the partner's row number is formatted only for
the overlapping rows. The plain path (the texts, a sort and drop_duplicates, per-row strings for every row) is
kept here as the reference and compared on generated tables with repeats, blanks (None, "", whitespace, NaN),
mixed types and full-width characters (hypothesis)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zyfw_checks.load import load_frame
from zyfw_checks.registry import Context
from zyfw_checks.rules import records
from zyfw_checks.rules.common import activity_key, volunteer_key

IDS = ["ZY001", "ZY002", "ＺＹ００１", "", " ", None, np.nan, 7, "ZY003"]
NAMES = ["张三", "李四", "", None, "王五"]
CARDS = ["430102199001011234", "430***********1234", "", None, "430102199202023456"]
ORGS = ["长沙市志愿者协会", "岳阳市义工联合会", "", "  ", None, np.nan, "长沙市志愿者协会 ", "ＡＢＣ社区", 5]
ACTS = ["HD1", "HD2", "", None, "ＨＤ１"]
STARTS = ["2024-03-05 09:00", "2024-03-05 10:00", "2024-03-05 22:00", "2024-03-05", "2024-03-04 08:00",
          "2024/03/05 11:00", "", None, "2024-03-06 09:00", "2024-03-05 09:00:00"]
ENDS = ["2024-03-05 11:00", "2024-03-05 12:00", "2024-03-06 01:00", "2024-03-07", "2024-03-06 18:00",
        "2024-03-05 08:00", "", None, "2024-03-05 11:00:00", "2024-03-08 17:00"]
HOURS = [2, 2.5, 8, 30, "２", "", None, np.nan, "abc", 0, 13.33, "12"]


# ---- the plain path (REC004 as it was before the integer paths), kept as the reference ----------------------

def _daily_totals_plain(iv: pd.DataFrame, key: pd.Series):
    from zyfw_checks.service_time import per_day

    n = len(iv)
    spread = per_day(iv, key)
    empty = (pd.Series(np.nan, index=iv.index), pd.Series(pd.NaT, index=iv.index, dtype="datetime64[us]"),
             pd.Series(0, index=iv.index))
    if spread.empty:
        return empty
    spread["k"] = pd.factorize(spread["key"])[0]
    spread["o"] = pd.factorize(pd.Series(iv["org"].to_numpy()[spread["pos"].to_numpy()]).fillna(""))[0]
    g = spread.groupby(["k", "day"], sort=False)
    spread["total"] = g["hours"].transform("sum")
    spread["orgs"] = g["o"].transform("nunique")
    top = spread.sort_values(["pos", "total"], ascending=[True, False], kind="stable").drop_duplicates("pos")
    total = np.full(n, np.nan)
    total[top["pos"].to_numpy()] = top["total"].to_numpy()
    day = np.full(n, np.datetime64("NaT"), dtype="datetime64[us]")
    day[top["pos"].to_numpy()] = top["day"].to_numpy().astype("datetime64[us]")
    orgs = np.zeros(n, dtype="int64")
    orgs[top["pos"].to_numpy()] = top["orgs"].to_numpy()
    return pd.Series(total, index=iv.index), pd.Series(day, index=iv.index), pd.Series(orgs, index=iv.index)


def _overlaps_plain(df, iv):
    key = pd.factorize(volunteer_key(df))[0]
    act = pd.factorize(activity_key(df))[0]
    n = len(df)
    frame = pd.DataFrame({"k": key, "a": act, "s": iv["start"].to_numpy(), "e": iv["end"].to_numpy(),
                          "pos": np.arange(n)})
    ok = (frame["k"] >= 0) & iv["clock"].to_numpy() & ~iv["reversed"].to_numpy() & (frame["e"] > frame["s"])
    ok &= ~frame.duplicated(["k", "a", "s", "e"], keep="first")
    f = frame[ok].sort_values(["k", "s", "e"], kind="stable")
    g = f.groupby("k", sort=False)
    run_end = g["e"].cummax()
    setter = f["pos"].where(f["e"] == run_end)
    setter = setter.groupby(f["k"]).ffill()
    prev_end = run_end.groupby(f["k"]).shift(1)
    prev_pos = setter.groupby(f["k"]).shift(1)
    hit = (f["s"] < prev_end).to_numpy()
    partner = np.full(n, -1, dtype="int64")
    later = f["pos"].to_numpy()[hit]
    earlier = prev_pos.to_numpy()[hit].astype("int64")
    partner[later] = earlier
    first_later = pd.Series(later).groupby(earlier).first()
    fresh = partner[first_later.index.to_numpy()] < 0
    partner[first_later.index.to_numpy()[fresh]] = first_later.to_numpy()[fresh]
    part = pd.Series(partner, index=df.index)
    return part >= 0, part


def _partner_plain(df, iv, overlap, partner):
    org = iv["org"]
    other_row = pd.Series(df["_row"].to_numpy()[partner.clip(lower=0).to_numpy()],
                          index=df.index).astype("string[pyarrow]")
    p_org = pd.Series(org.to_numpy()[partner.clip(lower=0).to_numpy()], index=df.index, dtype="string[pyarrow]")
    cross = overlap & org.notna() & p_org.notna() & (org != p_org).fillna(False)
    return other_row, cross


# ---- generated tables ----------------------------------------------------------------------------------------

row = st.fixed_dictionaries({
    "志愿者编号": st.sampled_from(IDS), "姓名": st.sampled_from(NAMES), "证件号码": st.sampled_from(CARDS),
    "组织单位": st.sampled_from(ORGS), "活动编号": st.sampled_from(ACTS), "开始时间": st.sampled_from(STARTS),
    "结束时间": st.sampled_from(ENDS), "服务时长(小时)": st.sampled_from(HOURS),
})
tables = st.lists(row, min_size=1, max_size=30)
RAW_ORGS = ["长沙市志愿者协会", "", " ", None, "ＡＢＣ社区", "岳阳市义工联合会"]  # as a model column may hold them


def _table(rows):
    frame = pd.DataFrame(rows, dtype=object)
    frame.insert(0, "记录编号", [f"JL{i}" for i in range(len(frame))])
    return load_frame(frame, kind="records", name="t")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables, st.data())
def test_daily_totals_on_codes_equal_the_texts_path(rows, data):
    t = _table(rows)
    iv = Context(table=t).intervals
    if data.draw(st.booleans()):  # 组织单位 as the model might hold it, "" and NA side by side
        orgs = data.draw(st.lists(st.sampled_from(RAW_ORGS), min_size=len(iv), max_size=len(iv)))
        iv = iv.assign(org=pd.Series(orgs, index=iv.index, dtype="string"))
    key = volunteer_key(t.df)
    want = _daily_totals_plain(iv, key)
    got = records._daily_totals(iv, pd.factorize(key)[0])
    for w, g in zip(want, got, strict=True):
        pd.testing.assert_series_equal(w, g)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables)
def test_overlap_partner_on_codes_equal_the_texts_path(rows):
    t = _table(rows)
    df, iv = t.df, Context(table=t).intervals
    overlap, partner = _overlaps_plain(df, iv)
    got_o, got_p = records._overlaps(df, iv, pd.factorize(volunteer_key(df))[0])
    pd.testing.assert_series_equal(overlap, got_o)
    pd.testing.assert_series_equal(partner, got_p)
    other_row, cross = _partner_plain(df, iv, overlap, partner)
    pd.testing.assert_series_equal(records._other_org(iv["org"], overlap, partner.clip(lower=0).to_numpy()), cross.astype(bool),
                                   check_names=False)
    found = records.rec004(df, Context(table=t).for_rule("REC004"))
    # every overlap message names the partner's row as the plain path does, and the severity follows cross
    for i in found.index[found["message"].str.contains("行的活动时间重叠", regex=False)]:
        assert f"与第{other_row[i]}行的活动时间重叠" in found.at[i, "message"]
    assert set(found.index) >= set(df.index[overlap.to_numpy()])
    crossed = found.index[found["evidence"].notna()].intersection(df.index[cross.to_numpy()])
    assert (found.loc[crossed, "message"].str.contains("涉及另一组织单位", regex=False)).all()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(RAW_ORGS), st.booleans(), st.integers(-1, 7)), min_size=1, max_size=8))
def test_other_org_on_codes_equals_the_texts_path(cells):
    n = len(cells)
    org = pd.Series([c[0] for c in cells], dtype="string")
    overlap = pd.Series([c[1] for c in cells])
    partner = pd.Series([min(c[2], n - 1) for c in cells])
    iv = pd.DataFrame({"org": org})
    df = pd.DataFrame({"_row": np.arange(n) + 2})
    _, cross = _partner_plain(df, iv, overlap, partner)
    pd.testing.assert_series_equal(records._other_org(org, overlap, partner.clip(lower=0).to_numpy()), cross.astype(bool),
                                   check_names=False)


def test_daily_totals_ties_pick_the_first_day_and_blank_orgs_are_one():
    # three days of 8 hours each (a date-only record spread evenly): the first day is the top one; a blank and
    # an empty 组织单位 are one organisation
    rows = [
        {"志愿者编号": "ZY1", "组织单位": None, "开始时间": "2024-03-05", "结束时间": "2024-03-07", "服务时长(小时)": 24},
        {"志愿者编号": "ZY1", "组织单位": "", "开始时间": "2024-03-06 09:00", "结束时间": "2024-03-06 10:00",
         "服务时长(小时)": 1},
    ]
    t = _table(rows)
    iv = Context(table=t).intervals
    key = volunteer_key(t.df)
    for org in (iv["org"], pd.Series([None, ""], index=iv.index, dtype="string")):
        v = iv.assign(org=org)
        want = _daily_totals_plain(v, key)
        got = records._daily_totals(v, pd.factorize(key)[0])
        for w, g in zip(want, got, strict=True):
            pd.testing.assert_series_equal(w, g)
        assert want[2].tolist() == [1, 1]  # one organisation: blank and empty


one_person = st.lists(st.fixed_dictionaries({
    "志愿者编号": st.sampled_from(["ZY001", "ZY002"]), "组织单位": st.sampled_from(ORGS),
    "活动编号": st.sampled_from(ACTS), "开始时间": st.sampled_from(STARTS), "结束时间": st.sampled_from(ENDS),
    "服务时长(小时)": st.sampled_from(HOURS)}), min_size=3, max_size=12)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(one_person)
def test_overlaps_of_few_volunteers_with_many_records_equal_the_plain_sort(rows):
    t = _table(rows)
    df, iv = t.df, Context(table=t).intervals
    want = _overlaps_plain(df, iv)
    got = records._overlaps(df, iv, pd.factorize(volunteer_key(df))[0])
    for w, g in zip(want, got, strict=True):
        pd.testing.assert_series_equal(w, g)
