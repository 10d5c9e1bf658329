"""Keep wrong-verdict classes from coming back (issue 19 §6): the hazard table and each rule's cases.

Every rule declares the generic hazards that can break its verdict (``Rule.hazards``, from
``params/hazards.yaml``). What a rule reads decides the minimum: a rule that reads 证件号码 must
declare masked IDs, one that reads clock times date-only / overnight / several-day rows, one with
an in-force date rows before it, a rule matching word lists a listed word inside another word.
Each declared hazard that the engine does not handle by itself has a fixture example tagged
``风险: [code]`` — the test fails when the case is missing.
"""

from __future__ import annotations

import pytest

from zyfw_checks.params import load_params
from zyfw_checks.rules import all_rules
from zyfw_checks.rules.examples import has_fixture, load_fixture

HAZARDS = load_params("hazards")["hazards"]
TIMES = {"开始时间", "结束时间"}
WORD_RULES = {"ACT001", "ACT002", "ACT003", "ACT004", "ACT005", "REC005"}  # rules that match word lists
VOLUNTEER_ACROSS_ROWS = {"REC004", "DAT002", "CRT001", "CRT002"}  # compare one person's rows with each other


def _fields(rule) -> set[str]:
    return {a for g in (*rule.needs, *rule.optional, *rule.partial_needs) for a in g.split("|")}


def required_hazards(rule) -> set[str]:
    need = set()
    fields = _fields(rule)
    if "证件号码" in fields:
        need.add("masked_id")
    if fields & TIMES and rule.table == "records":
        need |= {"date_only", "overnight", "multi_day"}
    if rule.in_force:
        need.add("before_in_force")
    if rule.code in WORD_RULES:
        need.add("word_inside_word")
    if rule.code in VOLUNTEER_ACROSS_ROWS and rule.table == "records":
        need.add("other_org")
    if rule.related:
        need.add("incomplete_export")
    return need


RULES = [r for r in all_rules()]


def test_every_hazard_is_described():
    for code, h in HAZARDS.items():
        assert h.get("name") and h.get("note"), code


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_each_rule_declares_the_hazards_of_what_it_reads(rule):
    missing = required_hazards(rule) - set(rule.hazards)
    assert not missing, f"{rule.code} 读取的字段会遇到这些情形，请在 hazards= 中写明并补示例：{sorted(missing)}"


@pytest.mark.parametrize("rule", [r for r in RULES if has_fixture(r.code)], ids=lambda r: r.code)
def test_each_declared_hazard_has_a_fixture_case(rule):
    fx = load_fixture(rule.code)
    tagged = {h for kind in ("compliant", "noncompliant") for ex in fx[kind] for h in ex["hazards"]}
    unknown = tagged - set(HAZARDS)
    assert not unknown, f"{rule.code} 的示例标了未知的风险：{sorted(unknown)}"
    wanted = {h for h in rule.hazards if not HAZARDS[h].get("engine")}
    assert wanted <= tagged, f"{rule.code} 的示例文件缺少这些风险情形的例子：{sorted(wanted - tagged)}"
