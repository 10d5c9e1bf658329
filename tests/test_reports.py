"""Excel and HTML reports: sheets, highlighted cells, no formula injection, escaping, masking."""

from __future__ import annotations

import io
import subprocess
import sys

import openpyxl
import pandas as pd
import pytest

from tools.samples import SAMPLES, synthetic_records
from zyfw_checks.engine import check_table
from zyfw_checks.load import load_table
from zyfw_checks.report import excel, html
from zyfw_checks.style import FILL

SCRIPT = "<script>alert(1)</script>"
FORMULAS = ["=1+1", "+SUM(A1:A2)", "-2+3", "@SUM(A1)", '=HYPERLINK("http://evil.example","点我")']


@pytest.fixture(scope="module")
def records() -> pd.DataFrame:
    df = synthetic_records(12)
    df["组织单位"] = SCRIPT
    df.loc[0, "服务评价"] = None  # REC001 on Excel row 2
    df.loc[1, "记录平台"] = SCRIPT  # SYS001: the value is quoted in the message
    for i, f in enumerate(FORMULAS):
        df.loc[2 + i, "服务内容"] = f
        df.loc[2 + i, "服务评价"] = None  # a finding, so the row is listed in 原始记录
    df.loc[8, "服务内容"] = "联系人电话13812345678"
    return df


def _result(df: pd.DataFrame, mask: bool = True):
    data = df.to_csv(index=False).encode("utf-8")
    return check_table(load_table(data, name="records.csv"), mask=mask)


def _book(content: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(content))


def _col(ws, header: str) -> int:
    for c in ws[1]:
        if c.value == header:
            return c.column
    raise KeyError(header)


def test_xlsx_has_the_four_sheets(records):
    book = _book(excel.render(_result(records)))
    assert book.sheetnames == ["汇总", "问题明细", "原始记录", "未评估规则"]
    summary = {r[0]: r[1] for r in book["汇总"].iter_rows(values_only=True) if r[0]}
    assert summary["检查记录数"] == 12
    assert summary["服务期间"].startswith("2024-01-06 至 ")
    assert summary["组织单位"] == SCRIPT  # stored as text in Excel; no HTML context here


def test_problem_cells_highlighted_with_a_problem_column(records):
    res = _result(records)
    ws = _book(excel.render(res))["原始记录"]
    assert [c.value for c in ws[1]][:2] == ["原文件行号", "问题"]
    by_row = {r[0].value: r for r in ws.iter_rows(min_row=2)}
    rec001 = by_row[2]
    assert "REC001" in rec001[1].value
    cell = rec001[_col(ws, "服务评价") - 1]
    sev = res.findings.loc[(res.findings["row"] == 2) & (res.findings["rule"] == "REC001"), "severity"].iloc[0]
    assert cell.fill.fgColor.rgb.endswith(FILL[sev].lstrip("#"))  # the finding's severity colour
    # only the rows with a finding are listed (row 12 is clean), each once, in file order
    flagged = sorted(set(res.findings["row"].astype(int)))
    assert list(by_row) == flagged and 12 not in by_row
    for row_no, cells in by_row.items():
        assert cells[1].value.count("\n") + 1 == int((res.findings["row"] == row_no).sum())
    # a cell no finding is about keeps no fill (the volunteer's name on row 2: REC001 is about 服务评价)
    assert "REC001" in rec001[1].value and not (res.findings["row"].eq(2) & res.findings["message"].str.contains("姓名")).any()
    assert rec001[_col(ws, "姓名") - 1].fill.fgColor.rgb in (None, "00000000")


def test_user_strings_never_become_formulas(records):
    content = excel.render(_result(records))
    book = _book(content)
    ws = book["原始记录"]
    col = _col(ws, "服务内容")
    values = {ws.cell(r, col).value: ws.cell(r, col).data_type for r in range(2, ws.max_row + 1)}
    for f in FORMULAS:
        assert values[f] == "s", f
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            assert all(c.data_type != "f" for c in row)
    assert b"<f>" not in _unzipped(content)


def _unzipped(content: bytes) -> bytes:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(content)) as z:
        return b"".join(z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/"))


def test_html_escapes_user_values(records):
    out = html.render(_result(records))
    assert SCRIPT not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "<script" not in out.lower()  # the report itself has no scripts at all


def test_html_is_printable_and_self_contained(records):
    out = html.render(_result(records))
    assert "@media print" in out and "负责人签字" in out and "日期" in out
    assert "http://" not in out and "https://" not in out and "<link" not in out
    assert "2024-01-06 至" in out
    assert "湘民发〔2023〕29号 二（二）①：“" in out  # the clause text of a finding


def test_masking_on_by_default_and_off_on_request(records):
    full_id = str(records.loc[0, "证件号码"])
    phone = str(records.loc[0, "联系电话"])
    masked = _result(records)
    x = _unzipped(excel.render(masked)) + _shared(excel.render(masked))
    h = html.render(masked)
    for value in (full_id, phone, "13812345678"):
        assert value.encode() not in x
        assert value not in h
    plain = _result(records, mask=False)
    x2 = _shared(excel.render(plain, mask=False))
    assert full_id.encode() in x2 and phone.encode() in x2


def _shared(content: bytes) -> bytes:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(content)) as z:
        return b"".join(z.read(n) for n in z.namelist() if n.endswith(".xml"))


def test_no_findings_report(records):
    res = check_table(load_table(SAMPLES / "clean.xlsx"))
    if len(res.findings):
        pytest.skip("clean sample has findings from rules added later")
    out = html.render(res)
    assert "已评估的规则均未发现问题" in out
    assert _book(excel.render(res))["问题明细"].max_row == 1


def test_not_assessed_sheet_lists_missing_fields():
    data = "记录编号,姓名,开始时间,结束时间\nA1,张三,2024-03-05 09:00,2024-03-05 11:00\n".encode()
    res = check_table(load_table(data, name="few.csv"))
    ws = _book(excel.render(res))["未评估规则"]
    rules = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert "REC002" in rules and "记录时间" in rules["REC002"][2]
    assert "REC002" in html.render(res)


@pytest.mark.parametrize("fmt", ["xlsx", "html"])
def test_cli_writes_the_same_reports(tmp_path, fmt):
    out = tmp_path / f"report.{fmt}"
    proc = subprocess.run([sys.executable, "-m", "zyfw_checks.cli", "check", str(SAMPLES / "problems.xlsx"),
                           "--format", fmt, "-o", str(out)], capture_output=True, text=True)
    assert proc.returncode == 1, proc.stderr  # the sample has 违规
    if fmt == "xlsx":
        assert _book(out.read_bytes()).sheetnames == list(excel.SHEETS)
    else:
        assert "自查报告" in out.read_text(encoding="utf-8")


def test_html_lists_the_first_problems_of_each_rule_with_its_count(monkeypatch):
    from zyfw_checks.report import html as html_view

    res = check_table(load_table(synthetic_records(40).assign(服务评价=None).to_csv(index=False).encode(),
                                 name="many.csv"))
    counts = res.findings["rule"].value_counts()
    big = counts.index[0]
    assert counts.iloc[0] > 3
    monkeypatch.setattr(html_view, "PER_RULE", 3)
    out = html_view.render(res)
    assert f"（{counts.iloc[0]} 个问题，此处列出前 3 个，其余见完整清单）" in out
    assert "--format xlsx" in out and "--format jsonl" in out  # where the full list is
    assert out.count('<tr class="sev-') == sum(min(3, n) for n in counts)
    for rule, n in counts.items():
        assert f"（{n} 个问题" in out and rule in out
    assert big in out


def test_xlsx_findings_sheet_holds_every_finding_as_written(records):
    df = records.copy()
    df.loc[1, "记录平台"] = "控制\x01字符 & <尖括号> "  # SYS001 quotes the value in its message
    res = _result(df)
    ws = _book(excel.render(res))["问题明细"]
    import re

    def unescaped(v):  # Excel's _xHHHH_ for a control character (openpyxl leaves inline strings as stored)
        return re.sub("_x([0-9A-F]{4})_", lambda m: chr(int(m[1], 16)), v) if isinstance(v, str) else v

    got = [tuple(unescaped(v) for v in r) for r in ws.iter_rows(min_row=2, values_only=True)]
    f = res.findings
    assert [(r[0], r[1], r[2], r[3], r[5], r[7]) for r in got] == list(zip(
        f["row"].astype(int), f["rule"], f["severity"], f["title"].astype(str), f["message"], f["clause"].astype(str),
        strict=True))
    assert any("控制\x01字符 & <尖括号>" in (r[5] or "") for r in got)
