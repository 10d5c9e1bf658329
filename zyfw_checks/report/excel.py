"""Excel view: an .xlsx self-check workbook (汇总 · 问题明细 · 原始记录 · 未评估规则), and the one
xlsx writer every command uses (:func:`workbook_bytes`).

Every value that comes from the user's file is written with ``write_string`` (or as a number /
date), never through a formula path; text that starts like a formula (``= + - @``, tab, CR) also
carries Excel's quote prefix, so it stays text when a person edits the cell or saves as CSV (OWASP
CSV injection). Findings arrive masked from the engine; the original rows are masked here once.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections import defaultdict

import pandas as pd
import xlsxwriter

from zyfw_checks.load import ROW
from zyfw_checks.report.facts import organisation, period, shown_original, status_text
from zyfw_checks.report.schema import provenance
from zyfw_checks.style import FILL, INK, SEVERITIES

SHEETS = ("汇总", "问题明细", "原始记录", "未评估规则")
MAX_ROWS = 1_048_576  # rows an Excel sheet can hold, header included
# Every string is written as a string: never a formula, URL or number.
XLSX_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FINDING_HEADERS = [
    ("row", "行号", 8), ("rule", "规则", 9), ("severity", "严重程度", 9), ("title", "问题类型", 22),
    ("record_id", "记录编号", 14), ("message", "问题说明", 60), ("evidence", "依据", 48), ("clause", "条款", 60),
]


# ---------------------------------------------------------------- which cells a finding points at


def problem_cells(result) -> dict[tuple[int, str], str]:
    """(Excel row, header as written) → worst severity, for the cells a finding is about.

    A finding's cells are the fields its rule needs, the single optional fields it reads, and any
    field whose name (canonical or as written) appears in its message or evidence.
    """
    f = result.findings
    t = result.table
    if not len(f):
        return {}
    rules = {r.code: r for r in result.rules}
    cols = set(t.original.columns) if t.original is not None else set()
    header_of = {c: h for c, h in t.mapping.items() if h in cols}
    rank = {s: i for i, s in enumerate(SEVERITIES)}
    cells: dict[tuple[int, str], str] = {}
    text = f["message"].fillna("").astype(str) + "\n" + f["evidence"].fillna("").astype(str)
    for code, group in f.groupby("rule", sort=False):
        r = rules.get(code)
        fixed: list[str] = []
        if r is not None:
            for need in r.needs:
                present = [alt for alt in need.split("|") if alt in header_of]
                fixed += present[:1]
            fixed += [o for o in r.optional if "|" not in o and o in header_of]
        per_row = {c: pd.Series(True, index=group.index) for c in fixed}
        gtext = text.loc[group.index]
        for canon, header in header_of.items():
            hit = gtext.str.contains(canon, regex=False) | gtext.str.contains(header, regex=False)
            per_row[canon] = per_row[canon] | hit if canon in per_row else hit
        for canon, flags in per_row.items():
            header = header_of[canon]
            for row, sev in zip(group.loc[flags.to_numpy(), "row"], group.loc[flags.to_numpy(), "severity"],
                                strict=True):
                key = (int(row), header)
                if key not in cells or rank.get(sev, 9) < rank.get(cells[key], 9):
                    cells[key] = sev
    return cells


# ---------------------------------------------------------------- writing


class _Writer:
    def __init__(self, book: xlsxwriter.Workbook):
        self.book = book
        self.cut = False  # a sheet was cut at Excel's row limit
        self._props: dict[int, dict] = {}
        self._quoted: dict[int, object] = {}
        self.bold = self.add({"bold": True})
        self.title = self.add({"bold": True, "font_size": 14})
        self.head = self.add({"bold": True, "bg_color": "#D9E1F2", "border": 1, "text_wrap": True, "valign": "top"})
        self.wrap = self.add({"text_wrap": True, "valign": "top"})
        self.date = self.add({"num_format": "yyyy-mm-dd hh:mm", "valign": "top"})
        self.fills = {s: self.add({"bg_color": FILL[s], "border": 1, "border_color": INK[s], "valign": "top"})
                      for s in SEVERITIES}
        self.fill_dates = {s: self.add({"bg_color": FILL[s], "border": 1, "num_format": "yyyy-mm-dd hh:mm",
                                        "valign": "top"}) for s in SEVERITIES}
        self.problem = self.add({"text_wrap": True, "valign": "top", "font_color": INK["违规"]})

    def add(self, props: dict):
        fmt = self.book.add_format(props)
        self._props[id(fmt)] = props
        return fmt

    def quoted(self, fmt):
        """``fmt`` plus Excel's quote prefix (one format object per base format)."""
        key = id(fmt)
        if key not in self._quoted:
            self._quoted[key] = self.book.add_format({**self._props.get(key, {}), "quote_prefix": True})
        return self._quoted[key]

    def text(self, ws, r: int, c: int, v: str, fmt=None) -> None:
        if v.startswith(_FORMULA_START):
            fmt = self.quoted(fmt)
        ws.write_string(r, c, v, fmt)

    def cell(self, ws, r: int, c: int, v, fmt=None, date_fmt=None) -> None:
        """Write one value by type; text is always text (never a formula, URL or number)."""
        if v is None or v is pd.NaT or (isinstance(v, float) and math.isnan(v)):
            if fmt is not None:
                ws.write_blank(r, c, None, fmt)
            return
        if isinstance(v, bool):
            ws.write_boolean(r, c, v, fmt)
        elif isinstance(v, (int, float)) and not isinstance(v, bool):
            if math.isinf(v):
                ws.write_string(r, c, str(v), fmt)
            else:
                ws.write_number(r, c, v, fmt)
        elif isinstance(v, (pd.Timestamp, dt.datetime, dt.date)):
            ts = pd.Timestamp(v)
            if ts.tzinfo is not None:
                ts = ts.tz_localize(None)
            ws.write_datetime(r, c, ts.to_pydatetime(), date_fmt or self.date)
        else:
            self.text(ws, r, c, str(v), fmt)


def _summary(w: _Writer, ws, result, mask: bool) -> None:
    s = result.summary()
    t = result.table
    first, last = period(result)
    mask = result.masked
    prov = provenance()
    ws.set_column(0, 0, 22)
    ws.set_column(1, 1, 34)
    ws.set_column(2, 5, 14)
    ws.write_string(0, 0, "志愿服务记录自查报告（湘民发〔2023〕29号）", w.title)
    facts = [
        ("组织单位", organisation(result) or "（文件中未填写组织单位）"),
        ("文件", t.source + (f"（工作表：{t.sheet}）" if t.sheet else "")),
        ("服务期间", f"{first} 至 {last}" if first else "（文件中没有可识别的开始时间）"),
        ("检查记录数", s["records"]),
        ("发现问题数", s["findings"]),
        ("有问题的记录数", s["records_with_findings"]),
        ("无问题记录占比", f"{s['clean_share']:.1%}" if s["clean_share"] is not None else "—"),
        *[(f"其中：{sev}", n) for sev, n in s["by_severity"].items()],
        ("个人信息", "证件号码、联系电话已打码" if mask else "未打码（请妥善保管本文件）"),
        ("生成时间", dt.datetime.now().strftime("%Y-%m-%d %H:%M")),
        ("检查工具", f"zyfw_checks {prov['kit_version']}"),
        ("结果格式版本", prov["schema_version"]),
        ("参数版本", prov["params_date"]),
    ]
    r = 2
    for label, value in facts:
        ws.write_string(r, 0, label, w.bold)
        w.cell(ws, r, 1, value)
        r += 1
    r += 1
    ws.write_string(r, 0, "各规则结果", w.bold)
    r += 1
    for c, h in enumerate(["规则", "问题类型", "严重程度", "条款", "问题数", "结果"]):
        ws.write_string(r, c, h, w.head)
    for row in result.rule_status().itertuples():
        r += 1
        values = [row.code, row.title, row.severity, row.section,
                  None if row.status == "未评估" else row.count, status_text(row)]
        for c, v in enumerate(values):
            w.cell(ws, r, c, v)
    if result.notes:
        r += 2
        ws.write_string(r, 0, "说明", w.bold)
        for note in result.notes:
            r += 1
            ws.write_string(r, 1, str(note), w.wrap)


def _findings(w: _Writer, ws, result, mask: bool) -> None:
    f = result.findings
    if len(f) > MAX_ROWS - 1:
        f = f.head(MAX_ROWS - 2)
        w.cut = True
    sheet_col = bool(len(f)) and f["sheet"].fillna("").astype(str).ne("").any()
    headers = FINDING_HEADERS + ([("sheet", "工作表", 10)] if sheet_col else [])
    for c, (_, label, width) in enumerate(headers):
        ws.write_string(0, c, label, w.head)
        ws.set_column(c, c, width, w.wrap if width >= 40 else None)
    values = f[[k for k, _, _ in headers]].astype(object).where(f[[k for k, _, _ in headers]].notna(), None)
    for r, row in enumerate(values.itertuples(index=False, name=None), start=1):
        for c, v in enumerate(row):
            if c == 2 and v in w.fills:
                w.cell(ws, r, c, v, w.fills[v])
            else:
                w.cell(ws, r, c, v)
    if w.cut:
        w.text(ws, len(f) + 1, 0, f"本表最多容纳 {MAX_ROWS:,} 行：只列出了前 {len(f):,} 个问题，共 "
               f"{len(result.findings):,} 个。完整结果请用 --format jsonl 或 parquet 保存。", w.problem)
    ws.freeze_panes(1, 0)
    if len(f):
        ws.autofilter(0, 0, len(f), len(headers) - 1)


def _original(w: _Writer, ws, result, mask: bool) -> None:
    t = result.table
    orig = shown_original(result)
    rows = t.df[ROW].astype("int64").tolist()
    if len(rows) > MAX_ROWS - 1:
        rows, orig = rows[: MAX_ROWS - 2], orig.iloc[: MAX_ROWS - 2]
        w.cut = True
    cells = problem_cells(result)
    f = result.findings
    problems: dict[int, list[str]] = defaultdict(list)
    for row, code, sev, msg in zip(f["row"], f["rule"], f["severity"], f["message"], strict=True):
        problems[int(row)].append(f"{code}〔{sev}〕{msg}")
    headers = list(map(str, orig.columns))
    ws.write_string(0, 0, "原文件行号", w.head)
    ws.write_string(0, 1, "问题", w.head)
    for c, h in enumerate(headers, start=2):
        ws.write_string(0, c, h, w.head)
    ws.set_column(0, 0, 9)
    ws.set_column(1, 1, 50)
    ws.set_column(2, len(headers) + 1, 14)
    col_of = {h: i + 2 for i, h in enumerate(headers)}
    data = orig.astype(object).where(orig.notna(), None).to_numpy().tolist()
    write_string, write_number, cell = ws.write_string, ws.write_number, w.cell
    for r, (row_no, values) in enumerate(zip(rows, data, strict=True), start=1):
        write_number(r, 0, row_no)
        if row_no in problems:
            w.text(ws, r, 1, "\n".join(problems[row_no]), w.problem)
        for c, v in enumerate(values, start=2):
            t = type(v)
            if t is str:  # the common case first: text stays text
                if v.startswith(_FORMULA_START):
                    w.text(ws, r, c, v)
                else:
                    write_string(r, c, v)
            elif v is None:
                continue
            elif t is float and v == v and v not in (float("inf"), float("-inf")):
                write_number(r, c, v)
            else:
                cell(ws, r, c, v)
    pos = {row_no: i + 1 for i, row_no in enumerate(rows)}
    for (row_no, header), sev in cells.items():
        if row_no not in pos or header not in col_of:
            continue
        r, c = pos[row_no], col_of[header]
        w.cell(ws, r, c, data[r - 1][c - 2], w.fills[sev], w.fill_dates[sev])
    ws.freeze_panes(1, 2)
    ws.autofilter(0, 0, len(rows), len(headers) + 1)


def _not_assessed(w: _Writer, ws, result) -> None:
    for c, (label, width) in enumerate([("规则", 9), ("问题类型", 24), ("缺少的字段", 30), ("原因", 50)]):
        ws.write_string(0, c, label, w.head)
        ws.set_column(c, c, width)
    status = result.rule_status()
    shown = status[status["status"].isin(["未评估", "部分未评估"]) | status["reason"].ne("")]
    for r, n in enumerate(shown.itertuples(), start=1):
        ws.write_string(r, 0, n.code)
        ws.write_string(r, 1, n.title)
        ws.write_string(r, 2, n.missing.replace("|", "或"))
        w.text(ws, r, 3, f"{n.status}：{n.reason}", w.wrap)
    if shown.empty:
        ws.write_string(1, 0, "全部规则均已评估。")


def _book(buf) -> xlsxwriter.Workbook:
    return xlsxwriter.Workbook(buf, {
        "in_memory": True, **XLSX_OPTIONS, "nan_inf_to_errors": True, "default_date_format": "yyyy-mm-dd hh:mm",
    })


def render(result, **_) -> bytes:
    """The workbook as bytes (汇总, 问题明细, 原始记录, 未评估规则); masking follows the result."""
    buf = io.BytesIO()
    book = _book(buf)
    w = _Writer(book)
    sheets = {name: book.add_worksheet(name) for name in SHEETS}
    mask = result.masked
    _findings(w, sheets["问题明细"], result, mask)
    _original(w, sheets["原始记录"], result, mask)
    _summary(w, sheets["汇总"], result, mask)
    _not_assessed(w, sheets["未评估规则"], result)
    book.close()
    return buf.getvalue()


def workbook_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """A plain workbook, one sheet per frame (header row, frozen, filters), written by the same safe writer."""
    buf = io.BytesIO()
    book = _book(buf)
    w = _Writer(book)
    for name, frame in sheets.items():
        ws = book.add_worksheet(name[:31])
        for c, h in enumerate(frame.columns):
            w.text(ws, 0, c, str(h), w.head)
        values = frame.astype(object).where(frame.notna(), None).to_numpy().tolist()
        for r, row in enumerate(values, start=1):
            for c, v in enumerate(row):
                w.cell(ws, r, c, v)
        ws.set_column(0, max(0, frame.shape[1] - 1), 16)
        ws.freeze_panes(1, 0)
    book.close()
    return buf.getvalue()
