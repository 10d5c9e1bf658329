"""The core contract: one rule-status table, dated parameters, coded reasons, safe and streamed outputs."""

from __future__ import annotations

import io
import json
import random

import openpyxl
import pandas as pd
import pyarrow.parquet as pq
import pytest

from tests.conftest import records
from zyfw_checks import masking, params
from zyfw_checks.engine import check_table
from zyfw_checks.load import load_frame
from zyfw_checks.reasons import Reason
from zyfw_checks.registry import Context
from zyfw_checks.report import excel, jsonl, jsonout, parquet
from zyfw_checks.report import text as text_view
from zyfw_checks.rules import all_rules, rules_for
from zyfw_checks.workdays import calendar


def _result(*edits, drop=()):
    return check_table(load_frame(records(*edits, drop=drop)))


def test_rule_status_has_one_row_per_rule_and_counts_the_findings():
    res = _result({}, {"服务时长(小时)": 9})
    st = res.rule_status()
    assert list(st["code"]) == [r.code for r in rules_for("records")]
    counts = res.findings["rule"].value_counts()
    for row in st.itertuples():
        assert row.count == counts.get(row.code, 0)
        assert row.status == ("有问题" if row.count else "通过")
    assert st.set_index("code").loc["REC004", "status"] == "有问题"


def test_absent_column_is_one_not_assessed_line_with_a_code():
    res = _result({}, {}, {}, drop=("记录时间", "录入系统时间"))
    st = res.rule_status().set_index("code")
    assert st.loc["REC002", "status"] == "未评估"
    assert st.loc["REC002", "reason_code"] == Reason.MISSING_FIELD
    assert "记录时间" in st.loc["REC002", "missing"]
    assert not (res.findings["rule"] == "REC002").any()
    report = text_view.render(res)
    assert report.count("REC002 未在10个工作日内完成记录：未评估") == 1


def test_partly_unassessed_rows_show_in_the_status():
    res = _result({})
    ctx = Context(table=res.table, current_rule="DAT001")
    ctx.partly_unassessed(Reason.MASKED_VALUES, "3 条记录的证件号码已打码", rows=3)
    res.partial = ctx.skips
    st = res.rule_status().set_index("code")
    assert st.loc["DAT001", "status"] == "部分未评估"
    assert st.loc["DAT001", "reason_code"] == "MASKED_VALUES"


def test_every_view_reads_rule_status(monkeypatch):
    res = _result({}, {"服务时长(小时)": 9})
    marker = pd.DataFrame([{**res.rule_status().iloc[0].to_dict(), "title": "标记标题XYZ"}])
    monkeypatch.setattr(type(res), "rule_status", lambda self: marker)
    assert "标记标题XYZ" in text_view.render(res)
    assert marker.iloc[0]["title"] in json.dumps(jsonout.as_dict(res), ensure_ascii=False)
    book = openpyxl.load_workbook(io.BytesIO(excel.render(res)))
    assert any("标记标题XYZ" in str(c.value) for row in book["汇总"].iter_rows() for c in row)


def test_threshold_reads_the_value_in_force_on_a_date(tmp_path, monkeypatch):
    (tmp_path / "thresholds.yaml").write_text(
        "values:\n  record_deadline_workdays:\n    series:\n"
        "      - {since: 2021-02-01, value: 10, source: 办法第十一条}\n"
        "      - {since: 2027-01-01, value: 7, source: 假设的新规定}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv(params.ENV_OVERRIDE, str(tmp_path))
    assert params.threshold("record_deadline_workdays", on="2026-12-31") == 10
    assert params.threshold("record_deadline_workdays", on="2027-01-01") == 7
    with pytest.raises(params.ParamError):
        params.threshold("record_deadline_workdays", on="2021-01-31")


def test_workdays_between_inverts_add_workdays():
    d = pd.Series(pd.to_datetime(["2023-09-28", "2024-02-08", "2025-04-30"]))
    cal = calendar()
    assert cal.workdays_between(d, cal.add_workdays(d, 10)).tolist() == [10, 10, 10]
    assert cal.workdays_between(d, d).tolist() == [0, 0, 0]


def test_rules_declare_why_they_have_their_severity():
    missing = [r.code for r in all_rules() if not r.severity_reason.strip()]
    assert not missing, f"规则缺少 severity_reason：{missing}"


def test_formula_like_text_gets_a_quote_prefix_in_every_sheet():
    res = _result({"活动名称": "=HYPERLINK(\"http://x\",\"点我\")", "服务内容": "+1 陪伴", "服务时长(小时)": 9})
    res.findings.loc[0, "message"] = "@SUM(A1) 测试"
    book = openpyxl.load_workbook(io.BytesIO(excel.render(res)))
    cells = [c for ws in book for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    risky = [c for c in cells if c.value[:1] in ("=", "+", "-", "@")]
    assert {c.value[:1] for c in risky} >= {"=", "+", "@"}
    assert all(c.quotePrefix for c in risky)
    plain = [c for c in cells if c.value[:1] not in ("=", "+", "-", "@")]
    assert plain and not any(c.quotePrefix for c in plain)
    # the staff workbook writer too
    book2 = openpyxl.load_workbook(io.BytesIO(excel.workbook_bytes({"表": pd.DataFrame({"a": ["=1+1", "正常"]})})))
    a2, a3 = book2["表"]["A2"], book2["表"]["A3"]
    assert a2.value == "=1+1" and a2.quotePrefix and not a3.quotePrefix


def test_xlsx_says_when_findings_exceed_a_sheet(monkeypatch):
    res = _result(*[{"服务时长(小时)": 9}] * 6)
    monkeypatch.setattr(excel, "MAX_ROWS", 4)
    ws = openpyxl.load_workbook(io.BytesIO(excel.render(res)))["问题明细"]
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any("最多容纳" in t and "jsonl" in t for t in texts)


def test_jsonl_and_parquet_hold_every_finding(tmp_path):
    res = _result({"服务时长(小时)": 9}, {"服务评价": None, "活动名称": '引号"与\\反斜杠\n换行'}, {})
    jsonl.write(res, tmp_path / "f.jsonl")
    lines = [json.loads(x) for x in (tmp_path / "f.jsonl").read_text(encoding="utf-8").splitlines()]
    f = res.findings
    assert [(x["rule"], x["row"], x["message"]) for x in lines] == list(zip(f["rule"], f["row"], f["message"],
                                                                             strict=True))
    parquet.write(res, tmp_path / "f.parquet")
    back = pq.read_table(tmp_path / "f.parquet").to_pandas()
    assert back["message"].tolist() == f["message"].tolist() and back["row"].tolist() == f["row"].tolist()


def test_jsonl_chunks_built_on_threads_are_written_in_order(tmp_path, monkeypatch):
    res = _result(*[{"服务时长(小时)": 9, "服务评价": None}] * 9, {"活动名称": '引号"与\\反斜杠'})
    monkeypatch.setattr(jsonl, "CHUNK", 2)  # many chunks, so later ones can finish before earlier ones
    jsonl.write(res, tmp_path / "f.jsonl")
    text = (tmp_path / "f.jsonl").read_text(encoding="utf-8")
    assert len(res.findings) > 3 * jsonl.CHUNK
    assert text == jsonl.render(res)  # the one-piece view, line for line


def test_mask_text_matches_the_reference_patterns():
    rng = random.Random(7)
    pieces = ["430100196801010114", "13812345678", "订单", "12345678901234567890", "ab", "，", " ", "X", "1"]
    values = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 6))) for _ in range(400)]
    s = pd.Series(values, dtype="string[pyarrow]")
    ref = s.astype(object).map(lambda v: masking._PHONE_IN_TEXT.sub(r"\1****\2",
                                                                     masking._ID_IN_TEXT.sub(r"\1***********\2", v)))
    got = masking.mask_text(s)
    assert got.tolist() == ref.tolist()
    assert got.str.contains("430***********0114", regex=False).sum() > 20  # the sample does exercise masking


def test_arrow_pool_reuses_memory_unless_the_user_chose_one(monkeypatch):
    import pyarrow as pa

    from zyfw_checks.arrow_pool import use_reusing_pool

    before = pa.default_memory_pool()
    try:
        pa.set_memory_pool(pa.system_memory_pool())
        monkeypatch.setenv("ARROW_DEFAULT_MEMORY_POOL", "system")
        assert use_reusing_pool() == "system"  # the user's choice stands
        monkeypatch.delenv("ARROW_DEFAULT_MEMORY_POOL")
        try:
            pa.jemalloc_memory_pool()
        except NotImplementedError:  # e.g. Windows wheels: the default stays
            assert use_reusing_pool() == "system"
        else:
            assert use_reusing_pool() == "jemalloc"
    finally:
        pa.set_memory_pool(before)


def test_text_normalisation_shortcut_changes_exactly_what_the_full_path_changes():
    """normalize_text rewrites only the cells its one-pass check flags; every tricky cell must come
    out as the full normalisation would make it."""
    from zyfw_checks.parsing import _normalize_cells, normalize_text

    vals = ["普通", "  前空格", "后空格 ", "全角空格\u3000", "\u00a0不换行空格", "x\u2003", "'0123", '="007"', "ＡＢＣ１２３",
            "nan", "-", "—", "/", "", None, "a-b", "n/a", "None", "NaT", "中 间", "\t制表", "v\x0b", "\u200b零宽", "nan2"]
    s = pd.Series(vals, dtype="string[pyarrow]")
    fast, full = normalize_text(s), _normalize_cells(s)
    assert fast.isna().tolist() == full.isna().tolist()
    assert fast.dropna().tolist() == full.dropna().tolist()
    assert fast.iloc[8] == "ABC123" and fast.iloc[7] == "007" and pd.isna(fast.iloc[10])


def test_concat_joins_in_one_pass_and_refuses_misaligned_series():
    from zyfw_checks.formatting import concat

    a = pd.Series(["甲", None, "丙"], index=[4, 5, 6], dtype="string[pyarrow]")
    b = pd.Series(["1", "2", "3"], index=[4, 5, 6], dtype="string[pyarrow]")
    out = concat("第", a, "行：", b)
    assert out.index.tolist() == [4, 5, 6] and out.iloc[0] == "第甲行：1" and pd.isna(out.iloc[1])  # as ``+`` does
    with pytest.raises(ValueError):
        concat(a, b.iloc[::-1])


def test_a_rule_returning_an_unknown_severity_is_stopped():
    from zyfw_checks.engine import _part
    from zyfw_checks.registry import hits
    from zyfw_checks.rules import get_rule

    t = load_frame(records({}))
    bad = hits(t.df.index, "说明", "依据", severity="严重")
    with pytest.raises(ValueError, match="不认识的严重程度"):
        _part(0, get_rule("REC001"), bad, t)
