"""二（二） 年度抽查计划：可重现、必查、重点、其他类型、每级不少于10家、不足时说明、小组、日期、查验清单。"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from tests.conftest import SAMPLES
from tools.samples_staff import uscc_codes
from zyfw_checks import plan
from zyfw_checks.clauses import get_clause
from zyfw_checks.load import load_frame, load_table


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
    complained = orgs_t.df.loc[plan.complaint_flags(orgs_t.df["投诉或负面舆情"]), "名称"]
    assert len(complained) == 2
    for seed in range(5):
        sel = plan.make_plan(orgs_t, 2025, seed).selection
        assert set(complained) <= set(sel["名称"])
        assert (sel.loc[sel["名称"].isin(complained), "依据"].str.contains("投诉")).all()


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
    assert len(keys) == 5
    pool = orgs_t.df[orgs_t.df["统一社会信用代码"].str[2:8].eq("430802") & orgs_t.df["组织类型"].eq("志愿服务组织")]
    pool = pool[pool["投诉或负面舆情"].eq("否")]
    score, _, _ = plan.ranking_score(orgs_t.df[orgs_t.df["统一社会信用代码"].str[2:8].eq("430802")])
    top = score.loc[pool.index].sort_values(ascending=False).head(5).index
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
