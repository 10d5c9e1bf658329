"""Rules run side by side on threads (engine._run_rules) say exactly what they say one after another: the same
findings in the same order, the same rule status, the same notes and skips — on every sample file and on
generated tables with repeats, blanks, mixed types, overnight and date-only times (hypothesis)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zyfw_checks.engine import check_table
from zyfw_checks.load import load_frame, load_table
from zyfw_checks.registry import Context
from zyfw_checks.rules.examples import load_fixture

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
BASE = load_fixture("ACT003")["base"]


def _run(table, monkeypatch, threads: int, **kw):
    monkeypatch.setenv("ZYFW_THREADS", str(threads))
    return check_table(table, **kw)


def _same(a, b) -> None:
    pd.testing.assert_frame_equal(a.findings.astype(str), b.findings.astype(str))
    pd.testing.assert_frame_equal(a.rule_status(), b.rule_status())
    assert a.notes == b.notes
    assert [(p.rule, p.reason, p.text, p.rows, p.full) for p in a.partial] == \
        [(p.rule, p.reason, p.text, p.rows, p.full) for p in b.partial]
    assert a.skipped == b.skipped


@pytest.mark.parametrize("name", ["problems.xlsx", "problems_gbk.csv", "exports/community_ledger.xlsx",
                                  "exports/zhiyuanhui_minutes.csv", "exports/school_ledger.xlsx",
                                  "exports/national_v2.xlsx", "certificates.xlsx", "orgs_problems.xlsx"])
def test_threads_equal_one_thread_on_the_samples(name, monkeypatch):
    kind = next((k for k in ("certificates", "orgs") if name.startswith(k)), "records")
    table = load_table(SAMPLES / name, kind=kind)
    related = {"records": load_table(SAMPLES / "problems.xlsx")} if kind == "certificates" else None
    one = _run(table, monkeypatch, 1, related=related)
    two = _run(table, monkeypatch, 2, related=related)
    assert len(one.findings)  # the samples have problems: a comparison of two empty results would prove nothing
    _same(one, two)


TIMES = ["2024-03-09 09:00", "2024-03-09 21:00", "2024-03-10 08:00", "2024-03-09", "09:00", "下午2:30", "",
         None, 45000.5, "2024/3/9 9:00 PM", "2023-01-05 10:00", "不详"]
HOURS = [2, "2", "1.5小时", 90, "", None, 0, 30, "两小时"]
TEXTS = ["敬老院陪伴老人", "捐款50元记1小时", "内部团建", "班级卫生清扫", "收费研学夏令营，每人300元", "社区日常值班", "", None, 7]
IDS = ["11010519491231002X", "110105194912310021", "4301**********1234", "", None, "ZY1", 123]
PEOPLE = ["ZY1", "ZY2", "ZY3", "", None]

rows = st.lists(st.fixed_dictionaries({
    "志愿者编号": st.sampled_from(PEOPLE), "开始时间": st.sampled_from(TIMES), "结束时间": st.sampled_from(TIMES),
    "服务时长(小时)": st.sampled_from(HOURS), "活动名称": st.sampled_from(TEXTS), "服务内容": st.sampled_from(TEXTS),
    "证件号码": st.sampled_from(IDS), "记录时间": st.sampled_from(TIMES), "参与者身份": st.sampled_from(
        ["居民", "社区工作人员", "学生", "", None]),
}), min_size=1, max_size=25)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(rows)
def test_threads_equal_one_thread_on_generated_tables(monkeypatch, edits):
    frame = pd.DataFrame([dict(BASE, 记录编号=f"JL{i % 7}", **e) for i, e in enumerate(edits)], dtype=object)
    table = load_frame(frame, kind="records", name="t")
    _same(_run(table, monkeypatch, 1), _run(table, monkeypatch, 2))


def test_once_makes_a_value_once_when_threads_ask_together():
    ctx = Context(table=None)
    made = []

    def make():
        made.append(1)
        time.sleep(0.05)  # long enough for every other thread to arrive while it is being made
        return object()

    views = [ctx.for_rule(f"R{i}") for i in range(4)]
    got = []
    threads = [threading.Thread(target=lambda v=v: got.append(v.once("k", make))) for v in views]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(made) == 1 and len({id(g) for g in got}) == 1


def test_a_failing_rule_raises_as_on_one_thread(monkeypatch):
    import dataclasses

    from zyfw_checks import engine
    from zyfw_checks.rules import rules_for

    def broken(df, ctx):
        raise RuntimeError("boom")

    rules = [dataclasses.replace(r, fn=broken) if i == 3 else r for i, r in enumerate(rules_for("records"))]
    monkeypatch.setattr(engine, "rules_for", lambda kind: rules)
    table = load_table(SAMPLES / "problems.xlsx")
    for threads in (1, 2):
        monkeypatch.setenv("ZYFW_THREADS", str(threads))
        with pytest.raises(RuntimeError, match="boom"):
            check_table(table)
