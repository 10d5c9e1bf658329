"""The registry refuses rules without metadata; clause quotes are verbatim from the notice."""

import re
from pathlib import Path

import pytest

from zyfw_checks.clauses import all_clauses
from zyfw_checks.params import notice_text
from zyfw_checks.registry import RegistryError, rule
from zyfw_checks.rules import all_rules

META = dict(title="t", clause="二（二）①-完整准确", severity="违规", needs=(), explanation="e", compliant="c",
            noncompliant="n")


@pytest.mark.parametrize("missing", ["title", "explanation", "compliant", "noncompliant"])
def test_rule_without_metadata_is_refused(missing):
    with pytest.raises(RegistryError, match=missing):
        rule(code="DAT901", **dict(META, **{missing: ""}))(lambda df, ctx: None)


@pytest.mark.parametrize(
    ("key", "value", "expect"),
    [("clause", "二（九）-不存在", "未知条款"), ("severity", "严重", "严重程度"), ("code", "XYZ1", "代码")],
)
def test_rule_with_bad_metadata_is_refused(key, value, expect):
    kw = dict(META, code="DAT902")
    kw[key] = value
    with pytest.raises(RegistryError, match=expect):
        rule(**kw)(lambda df, ctx: None)


def test_every_registered_rule_is_complete_and_cites_a_verbatim_clause():
    text = notice_text()
    for r in all_rules():
        assert r.title and r.explanation and r.compliant and r.noncompliant
        assert r.clause.text in text, r.code


def test_clause_quotes_are_verbatim():
    text = notice_text()
    for cid, c in all_clauses().items():
        assert c.text in text, cid


def test_packaged_notice_is_the_shared_one():
    shared = Path(__file__).resolve().parents[2] / "shared" / "notice-xiangminfa-2023-29.txt"
    if not shared.exists():
        pytest.skip("shared/ notice not beside this checkout")
    assert shared.read_text(encoding="utf-8") == notice_text()


def test_rule_codes_follow_the_prefixes():
    assert all(re.fullmatch(r"(ORG|REC|ACT|CRT|SYS|STN|DAT)\d{3}", r.code) for r in all_rules())


def test_rule_needing_a_related_table_is_not_assessed_without_it():
    from zyfw_checks.engine import check_table
    from zyfw_checks.load import load_table
    from zyfw_checks.registry import REGISTRY

    needs_records = [r.code for r in all_rules() if "records" in r.related]
    if not needs_records:
        pytest.skip("no rule compares against the records table")
    samples = Path(__file__).resolve().parents[1] / "data" / "samples"
    res = check_table(load_table(samples / "certificates.xlsx", kind=REGISTRY[needs_records[0]].table))
    na = {n["rule"]: n["reason"] for n in res.not_assessed}
    for code in needs_records:
        assert "服务记录表" in na[code]
        assert code not in set(res.findings["rule"])
