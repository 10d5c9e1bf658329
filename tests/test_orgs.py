"""二（一） 志愿服务组织标识：结论、统一社会信用代码、6月30日公告期限、每百万人口20个（两侧边界）。"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from stdnum.cn import uscc

from tools.samples_staff import uscc_codes
from zyfw_checks.engine import check_table
from zyfw_checks.load import load_frame, load_table
from zyfw_checks.staff import identification as ident

VOL = "弘扬志愿精神，组织志愿者开展敬老助残等志愿服务活动"
OTHER = "促进会员之间的文化交流与合作"


def code(div: str = "430102", seed: int = 1) -> str:
    return uscc_codes(np.random.default_rng(seed), [div])[0]


def org(**kw) -> dict:
    base = {"名称": "长沙市芙蓉区志愿者协会", "统一社会信用代码": code(), "章程宗旨": VOL, "是否主动申请标识": "否",
            "是否已标识": "是", "标识日期": "2024-03-15", "公告日期": "2024-06-18", "章程修改情况": "无"}
    base.update(kw)
    return base


def table(*rows: dict):
    return load_frame(pd.DataFrame(list(rows)), kind="orgs")


def decisions(*rows: dict) -> list[str]:
    return ident.decide(table(*rows).df)["结论"].tolist()


def findings(*rows: dict, rule: str | None = None) -> pd.DataFrame:
    f = check_table(table(*rows)).findings
    return f[f["rule"] == rule] if rule else f


# ---------------------------------------------------------------- decisions


def test_name_with_word_and_volunteer_charter_is_direct():
    assert decisions(org()) == [ident.DIRECT]


def test_name_with_yigong_but_non_volunteer_charter_is_not_direct():
    d = ident.decide(table(org(名称="岳麓区义工文化交流协会", 章程宗旨=OTHER, 是否已标识="否")).df)
    assert d["结论"].tolist() == [ident.NO]
    assert "不能直接标识" in d["理由"].iloc[0] and "义工" in d["理由"].iloc[0]
    assert d["clause"].iloc[0] == "二（一）-直接标识"


def test_no_word_volunteer_charter_applied_is_review_not_applied_is_no():
    rows = [org(名称="邻里互助促进会", 是否主动申请标识="是", 是否已标识="否"),
            org(名称="邻里互助促进会二", 是否主动申请标识="否", 是否已标识="否")]
    d = ident.decide(table(*rows).df)
    assert d["结论"].tolist() == [ident.REVIEW, ident.NO]
    assert (d["clause"] == "二（一）-核准标识").all()


def test_amended_charter_no_longer_volunteer_is_cancel_unamended_is_not():
    d = decisions(org(章程宗旨=OTHER, 章程修改情况="2024年5月修改宗旨"), org(章程宗旨=OTHER, 章程修改情况="无"))
    assert d == [ident.CANCEL, ident.NO]


def test_staff_verdict_overrides_keywords():
    d = ident.decide(table(org(章程宗旨=OTHER, 章程以志愿服务为宗旨="是")).df)
    assert d["结论"].iloc[0] == ident.DIRECT and not d["按关键词判断"].iloc[0]


def test_negated_charter_is_not_volunteer():
    assert decisions(org(章程宗旨="本会不以开展志愿服务为宗旨，从事行业服务", 是否已标识="否")) == [ident.NO]


def test_blank_charter_cannot_be_decided_and_team_is_not_applicable():
    assert decisions(org(章程宗旨=None, 是否已标识="否"), org(组织类型="社区志愿服务团体", 是否已标识="否")) == [
        ident.UNKNOWN, ident.NA]


# ---------------------------------------------------------------- ORG001 统一社会信用代码


def test_uscc_matches_stdnum_on_generated_and_mutated_codes():
    rng = np.random.default_rng(5)
    good = uscc_codes(rng, ["430102"] * 200)
    mutated = [c[:-1] + ("0" if c[-1] != "0" else "1") for c in good[:100]]
    odd = ["91110000600037341L", "A1110000600037341L", "12345", "9111000060003734IL", "91110000600037341l"]
    s = pd.Series(good + mutated + odd)
    mine = ident.uscc_problems(s).eq("")
    theirs = s.map(uscc.is_valid)
    assert (mine == theirs).all()


def test_org001_flags_bad_check_and_blank_not_good():
    f = findings(org(), org(统一社会信用代码=code()[:-1] + "?"), org(统一社会信用代码=None), rule="ORG001")
    assert f["row"].tolist() == [3, 4]


def test_jurisdiction_from_division_digits():
    j = ident.jurisdiction(pd.Series([code("430121"), code("430100"), code("430000"), code("440300"), "x"]))
    assert j["市州"].tolist()[:2] == ["长沙市", "长沙市"]
    assert j["县区"].iloc[0] == "长沙县"
    assert j["登记层级"].tolist() == ["县级", "市本级", "省本级", "省外", "未知"]


# ---------------------------------------------------------------- ORG002 6月30日


@pytest.mark.parametrize(("marked", "announced", "late"), [
    ("2024-03-15", "2024-06-30", False),
    ("2024-03-15", "2024-07-01", True),
    ("2024-06-30", "2024-06-30", False),
    ("2024-06-30", "2024-07-01", True),
    ("2024-07-01", "2025-06-30", False),
    ("2024-07-01", "2025-07-01", True),
])
def test_org002_june_30_boundary(marked, announced, late):
    f = findings(org(标识日期=marked, 公告日期=announced), rule="ORG002")
    assert (len(f) == 1) is late
    if late:
        assert f.iloc[0]["severity"] == "违规" and "6月30日" in f.iloc[0]["clause"]


def test_org002_identified_without_announcement_and_unidentified_not_checked():
    f = findings(org(公告日期=None), org(是否已标识="否", 公告日期=None), rule="ORG002")
    assert f["row"].tolist() == [2]
    assert "没有公告日期" in f.iloc[0]["message"]


def test_org002_no_identification_date_is_doubt():
    f = findings(org(标识日期=None, 公告日期="2024-07-01"), org(标识日期=None, 公告日期="2024-06-30"), rule="ORG002")
    assert f["row"].tolist() == [2] and f.iloc[0]["severity"] == "存疑"


# ---------------------------------------------------------------- ORG003 20 per million


def _pops(population: int) -> dict:
    p = ident.populations()
    return {**p, "prefectures": {"4301": {"name": "长沙市", "population": population}}}


@pytest.mark.parametrize(("identified", "ok"), [(20, True), (19, False), (21, True)])
def test_density_exactly_twenty_per_million(identified, ok):
    rows = [org(统一社会信用代码=code("430102", i)) for i in range(identified)]
    d = ident.density(table(*rows).df, pops=_pops(1_000_000))
    city = d[d["地区"] == "长沙市"].iloc[0]
    assert bool(city["达标"]) is ok
    assert city["需达到"] == 20


def test_density_uses_census_parameter_and_integer_boundary():
    # 长沙市 10,047,914 → 20 per million needs 200.96 → 201; 201 passes, 200 does not
    rows = [org(统一社会信用代码=code("430102", i)) for i in range(201)]
    d = ident.density(table(*rows).df)
    assert d.iloc[0]["需达到"] == 201 and bool(d.iloc[0]["达标"])
    d = ident.density(table(*rows[:200]).df)
    assert not bool(d.iloc[0]["达标"]) and d.iloc[0]["缺口"] == 1


def test_populations_sum_to_province_total():
    p = ident.populations()
    assert sum(v["population"] for v in p["prefectures"].values()) == p["province"]["population"] == 66444864
    assert len(p["prefectures"]) == 14


# ---------------------------------------------------------------- ORG004–ORG006 and the samples


def test_org004_to_006_sides():
    f = findings(
        org(是否已标识="否", 章程以志愿服务为宗旨="是"),  # ORG004 违规
        org(名称="邻里互助促进会", 是否主动申请标识="是", 是否已标识="否"),  # ORG004 存疑
        org(章程宗旨=OTHER, 章程修改情况="2024年修改"),  # ORG005
        org(章程宗旨=OTHER),  # ORG006
        org(),  # compliant
    )
    got = f[f["rule"].isin(["ORG004", "ORG005", "ORG006"])][["row", "rule", "severity"]].values.tolist()
    assert got == [[2, "ORG004", "违规"], [3, "ORG004", "存疑"], [4, "ORG005", "存疑"], [5, "ORG006", "存疑"]]


def test_problem_sample_finds_every_planted_problem(samples):
    t = load_table(samples / "orgs_problems.xlsx", kind="orgs")
    f = check_table(t).findings
    exp = pd.read_csv(samples / "orgs_problems_expected.csv", keep_default_na=False)
    names = t.df.set_index("_row")["名称"]
    got = {(names[r], rule) for r, rule in zip(f["row"], f["rule"], strict=True)}
    want = {(n, r) for n, r in zip(exp["名称"], exp["rule"], strict=True) if r}
    assert got == want


def test_clean_sample_has_no_findings_and_messy_csv_loads(samples):
    assert check_table(load_table(samples / "orgs.xlsx", kind="orgs")).findings.empty
    t = load_table(samples / "orgs_messy_gbk.csv", kind="orgs")
    assert t.header_row == 3 and len(t.df) == 24
    assert ident.uscc_problems(t.df["统一社会信用代码"]).eq("").all()  # full-width digits normalised
    vals, bad = ident.to_count(t.df["注册志愿者数"])
    assert not bad.any() and vals.notna().all()


def test_to_count_reads_units_and_reports_unreadable():
    vals, bad = ident.to_count(pd.Series(["1,200人", "35次", 12, None, "很多"]))
    assert vals.tolist()[:3] == [1200.0, 35.0, 12.0]
    assert bad.tolist() == [False, False, False, False, True]


# ---------------------------------------------------------------- issue 9: verdicts the text supports


def run(*rows: dict, as_of: str | None = None, extra: dict | None = None):
    t = table(*rows)
    for col, values in (extra or {}).items():  # columns the loader may not know yet
        t.df[col] = pd.Series(values, index=t.df.index, dtype="string")
    return check_table(t, options={"as_of": as_of} if as_of else None)


def org002(*rows: dict, as_of: str, extra: dict | None = None) -> pd.DataFrame:
    f = run(*rows, as_of=as_of, extra=extra).findings
    return f[f["rule"] == "ORG002"]


def test_org002_not_before_the_deadline_has_come():
    # identified 2026-10-01: the first list it must be in is 2027's (by 2027-06-30)
    assert org002(org(标识日期="2026-10-01", 公告日期=None), as_of="2026-11-29").empty
    f = org002(org(标识日期="2026-10-01", 公告日期=None), as_of="2027-07-01")
    assert len(f) == 1 and "2027-06-30" in f.iloc[0]["message"]


def test_org002_no_duty_before_the_notice_took_effect():
    # identified 2022: the notice (2023-09-07) first binds the 2024 list, not 2022's or 2023's
    f = org002(org(标识日期="2022-05-01", 公告日期="2023-07-15"), as_of="2024-12-01")
    assert f.empty
    f = org002(org(标识日期="2022-05-01", 公告日期="2024-07-15"), as_of="2024-12-01")
    assert len(f) == 1 and f.iloc[0]["severity"] == "违规" and "2024-06-30" in f.iloc[0]["message"]


def test_org002_every_year_from_2024_whose_june_30_has_passed():
    years = {"公告年度": ["2024", "2024、2025", "2024,2025,2026"]}
    rows = [org(标识日期="2024-03-01", 名称=f"组织{i}", 统一社会信用代码=code(seed=i)) for i in range(3)]
    f = org002(*rows, as_of="2026-07-15", extra=years)
    assert f["row"].tolist() == [2, 3]
    assert f["evidence"].str.extract(r"缺 ([^；]+)")[0].tolist() == ["2025、2026", "2026"]
    assert (f["severity"] == "违规").all() and "2025" in f.iloc[0]["message"]
    assert org002(*rows, as_of="2026-06-30", extra=years)["row"].tolist() == [2]  # 2026's deadline not yet passed
    undated = org002(org(标识日期=None), org(标识日期=None, 统一社会信用代码=code(seed=9)), as_of="2026-07-15",
                     extra={"公告年度": ["2025", "未公告"]})
    assert undated[["row", "severity"]].values.tolist() == [[2, "违规"], [3, "存疑"]]  # due from 2025 on: 2026 missing


def test_org002_deadline_series_read_through_its_dates():
    from zyfw_checks.params import threshold

    assert threshold("announcement_deadline", "2024-06-30", name="orgs") == {"month": 6, "day": 30}
    assert threshold("announcement_deadline", "2029-06-30", name="orgs") is None  # 有效期5年
    done = {"公告年度": ["2024、2025、2026、2027、2028"]}
    assert org002(org(标识日期="2024-01-10"), as_of="2030-01-01", extra=done).empty


def test_org002_single_date_checks_the_first_year_and_says_the_rest_is_unassessed():
    res = run(org(标识日期="2024-03-15", 公告日期="2024-06-18"), as_of="2026-11-29")
    assert res.findings[res.findings["rule"] == "ORG002"].empty
    s = res.rule_status().set_index("code").loc["ORG002"]
    assert s["status"] == "部分未评估" and "公告年度" in s["reason"]


def test_org003_summary_per_prefecture_and_county_never_a_row_finding():
    rows = [org(统一社会信用代码=code("430102", 1)), org(统一社会信用代码=code("430104", 2)),
            org(统一社会信用代码=code("430202", 3))]
    res = run(*rows)
    assert res.findings[res.findings["rule"] == "ORG003"].empty
    assert res.rule_status().set_index("code").loc["ORG003", "severity"] == "提示"
    d = ident.density(table(*rows).df)
    assert {"市州", "县市区", "全省"} <= set(d["层级"])
    assert {"长沙市", "芙蓉区", "岳麓区", "株洲市", "荷塘区"} <= set(d["地区"])
    assert {"名单中组织数", "已标识数", "人口来源"} <= set(d.columns)
    city = d.set_index("地区").loc["长沙市"]
    assert city["名单中组织数"] == 2 and "人口普查" in city["人口来源"]
    assert any("名单" in n and "完整" in n for n in res.notes)


def test_name_with_zhiyuan_but_no_listed_word_is_doubt():
    f = findings(org(名称="星城青年志愿协会", 是否已标识="否", 是否主动申请标识=None, 章程以志愿服务为宗旨="是"),
                 rule="ORG004")
    assert len(f) == 1 and f.iloc[0]["severity"] == "存疑" and "等字样" in f.iloc[0]["message"]


def test_identified_with_blank_application_is_not_org006():
    f = findings(org(名称="邻里互助促进会", 是否主动申请标识=None, 是否已标识="是"))
    assert f[f["rule"] == "ORG006"].empty
    f = findings(org(名称="邻里互助促进会", 是否主动申请标识=None, 是否已标识="否", 章程以志愿服务为宗旨="是"))
    assert f[f["rule"] == "ORG004"].empty  # not identified and never applied: nothing to do


@pytest.mark.parametrize(("text", "amended"), [
    ("未修改宗旨", False), ("无修改", False), ("没有修改章程", False), ("2024年5月修改宗旨", True), ("宗旨已变更", True)])
def test_unamended_wordings(text, amended):
    d = ident.decide(table(org(章程宗旨=OTHER, 章程修改情况=text)).df)
    assert bool(d["章程已修改"].iloc[0]) is amended
    assert (d["结论"].iloc[0] == ident.CANCEL) is amended


def test_org_rules_cite_the_definition_and_state_why_their_severity():
    from zyfw_checks.rules import get_rule, rules_for

    assert "条例第六条" in get_rule("ORG006").laws
    for r in rules_for("orgs"):
        assert len(r.severity_reason) > 10, r.code
    assert get_rule("ORG001").severity == "存疑"  # a mistyped code is a data problem, not a duty failed


def test_announcement_years_column_is_read_from_a_file(tmp_path):
    """公告年度 typed in a file reaches ORG002's per-year check (the loader knows the column)."""
    from zyfw_checks.load import load_table

    path = tmp_path / "名单.csv"
    path.write_text("名称,统一社会信用代码,组织类型,是否已标识,标识日期,已公告年度\n"
                    "长沙市星城志愿者协会,51430100MJJ000000X,志愿服务组织,是,2024-03-15,2024\n", encoding="utf-8")
    t = load_table(path, kind="orgs")
    assert "公告年度" in t.df.columns
    res = check_table(t, options={"as_of": "2025-12-31"})
    org002 = res.findings[res.findings["rule"] == "ORG002"]
    assert len(org002) == 1 and "2025" in org002["message"].iloc[0]


@pytest.mark.parametrize(("announced", "late"), [("2024-06-30", False), ("2024-07-05", True)])
def test_a_late_announcement_date_is_read_beside_the_years_column(announced, late):
    """公告年度 listing the year does not excuse a 公告日期 after that year's 30 June (both sides)."""
    row = org(标识日期="2024-03-01", 公告日期=announced, 公告年度="2024、2025、2026")
    res = check_table(table(row), select=["ORG002"], options={"as_of": "2026-12-31"})
    f = res.findings
    assert (len(f) == 1) == late, f["message"].tolist()
    if late:
        assert f["severity"].iloc[0] == "违规" and "2024-07-05" in f["message"].iloc[0]


@pytest.mark.parametrize(("name", "direct"), [("长沙市天心区义工联合会", True), ("岳阳市仗义工友互助服务中心", False)])
def test_a_name_word_counts_as_a_word_not_as_characters_across_two_words(name, direct):
    """“义工”字样 in 义工联合会 is the word; in 仗义工友 its characters straddle 仗义|工友: a person decides (存疑)."""
    row = org(名称=name, 是否已标识="否", 标识日期=None, 公告日期=None, 是否主动申请标识="否")
    d = ident.decide(table(row).df).iloc[0]
    assert bool(d["名称含字样"]) == direct
    assert bool(d["字样待核实"]) == (not direct)
    f = findings(row, rule="ORG004")
    assert len(f) == 1, f
    if direct:
        assert "名称含“义工”" in f["message"].iloc[0]
    else:
        assert f["severity"].iloc[0] == "存疑" and "只是跨两个词出现" in f["message"].iloc[0], f["message"].iloc[0]
