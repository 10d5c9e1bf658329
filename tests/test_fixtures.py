"""Per-rule fixtures (zyfw_checks/rules/fixtures/<CODE>.yaml): every example does what it says.

Each fixture's non-compliant examples must produce the rule's finding and its compliant examples
(and the base row) must not; the book's rule reference renders the same run. Every registered rule
either has a fixture or is listed in MISSING, so the gap is visible and can only shrink.
"""

from __future__ import annotations

import pytest
import yaml

from zyfw_checks.engine import check_table
from zyfw_checks.load import all_fields
from zyfw_checks.rules import all_rules, get_rule
from zyfw_checks.rules.examples import (
    FIXTURES,
    FixtureError,
    example_frame,
    fixture_codes,
    load_fixture,
)
from zyfw_checks.rules.examples import run_examples as _run_examples

# Registered rules without a fixture yet. Remove a code when its fixture lands (the test below fails
# if a listed code has a fixture, or if a registered rule has neither).
MISSING = {
    # ORG003 (每百万人口标识数) reports no row: its outcome is the density summary table and a note, so it
    # has no per-row compliant/non-compliant example; a fixture would need a whole region's list and population.
    "ORG003",
}

CODES = fixture_codes()


def run_examples(code: str):
    return _run_examples(code, check_table)


def test_every_rule_has_a_fixture_or_is_listed_missing():
    registered = {r.code for r in all_rules()}
    have = set(CODES)
    assert not have - registered, f"fixtures for unknown rules: {sorted(have - registered)}"
    assert not have & MISSING, f"remove from MISSING, the fixture exists: {sorted(have & MISSING)}"
    assert registered - have == MISSING, f"rules with neither a fixture nor a MISSING entry: {sorted(registered - have - MISSING)}"


@pytest.fixture(scope="module", params=CODES)
def run(request):
    return run_examples(request.param)


def test_fixture_fields_are_fields_of_the_rules_table(run):
    """A misspelt column would be ignored by the loader and make an example pass for the wrong reason."""
    assert run.table.ignored_columns == []
    known = set(all_fields(run.rule.table))
    for ex in run.examples:
        for e in ex.edits:
            assert set(e) <= known, (run.rule.code, ex.note, set(e) - known)


def test_base_row_is_compliant(run):
    [base] = run.of("base")
    assert not base.flagged, (run.rule.code, base.findings["message"].tolist())


def test_compliant_examples_produce_no_finding(run):
    for ex in run.compliant:
        assert not ex.flagged, (run.rule.code, ex.note, ex.findings["message"].tolist())


def test_noncompliant_examples_produce_the_rules_finding(run):
    allowed = {run.rule.severity, "存疑", "提示"}
    for ex in run.noncompliant:
        assert ex.flagged, (run.rule.code, ex.note)
        assert set(ex.findings["rule"]) == {run.rule.code}
        assert set(ex.findings["severity"]) <= allowed, (run.rule.code, ex.note, set(ex.findings["severity"]))


def test_every_example_has_a_note_and_both_kinds_exist(run):
    assert run.compliant and run.noncompliant
    assert all(ex.note.strip() for ex in run.examples)


def test_display_tables_show_the_tools_result_per_row(run):
    for kind in ("compliant", "noncompliant"):
        df = example_frame(run, kind)
        examples = run.of(kind) + (run.of("base") if kind == "compliant" else [])
        assert len(df) == sum(len(ex.rows) for ex in examples)
        assert list(df.columns[:2]) == ["说明", "行号"] and df.columns[-1] == "检查结果"
        passed = df["检查结果"].str.startswith("通过")
        assert passed.all() if kind == "compliant" else (~passed).any()
        assert not df.astype(str).apply(lambda c: c.str.fullmatch(r"\d{17}[\dXx]")).any().any()  # masked


def test_examples_are_kept_apart():
    """Two examples that would be duplicates of each other if stacked plainly are not reported."""
    rx = run_examples("DAT002")
    # every compliant example and the base row are the base record itself at 09:00–11:00
    assert not any(ex.flagged for ex in rx.of("base") + rx.compliant)
    for dup in rx.noncompliant:
        assert len(dup.findings) == 1  # the second row of the pair, not the base row


def test_a_broken_example_fails_the_check(tmp_path, monkeypatch):
    """The test above is not vacuous: a non-compliant example edited to be compliant is caught."""
    from zyfw_checks.rules import examples

    data = yaml.safe_load((FIXTURES / "REC004.yaml").read_text(encoding="utf-8"))
    data["noncompliant"][0]["服务时长(小时)"] = 2  # now equal to the span
    (tmp_path / "REC004.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    monkeypatch.setattr(examples, "FIXTURES", tmp_path)
    rx = examples.run_examples("REC004", check_table)
    assert not rx.noncompliant[0].flagged
    assert all(ex.flagged for ex in rx.noncompliant[1:])


def test_malformed_fixture_is_one_chinese_message(tmp_path, monkeypatch):
    from zyfw_checks.rules import examples

    (tmp_path / "REC001.yaml").write_text("base: {姓名: 张三}\ncompliant:\n  - {姓名: 李四}\nnoncompliant: []\n",
                                          encoding="utf-8")
    monkeypatch.setattr(examples, "FIXTURES", tmp_path)
    with pytest.raises(FixtureError, match="说明"):
        load_fixture("REC001")
    assert get_rule("REC001").table == "records"
    # an example may only change fields the base row has (else the column would be blank in every other row)
    (tmp_path / "REC001.yaml").write_text(
        "base: {姓名: 张三}\ncompliant:\n  - {说明: 甲, 姓名: 李四}\nnoncompliant:\n  - {说明: 乙, 服务日期: '2024-03-09'}\n",
        encoding="utf-8")
    with pytest.raises(FixtureError, match="服务日期"):
        load_fixture("REC001")


def test_fixture_options_pin_the_run():
    """ORG002 depends on which 30 June deadlines have passed: its fixture pins the check date."""
    rx = run_examples("ORG002")
    assert rx.options == {"as_of": "2025-12-31"} and "2025-12-31" in rx.options_text()


def test_book_rule_reference_shows_each_fixture_run(run):
    """The rule reference renders the fixture run itself: its tables, with the tool's results."""
    import sys
    from pathlib import Path

    ext = Path(__file__).resolve().parents[1] / "book" / "_ext"
    if str(ext) not in sys.path:
        sys.path.insert(0, str(ext))
    import zyfw_guide as guide

    entry = guide.rule_entry_markdown(run.rule)
    for kind in ("compliant", "noncompliant"):
        assert guide.table_markdown(example_frame(run, kind)) in entry, (run.rule.code, kind)
    for ex in run.noncompliant:
        for sev, msg in zip(ex.findings["severity"], ex.findings["message"], strict=True):
            assert guide.md_escape(f"{sev}：{msg}") in entry, (run.rule.code, ex.note)
