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
    assert f.iloc[0]["severity"] == "违规"


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
    t = load_frame(pd.DataFrame([cert()]).drop(columns=["出具单位"]), kind="certificates")
    g = check_table(t, related={"records": recs()}).findings
    assert "表中没有该列" in g[g["rule"] == "CRT004"].iloc[0]["message"]


def test_verification_way():
    f = findings(cert(), cert(查验方式="无"), cert(查验方式=None), cert(查验方式="电话询问"), cert(查验方式="志愿汇"), rule="CRT005")
    assert f[["row", "severity"]].values.tolist() == [[3, "违规"], [4, "提示"], [5, "存疑"]]


def test_sample_certificates_find_planted(samples):
    t = load_table(samples / "certificates.xlsx", kind="certificates")
    res = check_table(t, related={"records": load_table(samples / "problems.xlsx")})
    exp = pd.read_csv(samples / "certificates_expected.csv", keep_default_na=False)
    ids = res.findings["record_id"] + "/" + res.findings["rule"]
    want = {f"{i}/{r}" for i, r in zip(exp["证明编号"], exp["rule"], strict=True) if r}
    assert set(ids) == want
