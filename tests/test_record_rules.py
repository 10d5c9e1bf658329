"""REC001, REC003, REC004, SYS001, DAT001–DAT003 on both sides of their boundaries."""

import numpy as np
import pandas as pd
import pytest
from stdnum.cn import ric

from tests.conftest import BASE, findings, records
from zyfw_checks.engine import check_table
from zyfw_checks.load import load_frame
from zyfw_checks.rules.data_quality import ric_problems


def test_compliant_record_has_no_findings():
    assert findings({}).empty


# ---------------------------------------------------------------- REC001
def test_rec001_blank_evaluation_is_doubtful_other_blanks_are_breaches():
    # 办法第十条: the organisation "可以" evaluate, so a blank evaluation is 存疑; a blank duration is 违规
    f = findings({"服务评价": None}, {}, {"服务时长(小时)": None}, {"服务时长(小时)": None, "服务评价": None},
                 rule="REC001")
    assert f.set_index("row")["severity"].to_dict() == {2: "存疑", 4: "违规", 5: "违规"}
    assert "服务评价" in f.iloc[0]["message"] and "可以" in f.iloc[0]["message"]
    assert "服务时长" in f.iloc[2]["message"] and "服务评价" in f.iloc[2]["message"]


def test_rec001_content_or_activity_name_suffices():
    assert findings({"服务内容": None}, rule="REC001").empty
    assert len(findings({"服务内容": None, "活动名称": None}, rule="REC001")) == 1


def test_rec001_absent_column_is_not_assessed_once_not_a_finding_per_row():
    t = load_frame(records({}, {}, {"姓名": None}, drop=("服务评价", "组织单位")))
    res = check_table(t)
    f = res.findings[res.findings["rule"] == "REC001"]
    assert f["row"].tolist() == [4]  # the blank 姓名 only
    status = res.rule_status().set_index("code").loc["REC001"]
    assert status["reason_code"] == "MISSING_FIELD"
    assert "服务评价" in status["reason"] and "组织单位" in status["reason"]
    assert [p.text.split("”")[0][-4:] for p in res.partial if p.rule == "REC001"] == ["组织单位", "服务评价"]


def test_rec001_date_only_record_book_has_its_service_time():
    t = load_frame(records({"开始时间": None, "结束时间": None, "服务日期": "2024-03-09"}, drop=()))
    f = check_table(t).findings
    assert "REC001" not in set(f["rule"])


def test_rec001_unreadable_cell_is_not_called_blank():
    f = findings({"服务时长(小时)": "两个多小时"})
    assert "REC001" not in set(f["rule"])
    assert "DAT003" in set(f["rule"])


# ---------------------------------------------------------------- REC003
def test_rec003_paper_not_entered():
    f = findings({"记录方式": "纸质", "录入系统时间": None, "记录平台": None}, rule="REC003")
    assert len(f) == 1 and f.iloc[0]["severity"] == "违规"


def test_rec003_paper_on_a_designated_platform_without_entry_time_is_doubtful():
    f = findings({"记录方式": "纸质", "录入系统时间": None, "记录平台": "湖南志愿服务网"}, rule="REC003")
    assert len(f) == 1 and f.iloc[0]["severity"] == "存疑" and "无法核对" in f.iloc[0]["message"]


def test_rec003_paper_entered_in_time_vs_late():
    assert findings({"记录方式": "纸质", "录入系统时间": "2024-03-22 09:00"}, rule="REC003").empty  # 10th day
    f = findings({"记录方式": "纸质", "录入系统时间": "2024-03-25 09:00"}, rule="REC003")  # 11th day
    assert len(f) == 1 and f.iloc[0]["severity"] == "存疑"


def test_rec003_system_record_needs_no_entry_time():
    assert findings({"记录方式": "系统", "录入系统时间": None}, rule="REC003").empty


# ---------------------------------------------------------------- REC004
def test_rec004_hours_equal_to_span_pass_longer_fail():
    assert findings({"服务时长(小时)": 2}, rule="REC004").empty
    f = findings({"服务时长(小时)": 2.5}, rule="REC004")
    assert len(f) == 1 and "2.5小时" in f.iloc[0]["message"]


def test_rec004_end_before_start():
    f = findings({"结束时间": "2024-03-09 08:00"}, rule="REC004")
    assert len(f) == 1 and "早于开始时间" in f.iloc[0]["message"]


def test_rec004_overlap_vs_touching():
    touching = findings(
        {"活动编号": "A", "开始时间": "2024-03-09 09:00", "结束时间": "2024-03-09 11:00"},
        {"活动编号": "B", "开始时间": "2024-03-09 11:00", "结束时间": "2024-03-09 13:00"},
        rule="REC004",
    )
    assert touching.empty
    overlap = findings(
        {"活动编号": "A", "开始时间": "2024-03-09 09:00", "结束时间": "2024-03-09 11:00"},
        {"活动编号": "B", "开始时间": "2024-03-09 10:59", "结束时间": "2024-03-09 12:59"},
        rule="REC004",
    )
    assert sorted(overlap["row"]) == [2, 3]
    assert "第3行" in overlap.set_index("row").loc[2, "message"]
    assert "第2行" in overlap.set_index("row").loc[3, "message"]


def test_rec004_overlap_only_for_the_same_volunteer():
    f = findings(
        {"活动编号": "A"},
        {"活动编号": "B", "志愿者编号": "ZY2", "证件号码": "110105194912310021"[:-1] + "X", "开始时间": "2024-03-09 10:00",
         "结束时间": "2024-03-09 12:00"},
        rule="REC004",
    )
    assert f.empty


def test_rec004_long_running_record_overlaps_a_later_non_adjacent_one():
    f = findings(
        {"活动编号": "A", "开始时间": "2024-03-09 08:00", "结束时间": "2024-03-09 18:00", "服务时长(小时)": 10},
        {"活动编号": "B", "开始时间": "2024-03-09 09:00", "结束时间": "2024-03-09 10:00", "服务时长(小时)": 1},
        {"活动编号": "C", "开始时间": "2024-03-09 12:00", "结束时间": "2024-03-09 13:00", "服务时长(小时)": 1},
        rule="REC004",
    )
    assert sorted(f["row"]) == [2, 3, 4]


def test_rec004_more_than_24_hours_in_a_day():
    # 00:30 to 00:30 the next day: 23.5 of the 24 hours fall on the 9th (the service-time model's share per day)
    day = {"开始时间": "2024-03-09 00:30", "结束时间": "2024-03-10 00:30"}
    assert findings(dict(day, **{"服务时长(小时)": 24}), rule="REC004").empty
    f = findings(dict(day, **{"服务时长(小时)": 24}),
                 {"活动编号": "B", "开始时间": "2024-03-09 10:00", "结束时间": "2024-03-09 12:00",
                  "志愿者编号": "ZY1"}, rule="REC004")
    assert any("累计" in m for m in f["message"])


# ---------------------------------------------------------------- SYS001
@pytest.mark.parametrize("platform", ["中国志愿服务网", "湖南志愿服务网", "志愿汇", "志愿汇APP", "hn-vs.cn", "湖南志愿服务网（手机端）"])
def test_sys001_designated_platforms_pass(platform):
    assert findings({"记录平台": platform}, rule="SYS001").empty


def test_sys001_other_platform_is_doubtful_not_a_breach():
    # 办法第四条第三款 allows other systems or paper if entered into the designated one
    f = findings({"记录平台": "某区志愿者管理系统"}, {"记录平台": None}, rule="SYS001")
    assert f.set_index("row")["severity"].to_dict() == {2: "存疑", 3: "提示"}
    assert "核实" in f.iloc[0]["message"]
    from zyfw_checks.rules import get_rule

    r = get_rule("SYS001")
    assert r.severity != "违规" and "条例第三十八条" not in r.laws and r.severity_reason


# ---------------------------------------------------------------- DAT001
def _random_ids(n: int, seed: int = 1) -> list[str]:
    rng = np.random.default_rng(seed)
    ids = []
    for _ in range(n):
        body = f"{rng.integers(110000, 659999)}{rng.integers(1930, 2020)}{rng.integers(1, 13):02d}{rng.integers(1, 32):02d}{rng.integers(0, 1000):03d}"
        ids.append(body + rng.choice(list("0123456789X")))
    return ids


def _stdnum_valid(number: str) -> bool:
    """GB 11643 as python-stdnum checks it: check digit and birth date (not the birth-place table)."""
    try:
        ric.get_birth_date(number)
    except Exception:
        return False
    return ric.calc_check_digit(number) == number[-1]


def test_dat001_agrees_with_python_stdnum():
    ids = _random_ids(3000)
    ours = ric_problems(pd.Series(ids)).eq("").tolist()
    theirs = [_stdnum_valid(i) for i in ids]
    assert 100 < sum(theirs) < len(ids)  # both sides of the check are exercised
    assert ours == theirs


def test_dat001_flags_and_masks():
    f = findings({"证件号码": "110105194912310021"}, rule="DAT001")
    assert len(f) == 1
    assert "110105194912310021" not in f.iloc[0]["message"]
    assert "110***********0021" in f.iloc[0]["message"]


def test_dat001_skips_passports():
    assert findings({"证件类型": "护照", "证件号码": "E12345678"}, rule="DAT001").empty


# ---------------------------------------------------------------- DAT002
def test_dat002_exact_duplicate_vs_other_time():
    f = findings({}, {}, rule="DAT002")
    assert f["row"].tolist() == [3] and "第2行" in f.iloc[0]["message"]
    assert findings({}, {"开始时间": "2024-03-10 09:00", "结束时间": "2024-03-10 11:00"}, rule="DAT002").empty


def test_dat002_same_record_number_twice_reads_as_export_duplicate():
    """Two ids: two records in the book (违规). One id twice: perhaps the export repeated a row (存疑).
    A ledger without ids is the organisation's own book (违规)."""
    assert findings({}, {}, rule="DAT002")["severity"].tolist() == ["违规"]
    same = findings({"记录编号": "JL9"}, {"记录编号": "JL9"}, rule="DAT002")
    assert same["severity"].tolist() == ["存疑"] and "记录编号相同" in same.iloc[0]["message"]
    assert findings({}, {}, rule="DAT002", drop=("记录编号",))["severity"].tolist() == ["违规"]


def test_duplicate_is_not_also_reported_as_overlap():
    assert findings({}, {}, rule="REC004").empty


# ---------------------------------------------------------------- not assessed
def test_missing_fields_make_rules_not_assessed():
    t = load_frame(records({}, drop=("记录时间", "录入系统时间", "记录平台")))
    res = check_table(t)
    na = {n["rule"]: n for n in res.not_assessed}
    assert "REC002" in na and "记录时间" in na["REC002"]["reason"]
    assert "SYS001" in na
    assert "REC002" not in set(res.findings["rule"])


def test_base_record_is_really_valid():
    assert ric.is_valid(BASE["证件号码"])


def test_rec004_rounding_tolerance_boundary():
    # params/thresholds.yaml hours_tolerance = 0.05: 2.05 h on a 2 h span is rounding, 2.06 h is not
    assert findings({"服务时长(小时)": 2.05}, rule="REC004").empty
    assert len(findings({"服务时长(小时)": 2.06}, rule="REC004")) == 1


# ---------------------------------------------------------------- REC002 / REC003 semantics (issue 9, issue 10)
def test_rec002_runs_from_the_end_date_when_only_dates_exist_and_names_it():
    edits = [{"开始时间": None, "结束时间": None, "服务日期": "2024-03-08", "记录时间": "2024-03-22"},  # 10th
             {"开始时间": None, "结束时间": None, "服务日期": "2024-03-08", "记录时间": "2024-03-25"}]  # 11th
    f = findings(*edits, rule="REC002")
    assert f["row"].tolist() == [3]
    assert "服务日期" in f.iloc[0]["message"] and "2024-03-08" in f.iloc[0]["message"]


def test_rec002_uses_entry_time_of_system_records_when_there_is_no_record_time():
    f = findings({"录入系统时间": "2024-04-01 09:00"}, {"录入系统时间": "2024-03-12 09:00"}, rule="REC002",
                 drop=("记录时间",))
    assert f["row"].tolist() == [2]


def test_rec002_later_entry_is_said():
    f = findings({"时长类型": "荣誉时长", "记录时间": "2024-05-10 09:00"}, {"时长类型": "信用时长"}, rule="REC002")
    assert f["row"].tolist() == [2] and "补录" in f.iloc[0]["message"]


@pytest.mark.parametrize("method", ["手工录入", "后台录入", "管理员手动录入", "批量导入", "系统", "荣誉时长补录"])
def test_rec003_typed_into_the_system_is_not_paper(method):
    assert findings({"记录方式": method, "录入系统时间": None}, rule="REC003").empty


@pytest.mark.parametrize("method", ["纸质", "纸质台账", "手工", "纸质记录后录入系统", "线下签到表"])
def test_rec003_paper_spellings(method):
    f = findings({"记录方式": method, "录入系统时间": None, "记录平台": None}, rule="REC003")
    assert f["severity"].tolist() == ["违规"]


def test_rec003_without_entry_column_is_not_assessed_once():
    t = load_frame(records({"记录方式": "纸质"}, {"记录方式": "纸质"}, drop=("录入系统时间",)))
    res = check_table(t)
    assert "REC003" not in set(res.findings["rule"])
    assert res.rule_status().set_index("code").loc["REC003", "status"] == "部分未评估"


def test_dat001_masked_ids_are_not_invalid_but_said_once():
    t = load_frame(records({"证件号码": "430***********1234"}, {"证件号码": "430102********123X"},
                           {"证件号码": "4301021990"}, {"证件号码": "430102xxxxxxxx1234"}))
    res = check_table(t)
    f = res.findings[res.findings["rule"] == "DAT001"]
    assert f["row"].tolist() == [4]
    st = res.rule_status().set_index("code").loc["DAT001"]
    assert st["reason_code"] == "MASKED_VALUES" and "3 条" in st["reason"]


def test_rules_in_these_modules_say_why_they_have_their_severity():
    from zyfw_checks.rules import all_rules

    for r in all_rules():
        if r.fn.__module__.rsplit(".", 1)[-1] in ("records", "system", "data_quality"):
            assert r.severity_reason.strip(), r.code


def test_masked_ids_of_different_people_are_not_one_volunteer():
    """Two people an export shows with the same masked ID are not one volunteer: no overlap, no duplicate."""
    two = findings({"证件号码": "430***********1234", "姓名": "张三"},
                   {"证件号码": "430***********1234", "姓名": "李四"}, drop=("志愿者编号",))
    assert not two["rule"].isin(["REC004", "DAT002"]).any()
    same = findings({"证件号码": "430***********1234", "姓名": "张三"},
                    {"证件号码": "430***********1234", "姓名": "张三"}, drop=("志愿者编号",))
    assert same["rule"].isin(["REC004", "DAT002"]).any()


# ------------------------------------------------ the service-time model in the rules (issue 19 §2, §4)
def _status(*edits, drop=(), options=None):
    res = check_table(load_frame(records(*edits, drop=drop)), options=options)
    return res, res.rule_status().set_index("code")


def _of(res, code):
    return res.findings[res.findings["rule"] == code]


NIGHT = {"服务日期": "2024-03-07", "开始时间": "22:00", "结束时间": "01:00", "服务时长(小时)": 3}


def test_rec004_overnight_is_not_reversed_but_its_span_still_counts():
    assert findings(NIGHT, rule="REC004").empty
    f = findings(dict(NIGHT, **{"服务时长(小时)": 5}), rule="REC004")
    assert f["severity"].tolist() == ["违规"] and "只有3小时" in f.iloc[0]["message"]
    # a long backwards interval on one day stays "结束早于开始"
    f = findings({"开始时间": "2024-03-09 14:00", "结束时间": "2024-03-09 12:00"}, rule="REC004")
    assert "早于开始时间" in f.iloc[0]["message"]


def test_rec004_several_days_are_spread_before_the_daily_cap():
    watch = {"开始时间": "2024-07-01 08:00", "结束时间": "2024-07-03 18:00", "服务时长(小时)": 30}
    assert findings(watch, rule="REC004").empty
    f = findings(dict(watch, **{"服务时长(小时)": 60}), rule="REC004")
    assert f["severity"].tolist() == ["违规"] and "只有58小时" in f.iloc[0]["message"]


def test_rec004_date_only_row_is_a_missing_clock_time_not_zero_hours():
    res, st = _status({}, {"开始时间": "2024-03-10", "结束时间": "2024-03-10", "服务时长(小时)": 3, "记录编号": "JL2"})
    assert _of(res, "REC004").empty
    assert st.loc["REC004", "status"] == "部分未评估" and "没有开始或结束时刻" in st.loc["REC004", "reason"]
    # the timed row is still checked
    res, _ = _status({"服务时长(小时)": 5}, {"开始时间": "2024-03-10", "结束时间": "2024-03-10"})
    assert _of(res, "REC004")["row"].tolist() == [2]


def test_rec004_overlap_with_another_organisation_is_doubt_within_one_is_a_breach():
    later = {"活动编号": "HD2", "开始时间": "2024-03-09 10:00", "结束时间": "2024-03-09 12:00"}
    same = findings({}, later, rule="REC004")
    assert set(same["severity"]) == {"违规"} and len(same) == 2
    other = findings({}, dict(later, 组织单位="岳麓区红十字志愿服务队"), rule="REC004")
    assert set(other["severity"]) == {"存疑"} and len(other) == 2
    assert all("另一组织单位" in m for m in other["message"])


def test_rec004_long_record_containing_another_organisations_short_one_is_doubt():
    watch = {"开始时间": "2024-07-01 08:00", "结束时间": "2024-07-03 18:00", "服务时长(小时)": 30}
    short = {"活动编号": "HD2", "开始时间": "2024-07-02 19:00", "结束时间": "2024-07-02 21:00"}
    f = findings(watch, dict(short, 组织单位="望月湖社区志愿服务站"), rule="REC004")
    assert len(f) == 2 and set(f["severity"]) == {"存疑"}
    # a several-day record with fewer hours than its span may be shifts: 存疑 even inside one organisation
    f = findings(watch, short, rule="REC004")
    assert set(f["severity"]) == {"存疑"} and "分班" in f.iloc[0]["message"]
    # a one-day overlap inside one organisation stays a breach (above); a full 58 h watch too
    f = findings(dict(watch, **{"服务时长(小时)": 58}), short, rule="REC004")
    assert set(f["severity"]) == {"违规"}


def test_rec002_overnight_counts_from_the_next_day():
    # Thu 7 March 22:00 - Fri 01:00: from Fri 8 March the 10th working day is Fri 22 March
    assert findings(dict(NIGHT, 记录时间="2024-03-22 10:00", 评价日期="2024-03-08"), rule="REC002").empty
    f = findings(dict(NIGHT, 记录时间="2024-03-25 10:00", 评价日期="2024-03-08"), rule="REC002")
    assert f["severity"].tolist() == ["违规"]


def test_rec002_evaluation_date_is_held_to_the_same_deadline():
    assert findings({"评价日期": "2024-03-22"}, rule="REC002").empty
    f = findings({"评价日期": "2024-03-25"}, rule="REC002")
    assert f["severity"].tolist() == ["违规"] and "评价日期" in f.iloc[0]["message"]
    # no 评价日期 column is no gap: 评价 is "可以" (办法第十条)
    res, st = _status({}, drop=("评价日期",))
    assert st.loc["REC002", "status"] == "通过"


def test_rec002_recorded_before_the_activity_ended_is_doubt():
    f = findings({"记录时间": "2024-03-09 10:00", "录入系统时间": "2024-03-09 10:00"}, rule="REC002")
    assert f["severity"].tolist() == ["存疑"] and "提前登记" in f.iloc[0]["message"]
    assert findings({"记录时间": "2024-03-09 11:30", "录入系统时间": "2024-03-09 11:30"}, rule="REC002").empty
    # a record time without a clock time on the end day is not "before the end"
    assert findings({"记录时间": "2024-03-09", "录入系统时间": "2024-03-09"}, rule="REC002").empty


def test_rec003_paper_record_inside_the_default_period_is_not_judged():
    fresh = {"记录方式": "纸质", "录入系统时间": None, "记录平台": None}
    as_of = {"as_of": "2024-03-15"}  # the 10th working day after 9 March is 22 March
    res, _ = _status(fresh, options=as_of)
    assert _of(res, "REC003").empty and any("REC003" in n for n in res.notes)
    res, _ = _status(fresh, options={"as_of": "2024-03-25"})
    assert _of(res, "REC003")["severity"].tolist() == ["违规"]


def test_rec003_only_a_record_that_says_it_is_not_in_a_system_is_a_breach():
    told = findings({"记录方式": "纸质（未录入系统）", "录入系统时间": None}, rule="REC003")
    assert told["severity"].tolist() == ["违规"] and "写明未录入" in told.iloc[0]["message"]
    unclear = findings({"记录方式": "纸质", "录入系统时间": None}, rule="REC003")  # 记录平台 says 湖南志愿服务网
    assert unclear["severity"].tolist() == ["存疑"]
    late = findings({"记录方式": "纸质", "录入系统时间": "2024-05-20 09:00"}, rule="REC003")
    assert late["severity"].tolist() == ["存疑"] and "及时" in late.iloc[0]["message"]


def test_dat002_duplicate_across_two_organisations_is_doubt_within_one_a_breach():
    assert findings({}, {}, rule="DAT002")["severity"].tolist() == ["违规"]
    f = findings({}, {"组织单位": "岳麓区红十字志愿服务队"}, rule="DAT002")
    assert f["severity"].tolist() == ["存疑"] and "看不出是哪一方记错" in f.iloc[0]["message"]


def test_dat002_overnight_written_two_ways_is_one_interval():
    f = findings({"开始时间": "2024-03-09 22:00", "结束时间": "2024-03-09 01:00"},
                 {"开始时间": "2024-03-09 22:00", "结束时间": "2024-03-10 01:00"}, rule="DAT002")
    assert len(f) == 1
    assert findings({"开始时间": "2024-03-09 22:00", "结束时间": "2024-03-09 01:00"},
                    {"开始时间": "2024-03-10 22:00", "结束时间": "2024-03-10 01:00"}, rule="DAT002").empty


def test_dat002_masked_id_with_blank_volunteer_number_meets_by_name_and_digits():
    masked = {"志愿者编号": None, "证件号码": "110105********002X"}
    assert len(findings(masked, masked, rule="DAT002")) == 1
    assert findings(masked, dict(masked, 姓名="李五"), rule="DAT002").empty


def test_rec001_service_place_is_part_of_the_service_record():
    # 办法第七条: 志愿服务情况 includes the activity's 地点 and 负责人; 条例第十九条: 应当如实记录
    f = findings({}, {"服务地点": None}, {"活动负责人": None}, rule="REC001")
    assert f.set_index("row")["severity"].to_dict() == {3: "违规", 4: "违规"}
    assert "服务地点" in f.iloc[0]["message"] and "活动负责人" in f.iloc[1]["message"]
    # an export without the column: said once, never a finding per row
    res = check_table(load_frame(records({}, {}, drop=("服务地点",))))
    assert "REC001" not in set(res.findings["rule"])
    assert "服务地点" in res.rule_status().set_index("code").loc["REC001", "reason"]


@pytest.mark.parametrize(("cell", "violation"), [("未录入", True), ("下周补录", False)])
def test_rec003_words_in_the_entry_time_cell_are_the_records_own_data(cell, violation):
    """“未录入” typed where the entry time goes says the paper record is not in a system (违规 once the
    default period has passed); other words there are only an unreadable cell (存疑 at most)."""
    f = findings({"记录方式": "纸质", "录入系统时间": cell, "记录平台": None}, rule="REC003")
    if violation:
        assert list(f["severity"]) == ["违规"], f["message"].tolist()
        assert "记录写明未录入" in f["message"].iloc[0]
    else:
        assert "违规" not in set(f["severity"]), f["message"].tolist()
