"""通过 means checked, over the whole rule table (so future rules are covered without a test of their own).

For every rule with a fixture and every field group it looks at per row (``Rule.row_fields``), the rule's
own compliant base row is changed so that the rule cannot read that field — blank, unreadable, or the
column absent — and the rule's status must then never be 通过. The base row itself must be 通过, so the
change is what the status answers to.
"""

from __future__ import annotations

import pandas as pd
import pytest

from zyfw_checks.engine import check_table
from zyfw_checks.load import load_frame
from zyfw_checks.rules import all_rules
from zyfw_checks.rules.examples import fixture_codes, load_fixture

CODES = [c for c in fixture_codes()]
UNREADABLE = {"datetime": "某天上午", "date": "某天", "hours": "若干", "money": "若干", "id": 4.30104e17}


def _run(code: str, row: dict, drop: tuple[str, ...] = ()):
    fx = load_fixture(code)
    rule = {r.code: r for r in all_rules()}[code]
    frame = pd.DataFrame([{k: v for k, v in row.items() if k not in drop}], dtype=object)
    table = load_frame(frame, kind=rule.table, name=f"{code} 可评估性")
    related = {k: load_frame(pd.DataFrame(v, dtype=object), kind=k, name=k) for k, v in fx["related"].items()}
    result = check_table(table, select=[code], related=related, options=fx["options"])
    return result.rule_status().set_index("code").loc[code]


def _cases():
    out = []
    for code in CODES:
        rule = {r.code: r for r in all_rules()}[code]
        for group in rule.row_fields:
            out.append(pytest.param(code, group, id=f"{code}-{group}"))
    return out


@pytest.mark.parametrize("code", CODES)
def test_the_base_row_of_every_fixture_passes(code):
    st = _run(code, load_fixture(code)["base"])
    assert st["status"] in ("通过", "部分未评估"), (code, st["status"], st["reason"])


@pytest.mark.parametrize(("code", "group"), _cases())
def test_a_field_the_rule_cannot_read_is_never_passed(code, group):
    from zyfw_checks.load import all_fields

    base = load_fixture(code)["base"]
    before = _run(code, base)

    def never_passed(st, how):
        assert st["status"] != "通过", (code, group, how, st["reason"])
        if before["status"] != "通过":  # a base the rule itself calls partial: the reason must change
            assert (st["status"], st["reason"]) != (before["status"], before["reason"]), (code, group, how)

    alts = [a for a in group.split("|") if a in base]
    assert alts, f"{code} 的示例基准行没有 {group}：请在 base 中写上这个字段"
    specs = all_fields({r.code: r for r in all_rules()}[code].table)
    blank = dict(base, **dict.fromkeys(alts))
    never_passed(_run(code, blank), "blank")
    kinds = {specs[a]["type"] for a in alts if a in specs}
    if kinds & set(UNREADABLE):
        bad = dict(base, **{a: UNREADABLE.get(specs[a]["type"], None) for a in alts})
        never_passed(_run(code, bad), "unreadable")
    never_passed(_run(code, base, drop=tuple(alts)), "absent")


def test_rows_before_the_text_took_effect_are_not_assessed_and_never_a_violation():
    from zyfw_checks.params import in_force_since

    base = load_fixture("REC002")["base"]
    rule = {r.code: r for r in all_rules()}["REC002"]
    since = in_force_since(rule.in_force)
    late = dict(base, 开始时间="2020-06-01 09:00", 结束时间="2020-06-01 11:00", 记录时间="2020-09-01 10:00",
                录入系统时间="2020-09-01 10:00")
    st = _run("REC002", late)
    assert st["status"] == "未评估" and st["reason_code"] == "BEFORE_IN_FORCE", st.to_dict()
    assert str(since.year) in st["reason"]
    after = dict(late, 开始时间="2021-06-01 09:00", 结束时间="2021-06-01 11:00", 记录时间="2021-09-01 10:00",
                 录入系统时间="2021-09-01 10:00")
    assert _run("REC002", after)["status"] == "有问题"


def test_an_unrecognised_header_makes_the_rule_unassessed_with_the_header_named():
    base = load_fixture("REC004")["base"]
    frame = pd.DataFrame([{k: v for k, v in base.items() if k != "服务时长(小时)"}], dtype=object)
    table = load_frame(frame, kind="records", name="t")
    table.unrecognised = {"服务时长(小时)": "服务总时数合计"}
    st = check_table(table, select=["REC004"]).rule_status().set_index("code").loc["REC004"]
    assert st["status"] == "部分未评估" and "服务总时数合计" in st["reason"], st.to_dict()


def test_no_view_calls_a_partly_assessed_rule_passed():
    """The words every view uses for a rule's outcome (report.facts.status_text) never say 通过 for 部分未评估."""
    from zyfw_checks.report.facts import status_text

    base = load_fixture("REC001")["base"]
    frame = pd.DataFrame([{k: v for k, v in base.items() if k != "服务地点"}], dtype=object)
    st = check_table(load_frame(frame, kind="records", name="t"), select=["REC001"]).rule_status()
    row = next(st.itertuples())
    assert row.status == "部分未评估", row
    assert not status_text(row).startswith("通过") and "部分未评估" in status_text(row)
