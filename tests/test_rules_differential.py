"""Fast paths of the word rules never change results: the rules answer each distinct text once and spread
the answer back (activities.Distinct, wordsplit.Words caches, identification.whole_and_straddled). Here the
whole table is compared with the plain path — every row checked on its own — on generated tables with
repeated, blank and mixed cells (hypothesis)."""

from __future__ import annotations

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zyfw_checks.engine import check_table
from zyfw_checks.load import load_frame
from zyfw_checks.rules.examples import load_fixture

ROW_RULES = ["ACT002", "ACT003", "ACT004", "ACT005", "REC005", "SYS001"]  # no rule here compares rows
TEXTS = ["社区敬老院陪伴老人", "捐款50元记1小时", "转发公益海报到朋友圈", "班级卫生清扫", "收费研学夏令营，每人300元",
         "在一日捐现场引导市民", "中转发放物资", "按每小时15元发放补贴", "", None, 12, "内部团建"]
PLATFORMS = ["湖南志愿服务网", "志愿汇", "某区志愿者管理系统", None, "", 3]
BASE = load_fixture("ACT003")["base"]


def _findings(rows: list[dict]) -> pd.DataFrame:
    t = load_frame(pd.DataFrame(rows, dtype=object), kind="records", name="t")
    f = check_table(t, select=ROW_RULES).findings
    return f[["row", "rule", "severity", "message", "evidence"]]


rows = st.lists(st.fixed_dictionaries({"活动名称": st.sampled_from(TEXTS), "服务内容": st.sampled_from(TEXTS),
                                       "记录平台": st.sampled_from(PLATFORMS)}), min_size=1, max_size=12)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows)
def test_the_whole_table_equals_each_row_checked_alone(edits):
    table = [dict(BASE, 记录编号=f"JL{i}", **e) for i, e in enumerate(edits)]
    whole = _findings(table).sort_values(["row", "rule"]).reset_index(drop=True)
    alone = []
    for i, r in enumerate(table):
        f = _findings([r])
        f = f.assign(row=f["row"] + i)  # the row is the i-th data row of the whole table
        alone.append(f)
    plain = pd.concat(alone).sort_values(["row", "rule"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(whole.astype(str), plain.astype(str))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(["长沙市义工联合会", "岳阳市仗义工友互助服务中心", "湘潭市志愿者协会", "", None,
                                 "株洲市青年志愿服务促进会", "仗义工友志愿者之家"]), min_size=1, max_size=15))
def test_name_words_once_per_distinct_name_equal_the_per_row_answer(names):
    from zyfw_checks.staff.identification import whole_and_straddled

    words = ["志愿服务", "志愿者", "义工"]
    s = pd.Series(names, dtype=object)
    whole, cross = whole_and_straddled(s, words)
    for i, n in enumerate(names):
        w1, c1 = whole_and_straddled(pd.Series([n], dtype=object), words)
        assert (whole.iloc[i], cross.iloc[i]) == (w1.iloc[0], c1.iloc[0]), n


def test_the_generated_cells_do_give_findings_of_every_rule_family():
    """So the comparison above compares findings, not two empty tables."""
    f = _findings([dict(BASE, 记录编号=f"JL{i}", 活动名称=t, 服务内容=t, 记录平台="某区志愿者管理系统")
                   for i, t in enumerate(TEXTS)])
    assert {"ACT002", "ACT003", "ACT004", "REC005", "SYS001"} <= set(f["rule"])
