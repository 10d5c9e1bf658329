"""The one service-time model (service_time.intervals): overnight, several days, date-only rows."""

from __future__ import annotations

import pandas as pd

from zyfw_checks.load import load_frame
from zyfw_checks.service_time import intervals, per_day


def _iv(rows):
    return intervals(load_frame(pd.DataFrame(rows, dtype=object), kind="records", name="t"))


def test_clock_times_on_one_service_date_that_cross_midnight_end_the_next_day():
    iv = _iv([{"服务日期": "2024-03-09", "开始时间": "22:00", "结束时间": "01:00", "服务时长(小时)": 3}])
    assert iv["overnight"].iloc[0] and not iv["reversed"].iloc[0]
    assert iv["end"].iloc[0] == pd.Timestamp("2024-03-10 01:00")
    assert iv["span_h"].iloc[0] == 3 and iv["days"].iloc[0] == 1
    assert iv["end_day"].iloc[0] == pd.Timestamp("2024-03-10")


def test_a_long_backwards_interval_stays_reversed():
    iv = _iv([{"开始时间": "2024-03-09 14:00", "结束时间": "2024-03-09 12:00", "服务时长(小时)": 2}])
    assert iv["reversed"].iloc[0] and not iv["overnight"].iloc[0]
    assert pd.isna(iv["span_h"].iloc[0])


def test_several_days_spread_their_hours_before_a_daily_cap():
    iv = _iv([{"开始日期": "2024-07-01", "结束日期": "2024-07-03", "服务时长(小时)": 30, "志愿者编号": "V1"}])
    assert iv["days"].iloc[0] == 3 and iv["date_only"].iloc[0]
    spread = per_day(iv, pd.Series(["V1"]))
    assert spread["hours"].tolist() == [10.0, 10.0, 10.0]
    assert spread["day"].tolist() == list(pd.date_range("2024-07-01", periods=3))


def test_a_date_only_row_among_timed_rows_is_a_missing_clock_time_not_zero_hours():
    iv = _iv([{"开始时间": "2024-03-09 09:00", "结束时间": "2024-03-09 11:00", "服务时长(小时)": 2},
              {"开始时间": "2024-03-10", "结束时间": "2024-03-10", "服务时长(小时)": 2}])
    assert iv["clock"].tolist() == [True, False]
    assert iv["date_only"].tolist() == [False, True]
    assert iv["span_h"].iloc[0] == 2 and pd.isna(iv["span_h"].iloc[1])
    assert iv["activity_day"].iloc[1] == pd.Timestamp("2024-03-10")


def test_loader_flags_win_over_the_guess():
    rows = [{"开始时间": "2024-03-09 00:00", "结束时间": "2024-03-09 02:00"},
            {"开始时间": "2024-03-10 09:00", "结束时间": "2024-03-10 10:00"}]
    t = load_frame(pd.DataFrame(rows, dtype=object), kind="records", name="t")
    t.time_flags = {}
    assert not intervals(t)["clock"].iloc[0]  # midnight reads as no clock time without the loader's word
    yes = pd.Series([True, True], index=t.df.index)
    t.time_flags = {"start_clock": yes, "end_clock": yes}
    assert intervals(t)["clock"].iloc[0]


def test_a_timed_several_day_record_gives_each_day_its_share_of_the_interval():
    iv = _iv([{"开始时间": "2024-07-01 08:00", "结束时间": "2024-07-03 18:00", "服务时长(小时)": 29, "志愿者编号": "V1"}])
    spread = per_day(iv, pd.Series(["V1"]))
    assert spread["hours"].round(6).tolist() == [8.0, 12.0, 9.0]  # 16, 24 and 18 of the 58 hours
    assert abs(spread["hours"].sum() - 29) < 1e-9


def test_an_overnight_record_stays_on_its_service_date_in_the_spread():
    iv = _iv([{"服务日期": "2024-03-09", "开始时间": "22:00", "结束时间": "01:00", "服务时长(小时)": 3,
               "志愿者编号": "V1"}])
    spread = per_day(iv, pd.Series(["V1"]))
    assert spread["day"].tolist() == [pd.Timestamp("2024-03-09")] and spread["hours"].tolist() == [3.0]
