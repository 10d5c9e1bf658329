"""二（二）② 记录证明：时长与记录（相等 vs 超出）、没有记录、收费（0 vs >0）、必备内容、系统查验。"""

from __future__ import annotations

import pandas as pd

from tests.conftest import records
from zyfw_checks.engine import check_table
from zyfw_checks.load import load_frame, load_table

ID = "11010519491231002X"  # the volunteer of tests/conftest.BASE


def cert(**kw) -> dict:
    base = {"证明编号": "ZM1", "姓名": "张三", "证件号码": ID, "出具日期": "2024-04-01", "证明时长": 4,
            "服务内容": "敬老院陪伴老人", "出具单位": "长沙市星城志愿者协会", "收费金额": 0, "查验方式": "湖南志愿服务网扫码查验"}
    base.update(kw)
    return base


def recs():
    """Two compliant records of 张三, 2 hours each, ending 2024-03-09 and 2024-03-16."""
    return load_frame(records({}, {"开始时间": "2024-03-16 09:00", "结束时间": "2024-03-16 11:00"}))


def findings(*rows: dict, rule: str | None = None, with_records: bool = True) -> pd.DataFrame:
    t = load_frame(pd.DataFrame(list(rows)), kind="certificates")
    res = check_table(t, related={"records": recs()} if with_records else None)
    f = res.findings
    return f[f["rule"] == rule] if rule else f


def test_hours_equal_to_recorded_pass_more_fail():
    f = findings(cert(), cert(证明编号="ZM2", 证明时长=4.5), rule="CRT001")
    assert f["row"].tolist() == [3]
    assert "多出0.5小时" in f.iloc[0]["message"]
    assert f.iloc[0]["severity"] == "存疑"  # 违规 only with --records-complete (see below)


def test_within_rounding_tolerance_passes():
    assert findings(cert(证明时长=4.04), rule="CRT001").empty


def test_records_after_issue_date_do_not_back_the_certificate():
    f = findings(cert(出具日期="2024-03-10"), rule="CRT001")  # only the 03-09 record (2 h) counts
    assert len(f) == 1 and "合计2小时" in f.iloc[0]["message"]
    assert findings(cert(出具日期="2024-03-16", 证明时长=4), rule="CRT001").empty  # issued the same day: counts


def test_service_period_limits_backing_records():
    f = findings(cert(服务起始日期="2024-03-10", 服务截止日期="2024-03-31"), rule="CRT001")
    assert len(f) == 1


def test_no_record_at_all_is_crt002_not_crt001():
    f = findings(cert(证件号码="110105194912310045", 姓名="赵某"))
    assert set(f["rule"]) == {"CRT002"}
    assert "伪造" in f.iloc[0]["message"]
    assert "110***********0045" in f.iloc[0]["message"]  # masked


def test_without_records_rules_are_not_assessed_not_passed():
    from zyfw_checks.rules.certificates import NEEDS_RECORDS

    t = load_frame(pd.DataFrame([cert(证明时长=99)]), kind="certificates")
    res = check_table(t)
    assert res.findings.empty or not set(res.findings["rule"]) & set(NEEDS_RECORDS)
    na = {n["rule"] for n in res.not_assessed}
    assert set(NEEDS_RECORDS) <= na


def test_fee_zero_passes_positive_fails():
    f = findings(cert(), cert(证明编号="ZM2", 收费金额="10元"), cert(证明编号="ZM3", 收费金额="免费"), rule="CRT003")
    assert f["row"].tolist() == [3]


def test_missing_contents_named():
    f = findings(cert(服务内容=None, 出具单位=None), rule="CRT004")
    assert "服务内容" in f.iloc[0]["message"] and "出具单位" in f.iloc[0]["message"]
    assert findings(cert(), rule="CRT004").empty


def test_verification_way():
    f = findings(cert(), cert(查验方式="无"), cert(查验方式=None), cert(查验方式="电话询问"), cert(查验方式="志愿汇"), rule="CRT005")
    assert f[["row", "severity"]].values.tolist() == [[3, "存疑"], [4, "提示"], [5, "存疑"]]


def test_sample_certificates_find_planted(samples):
    t = load_table(samples / "certificates.xlsx", kind="certificates")
    res = check_table(t, related={"records": load_table(samples / "problems.xlsx")})
    exp = pd.read_csv(samples / "certificates_expected.csv", keep_default_na=False)
    ids = res.findings["record_id"] + "/" + res.findings["rule"]
    want = {f"{i}/{r}" for i, r in zip(exp["证明编号"], exp["rule"], strict=True) if r}
    assert set(ids) == want


# ---------------------------------------------------------------- issue 9: verdicts the text supports


def run(*rows: dict, complete: bool = False, records=None):
    t = load_frame(pd.DataFrame(list(rows)), kind="certificates")
    return check_table(t, related={"records": records if records is not None else recs()},
                       options={"export_complete": True} if complete else None)


def test_crt005_system_named_with_a_no_word_is_verifiable():
    ways = ["扫码查验（无需登录）", "二维码查验，无误", "纸质证明，可在系统查询", "湖南志愿服务网", "在线查验，无需注册"]
    f = findings(*[cert(证明编号=f"ZM{i}", 查验方式=w) for i, w in enumerate(ways)], rule="CRT005")
    assert f.empty


def test_crt005_paper_or_none_is_doubt_never_violation_and_never_article_38():
    from zyfw_checks import penalties
    from zyfw_checks.rules import get_rule

    f = findings(cert(), cert(查验方式="无"), cert(查验方式="纸质证明（盖章）"), cert(查验方式="无法查验"), rule="CRT005")
    assert f["row"].tolist() == [3, 4, 5]
    assert set(f["severity"]) == {"存疑"}
    assert "办法第十七条" in f.iloc[0]["message"] or "可以" in f.iloc[0]["message"]
    r = get_rule("CRT005")
    assert r.severity == "存疑" and "条例第三十八条" not in r.laws and "办法第十七条" in r.laws
    assert penalties.reference(f) == []


def test_crt001_crt002_doubt_unless_export_declared_complete():
    ghost = cert(证明编号="ZM9", 证件号码="110105194912310045", 姓名="赵某")
    over = cert(证明编号="ZM2", 证明时长=30)
    res = run(over, ghost)
    f = res.findings.set_index("rule")
    assert f.loc["CRT001", "severity"] == "存疑" and f.loc["CRT002", "severity"] == "存疑"
    assert "导出" in f.loc["CRT002", "message"]
    declared = run(over, ghost, complete=True).findings.set_index("rule")
    assert declared.loc["CRT001", "severity"] == "违规" and declared.loc["CRT002", "severity"] == "违规"


def test_crt001_crt002_outside_records_range_not_assessed():
    # the records run 2024-03-09 … 2024-03-16: a certificate for 2023 service cannot be judged from them
    old = cert(证明编号="ZM8", 证件号码="110105194912310045", 姓名="赵某", 出具日期="2023-12-20",
               服务起始日期="2023-01-01", 服务截止日期="2023-12-01")
    later = cert(证明编号="ZM7", 证件号码="110105194912310045", 姓名="赵某", 服务起始日期="2024-06-01",
                 服务截止日期="2024-07-31", 出具日期="2024-08-01")
    res = run(old, later, complete=True)
    assert res.findings[res.findings["rule"].isin(["CRT001", "CRT002"])].empty
    status = res.rule_status().set_index("code")
    assert status.loc["CRT002", "status"] == "部分未评估"
    assert status.loc["CRT002", "reason_code"] == "OUT_OF_RANGE"
    assert "2 份" in status.loc["CRT002", "reason"]
    inside = run(cert(证明编号="ZM6", 证件号码="110105194912310045", 姓名="赵某", 出具日期="2024-03-12"), complete=True)
    assert inside.findings["rule"].tolist() == ["CRT002"]


def test_crt003_cites_free_of_charge_article_and_article_38():
    from zyfw_checks import penalties
    from zyfw_checks.rules import get_rule

    r = get_rule("CRT003")
    assert {"办法第十四条", "条例第三十八条"} <= set(r.laws) and "条例第三十九条" not in r.laws
    f = findings(cert(收费金额=10), rule="CRT003")
    ref = penalties.reference(f)
    assert [a["条文"] for item in ref for a in item["条文"]] == ["条例第三十八条", "办法第二十四条"]


def test_crt004_absent_column_once_not_per_row():
    t = load_frame(pd.DataFrame([cert(), cert(证明编号="ZM2")]).drop(columns=["出具单位"]), kind="certificates")
    res = check_table(t, related={"records": recs()})
    assert res.findings[res.findings["rule"] == "CRT004"].empty
    status = res.rule_status().set_index("code")
    assert status.loc["CRT004", "status"] == "部分未评估" and "出具单位" in status.loc["CRT004", "reason"]


def test_every_certificate_rule_states_why_its_severity():
    from zyfw_checks.rules import rules_for

    for r in rules_for("certificates"):
        assert len(r.severity_reason) > 10, r.code


def test_penalties_only_for_breaches_whose_duty_the_article_sanctions():
    from zyfw_checks import penalties

    f = pd.DataFrame({"rule": ["CRT001", "CRT005", "ORG004", "CRT003"], "severity": ["存疑", "提示", "违规", "违规"]})
    ref = penalties.reference(f)
    assert [(r["行为"], r["涉及规则"]) for r in ref] == [("不依法记录志愿服务信息或者出具志愿服务记录证明", ["CRT003"])]
    text = penalties.render_text(f)
    assert "《志愿服务记录与证明出具办法（试行）》第二十四条" in text and "《志愿服务条例》第三十八条" in text
    assert penalties.reference(f[f["severity"] != "违规"]) == []


# ------------------------------------------------ people matched across files (issue 19 §4): masked IDs
MASKED = "110105********002X"  # what a platform export keeps of ID: first 6, last 4


def _rules(res, code):
    f = res.findings
    return f[f["rule"] == code]


def test_masked_ids_on_both_sides_still_meet_through_the_volunteer_number():
    rec = load_frame(records({"证件号码": MASKED}, {"证件号码": MASKED, "开始时间": "2024-03-16 09:00",
                                                    "结束时间": "2024-03-16 11:00"}))
    res = run(cert(证件号码=MASKED, 志愿者编号="ZY1"), complete=True, records=rec)
    assert _rules(res, "CRT001").empty and _rules(res, "CRT002").empty
    # the other side: a volunteer number nobody in the records has, and nothing else in common
    res = run(cert(证件号码="110105********0045", 志愿者编号="ZY9", 姓名="赵某"), complete=True, records=rec)
    assert _rules(res, "CRT002")["severity"].tolist() == ["违规"]


def test_masked_ids_meet_by_name_and_visible_digits_never_by_the_mask_alone():
    rec = load_frame(records({"证件号码": MASKED, "志愿者编号": None},
                             {"证件号码": MASKED, "志愿者编号": None, "开始时间": "2024-03-16 09:00",
                              "结束时间": "2024-03-16 11:00"}))
    same = run(cert(证件号码=MASKED), complete=True, records=rec)
    assert _rules(same, "CRT001").empty and _rules(same, "CRT002").empty
    # another person with the same visible digits is not 张三: no record, declared complete -> 违规
    other = run(cert(证件号码=MASKED, 姓名="李五"), complete=True, records=rec)
    assert _rules(other, "CRT002")["severity"].tolist() == ["违规"]
    # met only through the masked digits: more hours than recorded is 存疑 even when declared complete
    over = run(cert(证件号码=MASKED, 证明时长=6), complete=True, records=rec)
    assert _rules(over, "CRT001")["severity"].tolist() == ["存疑"]
    full = run(cert(证明时长=6), complete=True)
    assert _rules(full, "CRT001")["severity"].tolist() == ["违规"]  # a full ID on both sides


def test_a_certificate_with_a_name_only_is_no_proof_of_missing_records():
    res = run(cert(证件号码=None, 姓名="赵某"), complete=True)
    assert _rules(res, "CRT002")["severity"].tolist() == ["存疑"]
    keyed = run(cert(证件号码="110105194912310045", 姓名="赵某"), complete=True)
    assert _rules(keyed, "CRT002")["severity"].tolist() == ["违规"]


def test_a_blank_record_duration_uses_the_span_when_start_and_end_are_known():
    spans = load_frame(records({"服务时长(小时)": None}, {"开始时间": "2024-03-16 09:00", "结束时间": "2024-03-16 11:00"}))
    assert _rules(run(cert(), records=spans), "CRT001").empty  # 2 (span) + 2 = 4
    # the other side: no duration and no end time either -> the total may be short: 存疑 even when declared
    unknown = load_frame(records({"服务时长(小时)": None, "结束时间": None},
                                 {"开始时间": "2024-03-16 09:00", "结束时间": "2024-03-16 11:00"}))
    f = _rules(run(cert(), complete=True, records=unknown), "CRT001")
    assert f["severity"].tolist() == ["存疑"] and "没有时长" in f.iloc[0]["message"]


def test_an_overnight_record_ends_the_next_day_for_the_issue_date():
    night = load_frame(records({"开始时间": "2024-03-31 22:00", "结束时间": "2024-03-31 01:00", "服务时长(小时)": 3}))
    assert _rules(run(cert(证明时长=3, 出具日期="2024-04-01"), records=night), "CRT001").empty
    f = _rules(run(cert(证明时长=3, 出具日期="2024-03-31"), records=night, complete=True), "CRT002")
    assert len(f) == 1  # issued on the 31st: the night service ended on 1 April, after the certificate
