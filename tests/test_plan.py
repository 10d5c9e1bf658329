"""二（二） 年度抽查计划：可重现、必查、重点、其他类型、每级不少于10家、不足时说明、小组、日期、查验清单。"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from tests.conftest import SAMPLES
from tools.samples_staff import uscc_codes
from zyfw_checks.clauses import get_clause
from zyfw_checks.load import load_frame, load_table
from zyfw_checks.staff import plan


@pytest.fixture(scope="module")
def orgs_t():
    return load_table(SAMPLES / "orgs.xlsx", kind="orgs")


@pytest.fixture(scope="module")
def staff_t():
    return load_table(SAMPLES / "staff.xlsx", kind="staff")


def test_same_seed_same_plan_other_seed_differs(orgs_t, staff_t):
    a = plan.make_plan(orgs_t, 2025, 7, staff_t)
    b = plan.make_plan(orgs_t, 2025, 7, staff_t)
    c = plan.make_plan(orgs_t, 2025, 8, staff_t)
    pd.testing.assert_frame_equal(a.selection, b.selection)
    pd.testing.assert_frame_equal(a.teams, b.teams)
    assert a.selection["名称"].tolist() != c.selection["名称"].tolist()


def test_row_order_does_not_change_the_draw(orgs_t):
    shuffled = orgs_t.df.sample(frac=1, random_state=3).reset_index(drop=True)
    t2 = type(orgs_t)(df=shuffled, kind="orgs", source=orgs_t.source)
    a = plan.make_plan(orgs_t, 2025, 11).selection["名称"].tolist()
    assert plan.make_plan(t2, 2025, 11).selection["名称"].tolist() == a


def test_complaints_always_included_whatever_the_seed(orgs_t):
    c = plan.complaints(orgs_t.df["投诉或负面舆情"])
    must = orgs_t.df.loc[c["must"], "名称"]
    bare = orgs_t.df.loc[c["unclear"], "名称"]
    # "投诉证明时长与记录不符" and a bare "是" (the template's column asks about 记录与证明: 是 means it)
    assert len(must) == 2 and len(bare) == 1 and bare.iloc[0] in must.tolist()
    for seed in range(5):
        p = plan.make_plan(orgs_t, 2025, seed)
        sel = p.selection.set_index("名称")
        for name in must:
            assert "投诉" in sel.loc[name, "依据"] and "必查" in sel.loc[name, "入选理由"]
        assert any(bare.iloc[0] in n and "只写了“是”" in n for n in p.notes)


def test_a_bare_yes_in_the_template_column_goes_into_the_plan_beyond_ten():
    """12 organisations of one county answer the template's column with 是: all 12 are drawn (应当列入)."""
    t = _orgs(["430121"] * 15, 投诉或负面舆情=["是"] * 12 + ["否"] * 3)
    p = plan.make_plan(t, 2025, 1)
    county = p.selection[p.selection["层级"] == "县级"]
    assert len(county) == 12 and county["入选理由"].str.contains("必查").all()
    assert p.units.iloc[0]["其中必查"] == 12
    other = plan.make_plan(_orgs(["430121"] * 15, 投诉或负面舆情=["媒体报道活动现场秩序混乱"] * 12 + ["否"] * 3), 2025, 1)
    assert other.units.iloc[0]["其中必查"] == 0  # a complaint about something else raises priority only


def test_at_least_ten_per_unit_or_all_with_a_reason(orgs_t):
    p = plan.make_plan(orgs_t, 2025, 1)
    for u in p.units.itertuples():
        assert u.抽取数 == min(10, u.可抽组织数) or u.其中必查 > 10
    short = p.units[p.units["抽取数"] < 10]
    assert short["抽查单位"].tolist() == ["张家界市慈利县"]
    assert "不足" in short.iloc[0]["不足说明"] and any("慈利县" in n for n in p.notes)


def test_key_objects_are_the_top_ranked(orgs_t):
    p = plan.make_plan(orgs_t, 2025, 1)
    unit = p.selection[p.selection["抽查单位"] == "张家界市永定区"]
    keys = unit[unit["入选理由"].str.startswith("重点")]
    prio = unit[unit["入选理由"].str.startswith("有投诉")]  # a complaint not about records comes first among key objects
    assert len(keys) + len(prio) == 5
    pool = orgs_t.df[orgs_t.df["统一社会信用代码"].str[2:8].eq("430802") & orgs_t.df["组织类型"].eq("志愿服务组织")]
    pool = pool[pool["投诉或负面舆情"].eq("否")]
    score, _, _ = plan.ranking_score(orgs_t.df[orgs_t.df["统一社会信用代码"].str[2:8].eq("430802")])
    top = score.loc[pool.index].sort_values(ascending=False).head(len(keys)).index
    assert set(keys["名称"]) == set(orgs_t.df.loc[top, "名称"])


def test_other_types_represented(orgs_t):
    sel = plan.make_plan(orgs_t, 2025, 2).selection
    city = sel[sel["抽查单位"] == "张家界市本级"]
    assert {"慈善组织", "公益活动举办单位", "公共服务机构", "城乡社区、单位内部志愿服务团体"} <= set(city["类型"])
    assert city["依据"].str.contains(get_clause("二（二）-其他类型").text[:10]).any()


def test_small_county_pool_tops_up_city_level():
    rng = np.random.default_rng(0)
    divs = ["430100"] * 3 + ["430121"] * 15
    df = pd.DataFrame({"名称": [f"组织{i}" for i in range(len(divs))], "统一社会信用代码": uscc_codes(rng, divs),
                       "组织类型": "志愿服务组织", "注册志愿者数": range(len(divs)), "投诉或负面舆情": "否"})
    p = plan.make_plan(load_frame(df, kind="orgs"), 2025, 3)
    city = p.units[p.units["层级"] == "市级"].iloc[0]
    assert city["抽取数"] == 8 and "补足" in city["说明"]  # 3 own + 5 county organisations left over
    assert not p.selection.duplicated("名称").any()


def test_team_only_eligible_staff(orgs_t, staff_t):
    teams = plan.make_plan(orgs_t, 2025, 4, staff_t).teams
    members = teams[teams["角色"].str.startswith("组员")]
    assert (members["人员类别"] == "正式人员").all()
    assert members["工作职责"].isin(["志愿服务", "社会组织管理", "行政执法"]).all()
    assert members.groupby("抽查单位").size().min() >= 2
    assert teams["联系电话"].str.contains(r"\*\*\*\*").all()


def test_dates_and_checklist():
    s = plan.schedule(2025)
    assert "2025-08-31" in s.iloc[1]["时间"] and "2025-10-31" in s.iloc[2]["时间"]
    assert "2025-08-29" in s.iloc[-1]["提醒"]  # 2025-08-31 is a Sunday
    c = plan.checklist()
    notice = get_clause("二（二）②-收费").text
    assert notice in c["查验内容（通知原文）"].tolist()
    assert c[c["查验内容（通知原文）"] == notice]["本工具可预查的规则"].iloc[0] == "CRT003"
    assert len(c[c["部分"].str.startswith("①")]) == 7 and len(c[c["部分"].str.startswith("②")]) == 4


def test_outputs_escape_user_values(orgs_t):
    df = orgs_t.df.copy()
    df.loc[0, "名称"] = '=HYPERLINK("x")<script>'
    df.loc[0, "投诉或负面舆情"] = "是"  # always drawn
    t = type(orgs_t)(df=df, kind="orgs", source="<b>名单</b>")
    p = plan.make_plan(t, 2025, 5)
    page = plan.to_html(p)
    assert "<script>" not in page and "&lt;script&gt;" in page and "&lt;b&gt;" in page
    book = pd.read_excel(io.BytesIO(plan.to_xlsx(p)), sheet_name="抽查名单", engine="calamine")
    assert df.loc[0, "名称"] in book["名称"].tolist()
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(plan.to_xlsx(p)))
    cells = [c for row in wb["抽查名单"].iter_rows() for c in row if c.value == df.loc[0, "名称"]]
    assert cells and all(c.data_type == "s" for c in cells)


# ---------------------------------------------------------------- issue 9: read the staff inputs and the notice right


def _orgs(divs, **cols):
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"名称": [f"组织{i}" for i in range(len(divs))], "统一社会信用代码": uscc_codes(rng, divs),
                       "组织类型": "志愿服务组织", "注册志愿者数": range(len(divs)), "投诉或负面舆情": "否"})
    for k, v in cols.items():
        df[k] = v
    return load_frame(df, kind="orgs")


def _staff(rows):
    return load_frame(pd.DataFrame(rows, columns=["姓名", "单位", "人员类别", "工作职责", "行政区划代码"]), kind="staff")


def test_staff_categories_matched_exactly():
    rows = [["甲", "某县民政局", "正式人员", "志愿服务", "430121"], ["乙", "某县民政局", "非正式人员", "志愿服务", "430121"],
            ["丙", "某县民政局", "非在编人员（劳务派遣）", "行政执法", "430121"], ["丁", "某县文明办", "在编人员", "志愿服务", "430121"],
            ["戊", "某县民政局", "正式人员（在编）", "社会组织管理", "430121"], ["己", "某县民政局", "正式人员", "财务", "430121"]]
    official, _ = plan.eligible_staff(_staff(rows))
    assert official["姓名"].tolist() == ["甲", "丁", "戊"]


@pytest.mark.parametrize(("text", "complaint", "must"), [
    ("否", False, False), ("暂无", False, False), ("没有投诉", False, False), ("未发现", False, False), ("无投诉", False, False),
    ("是", True, True), ("2024年5月志愿者投诉证明时长与记录不符", True, True), ("媒体报道活动现场秩序混乱", True, False),
    ("有负面舆情：记录造假", True, True), ("否（无投诉）", False, False), ("是（证明时长不符）", True, True),
    ("未如实记录时长，被志愿者投诉", True, True),
])
def test_complaints_parsed_and_only_records_complaints_are_must(text, complaint, must):
    c = plan.complaints(pd.Series([text]))
    assert bool(c["complaint"].iloc[0]) is complaint and bool(c["must"].iloc[0]) is must


def test_non_record_complaint_raises_priority_not_must():
    divs = ["430121"] * 15
    t = _orgs(divs, 投诉或负面舆情=["否"] * 14 + ["媒体报道活动现场秩序混乱"])
    p = plan.make_plan(t, 2025, 1)
    row = p.selection[p.selection["名称"] == "组织14"].iloc[0]  # lowest-ranked otherwise
    assert "必查" not in row["入选理由"] and "投诉" in row["入选理由"]
    assert p.units.iloc[0]["其中必查"] == 0


def test_must_with_invalid_code_is_never_dropped():
    t = _orgs(["430121"] * 12, 投诉或负面舆情=["否"] * 11 + ["志愿者投诉证明时长不符"])
    t.df.loc[11, "统一社会信用代码"] = "12345"
    p = plan.make_plan(t, 2025, 1)
    got = p.selection[p.selection["名称"] == "组织11"]
    assert len(got) == 1 and "代码" in got.iloc[0]["抽查单位"] and "必查" in got.iloc[0]["入选理由"]


def test_teams_same_level_unless_allowed_and_departments_said():
    t = _orgs(["430121"] * 10 + ["430100"] * 10)
    rows = [["甲", "长沙县民政局", "正式人员", "志愿服务", "430121"],
            ["乙", "长沙市民政局", "正式人员", "行政执法", "430100"], ["丙", "长沙市文明办", "正式人员", "志愿服务", "430100"]]
    p = plan.make_plan(t, 2025, 1, _staff(rows))
    county = p.teams[p.teams["抽查单位"].str.contains("长沙县") & p.teams["角色"].str.startswith("组员")]
    assert county["姓名"].tolist() == ["甲"]  # no city staff on the county team
    assert any("长沙县" in n and "不足" in n for n in p.notes)
    allowed = plan.make_plan(t, 2025, 1, _staff(rows), allow_upper_staff=True)
    county = allowed.teams[allowed.teams["抽查单位"].str.contains("长沙县") & allowed.teams["角色"].str.startswith("组员")]
    assert len(county) == 2 and "上级" in county["说明"].iloc[-1]
    city = p.units.set_index("层级").loc["市级"]
    assert "民政" in city["小组涵盖部门"] and "文明办" in city["小组涵盖部门"]
    assert "妇联" in city["小组未涵盖部门"] and "残联" in city["小组未涵盖部门"]


def test_tool_defaults_and_deadline_reading_are_said(orgs_t):
    p = plan.make_plan(orgs_t, 2025, 1)
    text = "\n".join(p.notes + plan.header_lines(p))
    for param in ("spot_check.key_share", "spot_check.team_size", "spot_check.suggested_start", "spot_check.random_draw"):
        assert "工具默认（可改）" in text and param in text, param
    s = plan.schedule(2025)
    assert "9月前" in s.iloc[1]["依据"] and "8月31日" in s.iloc[1]["依据"] and "spot_check.onsite_deadline" in s.iloc[1]["依据"]
    assert not p.selection["入选理由"].str.contains("双随机").any()


def test_tool_defaults_can_be_changed(monkeypatch, tmp_path):
    import yaml

    from zyfw_checks.params import PARAMS_DIR

    spec = yaml.safe_load((PARAMS_DIR / "spot_check.yaml").read_text(encoding="utf-8"))
    spec["values"]["random_draw"]["series"][0]["value"] = False
    spec["values"]["key_share"]["series"][0]["value"] = 0.3
    (tmp_path / "spot_check.yaml").write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("ZYFW_PARAMS_DIR", str(tmp_path))
    p = plan.make_plan(_orgs(["430121"] * 15), 2025, 1)
    unit = p.units.iloc[0]
    assert unit["其中随机"] == 0 and unit["其中重点"] == 3 and unit["抽取数"] == 3
    assert "人工指定" in unit["不足说明"]
    assert any("30%" in n and "spot_check.key_share" in n for n in p.notes)


def test_plan_xlsx_keeps_formula_like_names_as_quoted_text():
    import openpyxl

    rng = np.random.default_rng(1)
    divs = ["430100"] * 10
    names = ["=HYPERLINK(\"http://x\",\"点我\")", "+86 志愿协会", "@SUM(A1)"] + [f"组织{i}" for i in range(7)]
    df = pd.DataFrame({"名称": names, "统一社会信用代码": uscc_codes(rng, divs), "组织类型": "志愿服务组织",
                       "注册志愿者数": range(10), "投诉或负面舆情": "否"})
    p = plan.make_plan(load_frame(df, kind="orgs"), 2025, 3)
    book = openpyxl.load_workbook(io.BytesIO(plan.to_xlsx(p)))
    risky = [c for c in book["抽查名单"].iter_rows() for c in c if isinstance(c.value, str) and c.value[:1] in "=+@"]
    assert risky and all(c.quotePrefix for c in risky)


def test_staff_of_a_listed_organisation_are_invitees_not_team_members():
    """A 正式人员 with a listed duty whose 单位 is an organisation on the plan's list works for an NGO, not a
    department: never 组员（正式人员）, at most 特邀, and never invited to the team checking that organisation."""
    t = _orgs(["430121"] * 10, 名称=[f"长沙县第{i}志愿服务队" for i in range(10)])
    listed = t.df["名称"].iloc[0]
    rows = [["甲", "长沙县民政局", "正式人员", "志愿服务", "430121"],
            ["乙", f"{listed}", "正式人员", "志愿服务", "430121"],
            ["丙", "长沙县文明办", "正式人员", "志愿服务", "430121"]]
    official, invitees = plan.eligible_staff(_staff(rows), t.df["名称"])
    assert official["姓名"].tolist() == ["甲", "丙"] and invitees["姓名"].tolist() == ["乙"]
    assert invitees["_org"].iloc[0] == listed
    p = plan.make_plan(t, 2025, 1, _staff(rows))
    members = p.teams[p.teams["角色"].str.startswith("组员")]
    assert "乙" not in members["姓名"].tolist() and {"甲", "丙"} <= set(members["姓名"])
    # 乙's organisation is drawn in 长沙县 (all 10 are): 乙 is not invited to check it
    county = p.teams[p.teams["抽查单位"].str.contains("长沙县")]
    assert "乙" not in county["姓名"].tolist()
    assert any("不是部门的正式人员" in n for n in p.notes)
    # without the organisation on the list, the same person counts as 正式人员
    official, invitees = plan.eligible_staff(_staff(rows), pd.Series([f"长沙县第{i}义工队" for i in range(10)]))
    assert official["姓名"].tolist() == ["甲", "乙", "丙"] and not len(invitees)
