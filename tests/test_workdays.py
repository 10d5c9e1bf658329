"""REC002 on both sides of the 10th working day around 国庆, 春节 and a 调休 make-up day."""

import pandas as pd
import pytest

from tests.conftest import findings
from zyfw_checks.workdays import calendar


@pytest.mark.parametrize(
    ("end", "tenth"),
    [
        ("2023-09-28", "2023-10-18"),  # 国庆+中秋 2023: 9/29–10/6 off, 10/7 and 10/8 (Sat, Sun) worked
        ("2024-02-08", "2024-02-28"),  # 春节 2024: 2/10–2/17 off, 2/18 (Sun) worked
        ("2024-04-03", "2024-04-18"),  # 清明 2024: 4/4–4/6 off, 4/7 (Sun) worked
        ("2024-03-01", "2024-03-15"),  # an ordinary fortnight: Fri + 10 working days
    ],
)
def test_tenth_working_day(end, tenth):
    got = calendar().add_workdays(pd.Series(pd.to_datetime([end])), 10).iloc[0]
    assert got == pd.Timestamp(tenth)


def test_makeup_saturday_is_a_workday_and_holiday_is_not():
    days = pd.Series(pd.to_datetime(["2023-10-07", "2023-10-02", "2024-02-18", "2024-02-17", "2024-03-09"]))
    assert calendar().is_workday(days).tolist() == [True, False, True, False, False]


@pytest.mark.parametrize(
    ("end", "recorded", "late"),
    [
        ("2023-09-28 11:00", "2023-10-18 17:00", False),
        ("2023-09-28 11:00", "2023-10-19 09:00", True),
        ("2024-02-08 16:00", "2024-02-28 09:00", False),
        ("2024-02-08 16:00", "2024-02-29 09:00", True),
        ("2024-04-03 11:00", "2024-04-18 09:00", False),
        ("2024-04-03 11:00", "2024-04-19 09:00", True),  # only late if the 调休 Sunday 4/7 is counted
    ],
)
def test_rec002_boundaries(end, recorded, late):
    start = pd.Timestamp(end) - pd.Timedelta(hours=2)
    f = findings({"开始时间": str(start), "结束时间": end, "记录时间": recorded, "评价日期": recorded[:10]}, rule="REC002")
    assert len(f) == (1 if late else 0)
    if late:
        assert f.iloc[0]["severity"] == "违规"
        assert "逾期1个工作日" in f.iloc[0]["message"]


def test_rec002_uncovered_year_is_said_not_silently_counted():
    last = calendar().last_covered.year
    f = findings(
        {"开始时间": f"{last}-12-28 09:00", "结束时间": f"{last}-12-28 11:00", "记录时间": f"{last + 1}-01-25 09:00"},
        rule="REC002",
    )
    assert len(f) == 1
    assert f.iloc[0]["severity"] == "存疑"
    assert f"覆盖到 {last} 年" in f.iloc[0]["message"]
