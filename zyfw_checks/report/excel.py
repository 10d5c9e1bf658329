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
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import xlsxwriter

from zyfw_checks.load import ROW
from zyfw_checks.report import sheetxml as sx
from zyfw_checks.report.facts import organisation, period, shown_original, status_text
from zyfw_checks.report.schema import provenance
from zyfw_checks.report.sheetxml import arrow_text as _arrow_text
from zyfw_checks.style import FILL, INK, SEVERITIES

SHEETS = ("汇总", "问题明细", "原始记录", "未评估规则")
MAX_ROWS = 1_048_576  # rows an Excel sheet can hold, header included
CHUNK = 20_000  # rows of a big sheet built at a time
SHARED_KEYS = ("rule", "severity", "title", "clause")  # few distinct texts: written once, as shared strings
# Every string is written as a string: never a formula, URL or number.
XLSX_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FINDING_HEADERS = [
    ("row", "行号", 8), ("rule", "规则", 9), ("severity", "严重程度", 9), ("title", "问题类型", 22),
    ("record_id", "记录编号", 14), ("message", "问题说明", 60), ("evidence", "依据", 48), ("clause", "条款", 60),
]


# ---------------------------------------------------------------- which cells a finding points at


def problem_marks(result, rows: np.ndarray) -> dict[str, np.ndarray]:
    """For each header as written, the worst severity (an index into SEVERITIES; ``len(SEVERITIES)``
    for none) of the findings about that cell, on each of ``rows`` (sorted unique Excel rows).

    A finding's cells are the fields its rule needs, the single optional fields it reads, and any
    field whose name (canonical or as written) appears in its message or evidence. Column-wise:
    one substring search per rule and field, then ``np.minimum.at`` over the findings.
    """
    f = result.findings
    t = result.table
    none = len(SEVERITIES)
    cols = set(t.original.columns) if t.original is not None else set()
    header_of = {c: h for c, h in t.mapping.items() if h in cols}
    marks = {h: np.full(len(rows), none, dtype="int8") for h in header_of.values()}
    if not len(f) or not header_of:
        return marks
    rules = {r.code: r for r in result.rules}
    sev = pd.Categorical(f["severity"].astype(str), categories=list(SEVERITIES)).codes.astype("int8")
    sev = np.where(sev < 0, none, sev).astype("int8")
    at = np.searchsorted(rows, f["row"].to_numpy(dtype="int64"))
    # the texts once each (a message repeats across records): searched once per field
    text = pc.binary_join_element_wise(
        _arrow_text(f["message"]).fill_null(""), _arrow_text(f["evidence"]).fill_null(""), "\n")
    enc = pc.dictionary_encode(text.combine_chunks() if isinstance(text, pa.ChunkedArray) else text)
    uniq, which = enc.dictionary, enc.indices.to_numpy(zero_copy_only=False)
    rule = pd.Categorical(f["rule"].astype(str))
    fixed_for: dict[str, list[int]] = {}  # header → the rules (category codes) that always mark it
    for i, code in enumerate(rule.categories):
        r = rules.get(code)
        if r is None:
            continue
        fixed: set[str] = set()
        for need in r.needs:
            fixed.update([alt for alt in need.split("|") if alt in header_of][:1])
        fixed.update(o for o in r.optional if "|" not in o and o in header_of)
        for canon in fixed:
            fixed_for.setdefault(header_of[canon], []).append(i)
    for canon, header in header_of.items():
        pattern = "|".join(re.escape(x) for x in dict.fromkeys([canon, header]))
        hit = np.asarray(pc.match_substring_regex(uniq, pattern).to_numpy(zero_copy_only=False), dtype=bool)[which]
        if header in fixed_for:
            hit |= np.isin(rule.codes, fixed_for[header])
        if hit.any():
            np.minimum.at(marks[header], at[hit], sev[hit])
    return marks


# ---------------------------------------------------------------- writing


class _Writer:
    def __init__(self, book: xlsxwriter.Workbook):
        self.book = book
        self.cut = False  # a sheet was cut at Excel's row limit
        self.shared: list[str] = []  # texts the big sheets add to the shared-string table
        self.shared_base = 0  # the index of the first of them (known once xlsxwriter has written its own)
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


def _styles(w: _Writer, base=None) -> sx.Styles:
    """Each kind of cell's style attribute by severity code (the last code: no finding)."""
    a = sx.style_attr
    sev = list(SEVERITIES)
    return sx.Styles(
        text=[a(w.fills[s]) for s in sev] + [a(base)],
        quoted=[a(w.quoted(w.fills[s])) for s in sev] + [a(w.quoted(base))],
        number=[a(w.fills[s]) for s in sev] + [a(base)],
        date=[a(w.fill_dates[s]) for s in sev] + [a(w.date)],
        blank=[a(w.fills[s]) for s in sev] + [None],
    )


def _chunks(n: int, build, step: int | None = None):
    """``build(start, stop)`` for consecutive slices of ``n`` rows, built ahead on threads (Arrow's kernels
    let go of the GIL), yielded in order."""
    from collections import deque
    from concurrent.futures import ThreadPoolExecutor

    from zyfw_checks.threads import workers

    step = step or CHUNK
    ahead: deque = deque()
    threads = workers()
    with ThreadPoolExecutor(threads) as pool:
        for start in range(0, n, step):
            ahead.append(pool.submit(build, start, min(n, start + step)))
            if len(ahead) > threads:
                yield ahead.popleft().result()
        while ahead:
            yield ahead.popleft().result()


def _findings(w: _Writer, ws, result, mask: bool) -> sx.BigSheet | None:
    f = result.findings
    if len(f) > MAX_ROWS - 1:
        f = f.head(MAX_ROWS - 2)
        w.cut = True
    sheet_col = bool(len(f)) and f["sheet"].fillna("").astype(str).ne("").any()
    headers = FINDING_HEADERS + ([("sheet", "工作表", 10)] if sheet_col else [])
    for c, (_, label, width) in enumerate(headers):
        ws.write_string(0, c, label, w.head)
        ws.set_column(c, c, width, w.wrap if width >= 40 else None)
    ws.freeze_panes(1, 0)
    if w.cut:
        w.text(ws, len(f) + 1, 0, f"本表最多容纳 {MAX_ROWS:,} 行：只列出了前 {len(f):,} 个问题，共 "
               f"{len(result.findings):,} 个。完整结果请用 --format jsonl 或 parquet 保存。", w.problem)
    if not len(f):
        return None
    ws.autofilter(0, 0, len(f), len(headers) - 1)
    plain = _styles(w)
    none = len(SEVERITIES)
    sev = pd.Categorical(f["severity"].astype(str), categories=list(SEVERITIES)).codes.astype("int8")
    sev = np.where(sev < 0, none, sev).astype("int8")
    letters = [sx.column_letter(c) for c in range(len(headers))]
    shared = {}  # columns of few distinct texts: each text once in the shared-string table
    for key in SHARED_KEYS:
        cat = f[key] if isinstance(f[key].dtype, pd.CategoricalDtype) else pd.Categorical(f[key].astype(str))
        cat = pd.Categorical(cat)
        shared[key] = (cat.codes.astype("int32"), len(w.shared))
        w.shared += [str(c) for c in cat.categories]

    def build(start: int, stop: int) -> memoryview:
        part = f.iloc[start:stop]
        rn = np.arange(start + 2, stop + 2)
        rn_text = pc.cast(pa.array(rn), pa.string())
        no_sev = np.full(stop - start, none, dtype="int8")
        cols = []
        for c, (key, _, _) in enumerate(headers):
            cell_sev = sev[start:stop] if key == "severity" else no_sev
            if key in shared:
                codes, offset = shared[key]
                cols.append(sx.shared_cells(codes[start:stop], w.shared_base + offset, cell_sev, plain))
                continue
            values = part[key].astype("int64") if key == "row" else part[key]
            cols.append(sx.column_cells(letters[c], rn_text, values, cell_sev, plain))
        return sx.rows_xml(rn, cols)

    return sx.BigSheet(2, lambda: _chunks(len(f), build), len(f), len(headers) - 1)


def _original(w: _Writer, ws, result, mask: bool) -> sx.BigSheet | None:
    """The user's rows that have a finding (the clean rows are left out: they need nothing),
    each with its problems and the cells they are about filled in the finding's colour."""
    t = result.table
    f = result.findings
    all_rows = t.df[ROW].to_numpy().astype("int64")
    found = f["row"].to_numpy(dtype="int64") if len(f) else np.array([], dtype="int64")
    rows = np.unique(found)
    pos = np.flatnonzero(np.isin(all_rows, rows))
    if len(pos) > MAX_ROWS - 1:
        pos = pos[: MAX_ROWS - 2]
        w.cut = True
    orig = shown_original(result, pos)
    headers = list(map(str, orig.columns))
    ws.write_string(0, 0, "原文件行号", w.head)
    ws.write_string(0, 1, "问题", w.head)
    for c, h in enumerate(headers, start=2):
        ws.write_string(0, c, h, w.head)
    ws.set_column(0, 0, 9)
    ws.set_column(1, 1, 50)
    ws.set_column(2, len(headers) + 1, 14)
    ws.freeze_panes(1, 2)
    ws.autofilter(0, 0, len(pos), len(headers) + 1)
    if not len(pos):
        return None
    # the problems of each row, one line per finding, in the findings' order (by row, then rule)
    line = pc.binary_join_element_wise(
        _arrow_text(f["rule"]), "〔", _arrow_text(f["severity"]), "〕", _arrow_text(f["message"]).fill_null(""), "")
    starts = np.flatnonzero(np.r_[True, found[1:] != found[:-1]])
    offsets = pa.array(np.r_[starts, len(found)].astype("int32"))
    line = line.combine_chunks() if isinstance(line, pa.ChunkedArray) else line
    problems = pc.binary_join(pa.ListArray.from_arrays(offsets, line.cast(pa.string())), "\n")
    at = np.searchsorted(rows, all_rows[pos])  # each written row → its entry in rows
    problems = pc.take(problems, pa.array(at))
    marks = problem_marks(result, rows)
    none = len(SEVERITIES)
    plain, problem_style = _styles(w), _styles(w, w.problem)
    letters = [sx.column_letter(c) for c in range(len(headers) + 2)]
    row_no = all_rows[pos]
    total = len(pos)

    def build(start: int, stop: int) -> memoryview:
        rn = np.arange(start + 2, stop + 2)
        rn_text = pc.cast(pa.array(rn), pa.string())
        no_sev = np.full(stop - start, none, dtype="int8")
        cols = [sx.column_cells(letters[0], rn_text, pd.Series(row_no[start:stop]), no_sev, plain),
                sx.column_cells(letters[1], rn_text, problems.slice(start, stop - start), no_sev, problem_style)]
        part = orig.iloc[start:stop]
        for c, h in enumerate(headers, start=2):
            m = marks.get(h)
            sev = m[at[start:stop]] if m is not None else no_sev
            cols.append(sx.column_cells(letters[c], rn_text, part.iloc[:, c - 2], sev, plain))
        return sx.rows_xml(rn, cols)

    return sx.BigSheet(3, lambda: _chunks(total, build), total, len(headers) + 1)


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


def render(result, progress: bool = False, **_) -> bytes:
    """The workbook as bytes (汇总, 问题明细, 原始记录, 未评估规则); masking follows the result.
    ``progress``: a bar on standard error while the big sheets are written."""
    buf = io.BytesIO()
    book = _book(buf)
    w = _Writer(book)
    sheets = {name: book.add_worksheet(name) for name in SHEETS}
    mask = result.masked
    big = [b for b in (_findings(w, sheets["问题明细"], result, mask), _original(w, sheets["原始记录"], result, mask))
           if b is not None]
    _summary(w, sheets["汇总"], result, mask)
    _not_assessed(w, sheets["未评估规则"], result)
    book.close()
    w.shared_base = sx.shared_base(buf.getvalue())
    chunks = sum(-(-b.last_row // CHUNK) for b in big)
    bar = None
    if progress and chunks > 1:
        import sys

        from tqdm import tqdm

        bar = tqdm(total=chunks, desc="写出 Excel", unit="块", file=sys.stderr, leave=False)
    try:
        return sx.inject(buf.getvalue(), big, w.shared, progress=bar.update if bar is not None else None)
    finally:
        if bar is not None:
            bar.close()


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
