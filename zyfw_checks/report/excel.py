"""Excel view: an .xlsx self-check workbook (汇总 · 问题明细 · 原始记录 · 未评估规则).

Every value that comes from the user's file is written with ``write_string`` (or as a number /
date), never through a formula path: a cell such as ``=HYPERLINK(...)`` or ``@SUM(A1)`` stays text.
Personal columns (证件号码, 联系电话) are masked unless ``mask=False``.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections import defaultdict

import pandas as pd
import xlsxwriter

from zyfw_checks import masking
from zyfw_checks.load import ROW
from zyfw_checks.registry import SEVERITIES

SHEETS = ("汇总", "问题明细", "原始记录", "未评估规则")
FILL = {"违规": "#F8CBAD", "存疑": "#FFE699", "提示": "#DDEBF7"}
FINDING_HEADERS = [
    ("row", "行号", 8), ("rule", "规则", 9), ("severity", "严重程度", 9), ("title", "问题类型", 22),
    ("record_id", "记录编号", 14), ("message", "问题说明", 60), ("evidence", "依据", 48), ("clause", "条款", 60),
]


# ---------------------------------------------------------------- facts shared with the HTML report


def organisation(result) -> str:
    """The organisation named in the file's 组织单位 column ('' when the column is absent or blank)."""
    df = result.table.df
    if "组织单位" not in df.columns:
        return ""
    names = df["组织单位"].dropna().astype(str).str.strip()
    names = names[names.ne("")]
    if names.empty:
        return ""
    counts = names.value_counts()
    if len(counts) == 1:
        return str(counts.index[0])
    return "、".join(map(str, counts.index[:3])) + f" 等 {len(counts)} 个单位"


def period(result) -> tuple[str, str]:
    """(first, last) service date from 开始时间 as YYYY-MM-DD, ('', '') when unknown."""
    df = result.table.df
    col = "开始时间" if "开始时间" in df.columns else ("服务日期" if "服务日期" in df.columns else None)
    if col is None or not pd.api.types.is_datetime64_any_dtype(df[col]):
        return "", ""
    s = df[col].dropna()
    if s.empty:
        return "", ""
    return s.min().strftime("%Y-%m-%d"), s.max().strftime("%Y-%m-%d")


def rule_rows(result) -> list[dict]:
    """One row per rule run or not: code, title, severity, clause section, count, status."""
    s = result.summary()
    counts: dict[str, int] = defaultdict(int)
    for item in s["by_rule"]:
        counts[item["rule"]] += item["count"]
    na = {n["rule"]: n for n in result.not_assessed}
    rows = []
    for r in result.rules:
        if r.code in na:
            status, n = f"未评估：{na[r.code]['reason']}", None
        else:
            n = counts.get(r.code, 0)
            status = "通过" if n == 0 else f"{n} 处"
        rows.append({"rule": r.code, "title": r.title, "severity": r.severity, "section": r.clause.section,
                     "count": n, "status": status})
    return rows


def shown_findings(result, mask: bool = True) -> pd.DataFrame:
    f = result.findings.copy()
    if mask and len(f):
        f["message"] = masking.mask_text(f["message"])
        f["evidence"] = masking.mask_text(f["evidence"])
    return f


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


def masked_original(result, mask: bool = True) -> pd.DataFrame:
    t = result.table
    orig = t.original.copy() if t.original is not None else t.df.drop(columns=[ROW], errors="ignore").copy()
    if not mask:
        return orig
    by_header = {h: c for c, h in t.mapping.items()}
    for col in orig.columns:
        canon = by_header.get(col)
        if canon in masking.ID_FIELDS:
            orig[col] = masking.mask_id(orig[col].map(_text, na_action="ignore"))
        elif canon in masking.PHONE_FIELDS:
            orig[col] = masking.mask_phone(orig[col].map(_text, na_action="ignore"))
        elif orig[col].map(lambda v: isinstance(v, str)).any():
            # free text can carry an ID or phone number too
            is_str = orig[col].map(lambda v: isinstance(v, str))
            orig.loc[is_str, col] = masking.mask_text(orig.loc[is_str, col]).astype(object)
    return orig


def _text(v) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


# ---------------------------------------------------------------- writing


class _Writer:
    def __init__(self, book: xlsxwriter.Workbook):
        self.book = book
        self.bold = book.add_format({"bold": True})
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.head = book.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1, "text_wrap": True,
                                     "valign": "top"})
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})
        self.date = book.add_format({"num_format": "yyyy-mm-dd hh:mm", "valign": "top"})
        self.fills = {s: book.add_format({"bg_color": c, "border": 1, "border_color": "#C00000" if s == "违规"
                                           else "#BF8F00", "valign": "top"}) for s, c in FILL.items()}
        self.fill_dates = {s: book.add_format({"bg_color": c, "border": 1, "num_format": "yyyy-mm-dd hh:mm",
                                               "valign": "top"}) for s, c in FILL.items()}
        self.problem = book.add_format({"text_wrap": True, "valign": "top", "font_color": "#C00000"})

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
        elif isinstance(v, (dt.timedelta, dt.time)):
            ws.write_string(r, c, str(v), fmt)
        else:
            ws.write_string(r, c, str(v), fmt)


def _summary(w: _Writer, ws, result, mask: bool) -> None:
    s = result.summary()
    t = result.table
    first, last = period(result)
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
    for row in rule_rows(result):
        r += 1
        for c, key in enumerate(["rule", "title", "severity", "section", "count", "status"]):
            w.cell(ws, r, c, row[key])
    if result.notes:
        r += 2
        ws.write_string(r, 0, "说明", w.bold)
        for note in result.notes:
            r += 1
            ws.write_string(r, 1, str(note), w.wrap)


def _findings(w: _Writer, ws, result, mask: bool) -> None:
    f = shown_findings(result, mask)
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
    ws.freeze_panes(1, 0)
    if len(f):
        ws.autofilter(0, 0, len(f), len(headers) - 1)


def _original(w: _Writer, ws, result, mask: bool) -> None:
    t = result.table
    orig = masked_original(result, mask)
    rows = t.df[ROW].astype("int64").tolist()
    cells = problem_cells(result)
    f = shown_findings(result, mask)
    problems: dict[int, list[str]] = defaultdict(list)
    worst: dict[int, str] = {}
    rank = {s: i for i, s in enumerate(SEVERITIES)}
    for row, code, sev, msg in zip(f["row"], f["rule"], f["severity"], f["message"], strict=True):
        problems[int(row)].append(f"{code}〔{sev}〕{msg}")
        if int(row) not in worst or rank.get(sev, 9) < rank.get(worst[int(row)], 9):
            worst[int(row)] = sev
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
            write_string(r, 1, "\n".join(problems[row_no]), w.problem)
        for c, v in enumerate(values, start=2):
            t = type(v)
            if t is str:  # the common case first: text stays text
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
    r = 0
    for r, n in enumerate(result.not_assessed, start=1):
        ws.write_string(r, 0, str(n["rule"]))
        ws.write_string(r, 1, str(n.get("title", "")))
        ws.write_string(r, 2, "、".join(m.replace("|", "或") for m in n.get("missing", [])))
        ws.write_string(r, 3, str(n.get("reason", "")), w.wrap)
    if not result.not_assessed:
        ws.write_string(1, 0, "全部规则均已评估。")


def render(result, mask: bool = True, **_) -> bytes:
    """The workbook as bytes (汇总, 问题明细, 原始记录, 未评估规则)."""
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {
        "in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
        "nan_inf_to_errors": True, "default_date_format": "yyyy-mm-dd hh:mm",
    })
    w = _Writer(book)
    sheets = {name: book.add_worksheet(name) for name in SHEETS}
    _summary(w, sheets["汇总"], result, mask)
    _findings(w, sheets["问题明细"], result, mask)
    _original(w, sheets["原始记录"], result, mask)
    _not_assessed(w, sheets["未评估规则"], result)
    book.close()
    return buf.getvalue()
