"""The self-check app (自查): upload records, map columns, run the rules, read and download the findings.

Widgets only: every check is the engine's, every per-rule outcome is ``CheckResult.rule_status()``,
the chart is ``charts.findings_by_rule``, every report is a writer in ``zyfw_checks.report``, and every
message about a file that cannot be read is the loader's. Reading, checking and building reports run
in a worker process (``zyfw_checks.app.service``): the page keeps answering, a job waits in the
server's line when others are running, and a job that needs too much memory or time is stopped with
a message. Uploaded bytes stay in this object's memory for the session (so a changed column mapping
can be re-read) and are never written to disk; :meth:`SelfCheckApp.clear` drops them and ends the
session's kernel.
"""

from __future__ import annotations

import base64
import inspect
import io
import logging
import os
import re
import threading
import time
import warnings
from collections.abc import Callable
from html import escape, unescape
from pathlib import Path
from typing import Any

import ipywidgets as w
import pandas as pd

from zyfw_checks import load as loader
from zyfw_checks.app import service
from zyfw_checks.engine import CheckResult, check_table
from zyfw_checks.errors import internal_error_message
from zyfw_checks.load import ROW, Table, all_fields, field_specs, load_table
from zyfw_checks.params import threshold
from zyfw_checks.style import FILL, FOCUS, INK, SEVERITIES, rank
from zyfw_checks.templates import blank_template

log = logging.getLogger(__name__)

# every file type the loader reads (its *_EXT sets), offered in the file chooser
ACCEPT = ",".join(sorted(set().union(*(v for k, v in vars(loader).items() if k.endswith("_EXT") and isinstance(v, set)))))
PAGE_SIZE = 100
IGNORE = "（不使用此列）"
AUTO_UNIT = "按表头判断"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STATUS_INK = {"有问题": None, "部分未评估": INK["存疑"], "未评估": INK["未评估"], "通过": INK["通过"]}

# What happens to the data, said once on the page (the server in zyfw_checks/app/serve.py keeps it).
PROMISE = ("文件只在本次会话的内存中处理，不写入磁盘。点击“清除本次数据”或关闭本页，几秒内本次会话即结束，"
           "上传的文件和结果随之删除；网络中断或电脑休眠超过约 1 分钟，也会这样结束。")
CLEARED = ("已清除本次上传的文件和检查结果，本次会话已结束（服务器几秒内关闭它）。"
           "如需再检查，请刷新本页或点击下面的“重新开始”。")


def _style() -> str:
    """The page's CSS: 16 px text, 44 px controls, a 2 px focus ring, the larger-type 大字模式, and the
    findings table as one card per problem under 600 px. Colours come from ``zyfw_checks.style``."""
    v, t = INK["违规"], INK["提示"]
    return f"""<style>
:root {{ --jp-widgets-inline-height: 44px; --jp-widgets-font-size: 16px; --jp-ui-font-size1: 16px;
         --jp-widgets-inline-label-width: 6em; --jp-content-font-size1: 16px; }}
body.zy-elder {{ --jp-widgets-font-size: 24px; --jp-ui-font-size1: 24px; --jp-widgets-inline-height: 56px; }}
.zy-app {{ font-size: 16px; line-height: 1.6; color: #1a1a1a; }}
body.zy-elder .zy-app {{ font-size: 24px; }}
.zy-app .widget-html-content, .zy-app .widget-label {{ font-size: inherit; line-height: 1.6; }}
.zy-app button, .zy-app select, .zy-app input[type=text] {{ min-height: 44px; font-size: inherit; }}
.zy-app .widget-checkbox {{ min-height: 44px; align-items: center; }}
.zy-app .widget-checkbox input[type=checkbox] {{ width: 24px; height: 24px; margin-right: 8px; }}
.zy-app :focus-visible, .zy-app button:focus, .zy-app select:focus, .zy-app input:focus, .zy-app a:focus,
.zy-app summary:focus {{ outline: 2px solid {FOCUS} !important; outline-offset: 2px; }}
.zy-app a {{ color: {t}; text-decoration: underline; }}
.zy-app h1 {{ font-size: 1.6em; margin: 0.3em 0; }}
.zy-app h2 {{ font-size: 1.3em; margin: 0.8em 0 0.3em; }}
.zy-app p.zy-lead {{ color: #333; margin-top: 4px; }}
.zy-table {{ border-collapse: collapse; width: 100%; }}
.zy-table th, .zy-table td {{ border: 1px solid #bbb; padding: 6px 8px; vertical-align: top; text-align: left; }}
.zy-table th {{ background: #eef2f8; white-space: nowrap; }}
.zy-table td.num {{ text-align: right; white-space: nowrap; }}
.zy-table .zy-code {{ white-space: nowrap; }}
.zy-app summary {{ cursor: pointer; padding: 10px 0; min-height: 44px; box-sizing: border-box; }}
.zy-table details summary {{ color: {t}; }}
.zy-sev {{ font-weight: 600; white-space: nowrap; }}
.zy-msg-error {{ color: {v}; background: #fff0f0; border: 2px solid {v}; padding: 8px 12px; border-radius: 4px; }}
.zy-msg-ok {{ color: #1e5b2a; background: #f0fff3; border: 1px solid #6aa777; padding: 8px 12px; border-radius: 4px; }}
.zy-msg-info {{ color: #1a1a1a; background: #f5f7fa; border: 1px solid #8a96a8; padding: 8px 12px; border-radius: 4px; }}
.zy-msg-wait {{ color: #4d3b00; background: #fff8e1; border: 1px solid #b38f1f; padding: 8px 12px; border-radius: 4px; }}
.zy-todo {{ border: 4px solid {v}; padding: 12px 16px; margin: 8px 0 16px; background: #fff; }}
.zy-todo.zy-clean {{ border-color: {INK["通过"]}; }}
.zy-todo h2 {{ margin-top: 0; }}
.zy-todo ul {{ padding-left: 1.2em; margin: 0.3em 0; }}
.zy-todo li {{ margin: 0; }}
.zy-todo a {{ font-weight: 600; display: block; min-height: 44px; padding: 8px 0; box-sizing: border-box; }}
.zy-cards {{ display: flex; gap: 12px; flex-wrap: wrap; }}
.zy-card {{ border: 1px solid #8a96a8; border-radius: 6px; padding: 8px 14px; min-width: 110px; }}
.zy-card b {{ font-size: 1.4em; display: block; }}
.zy-bars {{ list-style: none; padding: 0; margin: 0.5em 0; max-width: 760px; }}
.zy-bars li {{ display: grid; grid-template-columns: minmax(8em, 18em) 1fr; gap: 8px; align-items: center;
               margin: 4px 0; }}
.zy-bars .zy-bar {{ display: flex; height: 28px; }}
.zy-bars .zy-bar span {{ display: block; height: 100%; }}
.zy-clear button, button.zy-clear {{ margin-left: 24px; }}
.zy-head {{ display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 8px; }}
.zy-app .widget-checkbox label, .zy-app .widget-checkbox span {{ white-space: normal; overflow: visible; }}
.zy-elder-btn {{ min-height: 44px; padding: 0 16px; font-size: inherit; border: 1px solid #595959;
                 background: #fff; color: #1a1a1a; border-radius: 4px; cursor: pointer; }}
.zy-elder-btn[aria-pressed=true] {{ background: #1a1a1a; color: #fff; }}
.zy-rule-head {{ border-left: 6px solid #595959; padding-left: 10px; margin-top: 1.2em; }}
.zy-fix {{ background: #f5f7fa; padding: 6px 10px; border-radius: 4px; }}
@media (max-width: 600px) {{
  .zy-app .widget-hbox, .zy-app .widget-inline-hbox {{ flex-wrap: wrap; }}
  .zy-app .widget-inline-hbox .widget-label {{ width: 100% !important; max-width: 100% !important; }}
  .zy-app .widget-dropdown select, .zy-app .widget-text input {{ min-width: 0; }}
  .zy-app .widget-dropdown, .zy-app .widget-text {{ width: 100% !important; }}
  .zy-table, .zy-table tbody, .zy-table tr, .zy-table td {{ display: block; width: 100%; box-sizing: border-box; }}
  .zy-table thead {{ position: absolute; left: -9999px; }}
  .zy-table tr {{ border: 1px solid #8a96a8; border-radius: 6px; margin: 0 0 12px; padding: 4px 0; }}
  .zy-table td {{ border: none; padding: 4px 10px; text-align: left !important; white-space: normal; }}
  .zy-table td::before {{ content: attr(data-label) "："; font-weight: 600; }}
  .zy-bars li {{ grid-template-columns: 1fr; }}
  .zy-clear button, button.zy-clear {{ margin-left: 0; margin-top: 16px; }}
}}
</style>"""


STYLE = _style()


# ---------------------------------------------------------------- helpers without widgets


def max_upload_bytes() -> int:
    return int(float(threshold("max_upload_mb")) * 1024 * 1024)


def too_large_message(name: str, size_mb: str) -> str:
    """The one text for a file over the upload limit (the page shows it before sending, the kernel after)."""
    return (f"文件“{name}”有 {size_mb} MB，超过了 {max_upload_bytes() / 1024 / 1024:g} MB 的上传上限，没有上传。"
            "请按年度或季度拆分成几个文件分别检查，或删去与检查无关的列后再试。")


def check_upload(name: str, size: int) -> str | None:
    """A Chinese message when the upload is over the size limit, else None (the loader judges the rest)."""
    if size > max_upload_bytes():
        return too_large_message(name, f"{size / 1024 / 1024:.1f}")
    return None


def sample_path() -> Path:
    from zyfw_checks.params import demo_file

    return demo_file("problems.xlsx")


def hours_fields() -> list[str]:
    return [k for k, v in all_fields("records").items() if v.get("type") == "hours" and k in field_specs("records")]


def load_with_mapping(data: bytes, name: str, overrides: dict[str, str] | None = None,
                      units: dict[str, str] | None = None) -> Table:
    """Read uploaded bytes with the user's column choices (header as written → canonical, "" = ignore)
    and units (hours field → 小时/分钟); the loader judges both."""
    kw: dict[str, Any] = {}
    if units and "units" in inspect.signature(load_table).parameters:
        kw["units"] = units
    return load_table(bytes(data), kind="records", name=name, overrides=overrides or None, **kw)


def safe_filename(stem: str) -> str:
    stem = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "_", stem).strip(" .") or "记录"
    return stem[:60]


def data_link(content: bytes | str, filename: str, mime: str, label: str) -> str:
    """An offline download link: ``<a download>`` with a data: URI (ipywidgets has no download widget)."""
    raw = content.encode("utf-8") if isinstance(content, str) else content
    b64 = base64.b64encode(raw).decode("ascii")
    return (f'<a download="{escape(filename, quote=True)}" href="data:{mime};base64,{b64}" '
            f'title="{escape(filename, quote=True)}">{escape(label)}</a>')


def _msg(kind: str, text: str) -> str:
    return f'{STYLE}<div class="zy-msg-{kind}">{escape(text)}</div>'


def chart_png(result: CheckResult) -> bytes | None:
    """PNG of ``charts.findings_by_rule`` (Chinese labels), or None when there are no findings."""
    if not len(result.findings):
        return None
    from matplotlib import pyplot as plt

    from zyfw_checks.charts import findings_by_rule

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fig = findings_by_rule(result, title="各规则发现的问题数")
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=100)
    plt.close(fig)
    return buf.getvalue()


def filter_findings(f: pd.DataFrame, rule: str = "", severity: str = "", text: str = "") -> pd.DataFrame:
    out = f
    if rule:
        out = out[out["rule"] == rule]
    if severity:
        out = out[out["severity"] == severity]
    text = (text or "").strip()
    if text:
        cols = ["row", "rule", "title", "record_id", "message", "evidence"]
        hay = out[cols[0]].astype(str)
        for c in cols[1:]:
            hay = hay + " " + out[c].astype(object).fillna("").astype(str)
        out = out[hay.str.contains(text, regex=False, case=False)]
    return out


def fix_sentences() -> dict[str, dict[str, str]]:
    """Rule code → {"fix": …, "verify": …}: what to change, or what to verify (params/fixes.yaml)."""
    from zyfw_checks.params import load_params

    return dict(load_params("fixes").get("fixes") or {})


def how_to_fix(code: str, severity: str, fixes: dict | None = None) -> str:
    """The concrete "怎么改" sentence for one finding: what to verify for 存疑, what to change otherwise."""
    entry = (fixes if fixes is not None else fix_sentences()).get(code) or {}
    if severity == "存疑":
        return entry.get("verify") or entry.get("fix") or ""
    return entry.get("fix") or entry.get("verify") or ""


def by_rule_severity(f: pd.DataFrame) -> pd.DataFrame:
    """Findings counted per rule and per each finding's own severity (``charts.findings_per_rule``)."""
    from types import SimpleNamespace

    from zyfw_checks.charts import findings_per_rule

    return findings_per_rule(SimpleNamespace(findings=f))


def _worst(f: pd.DataFrame) -> dict[str, str]:
    """Rule code → the most serious severity among its findings."""
    if not len(f):
        return {}
    ranks = f[["rule", "severity"]].drop_duplicates()
    ranks = ranks.assign(r=ranks["severity"].map(rank)).sort_values("r")
    return dict(ranks.drop_duplicates("rule")[["rule", "severity"]].itertuples(index=False))


def anchor(code: str) -> str:
    return f"zy-rule-{re.sub(r'[^A-Za-z0-9_-]', '', code)}"


def todo_html(result: CheckResult) -> str:
    """The top of the results (GOV.UK's error summary): "N 处需要处理" and one jump link per rule."""
    f = result.findings
    if not len(f):
        return ("<div class='zy-todo zy-clean' id='zy-todo'><h2>没有需要处理的问题</h2>"
                "<p>已评估的规则均未发现问题。下面的“各规则结果”列出了每条规则的结论。</p></div>")
    counts = by_rule_severity(f)
    items = []
    for r in counts.itertuples(index=False):
        items.append(f"<li><a href='#{anchor(r.rule)}'>{escape(r.rule)} {escape(r.title)}：{int(r.count)} 处"
                     f"（<span class='zy-sev' style='color:{INK.get(r.severity, INK['未评估'])}'>"
                     f"{escape(r.severity)}</span>）</a></li>")
    sev = "、".join(f"{k} {v} 处" for k, v in result.summary()["by_severity"].items() if v)
    return (f"<div class='zy-todo' id='zy-todo' role='region' aria-labelledby='zy-todo-h'>"
            f"<h2 id='zy-todo-h'>{len(f)} 处需要处理</h2><p>其中{sev}。“违规”请改正，“存疑”请人工核实，"
            "“提示”请补充或核对。点下面的问题直接跳到它的说明和所在行：</p><ul>" + "".join(items) + "</ul></div>")


_COLS = ("行号", "规则", "严重程度", "记录编号", "问题说明", "依据", "条款", "怎么改")


def findings_html(f: pd.DataFrame, result: CheckResult, fixes: dict | None = None) -> str:
    """Findings as an HTML table (one card per problem under 600 px); each row says how to fix it, and
    the rule's explanation is one click away (<details>)."""
    if not len(f):
        return STYLE + '<p class="zy-msg-info">没有符合筛选条件的问题。</p>'
    fixes = fix_sentences() if fixes is None else fixes
    rules = {r.code: r for r in result.rules}
    explain = {}
    for code in f["rule"].unique():
        r = rules.get(code)
        if r is None:
            continue
        explain[code] = (
            f"<details><summary>规则说明</summary><div style='max-width:36em'>"
            f"<p><b>{escape(r.code)} {escape(r.title)}</b></p>"
            f"<p>{escape(r.explanation)}</p>"
            f"<p><b>合规示例：</b>{escape(r.compliant)}</p><p><b>不合规示例：</b>{escape(r.noncompliant)}</p>"
            f"<p><b>条款原文：</b>{escape(r.clause.cite())}</p>"
            + (f"<p><b>未纳入检查：</b>{escape(r.not_modelled)}</p>" if r.not_modelled else "")
            + "</div></details>"
        )
    head = "".join(f"<th scope='col'>{c}</th>" for c in _COLS)
    parts = [STYLE, f'<table class="zy-table"><thead><tr>{head}</tr></thead><tbody>']
    for item in f.itertuples(index=False):
        r = rules.get(item.rule)
        section = escape(r.clause.section) if r else ""
        rid = "" if pd.isna(item.record_id) else escape(str(item.record_id))
        ink = INK.get(item.severity, INK["未评估"])
        cells = (
            f'<td class="num" data-label="行号">{int(item.row)}</td>',
            f'<td data-label="规则"><span class="zy-code">{escape(item.rule)}</span><br><small>{escape(item.title)}</small></td>',
            f'<td data-label="严重程度" style="background:{FILL.get(item.severity, "#fff")}">'
            f'<span class="zy-sev" style="color:{ink}">{escape(item.severity)}</span></td>',
            f'<td data-label="记录编号">{rid}</td>',
            f'<td data-label="问题说明">{escape(str(item.message))}</td>',
            f'<td data-label="依据">{escape(str(item.evidence))}</td>',
            f'<td data-label="条款">{section}</td>',
            f'<td data-label="怎么改"><span class="zy-fix">{escape(how_to_fix(item.rule, item.severity, fixes))}</span>'
            f'{explain.get(item.rule, "")}</td>',
        )
        parts.append("<tr>" + "".join(cells) + "</tr>")
    parts.append("</tbody></table>")
    return "".join(parts)


GROUP_SIZE = 10  # findings shown per rule in the grouped view (the rest: filter by rule, or the reports)


def grouped_html(result: CheckResult) -> str:
    """The default view: one section per rule with findings (most serious first), each with its anchor for
    the jump links, the "怎么改" sentence, and its first findings."""
    f = result.findings
    if not len(f):
        return ""
    fixes = fix_sentences()
    worst = _worst(f)
    counts = f["rule"].value_counts()
    order = sorted(worst, key=lambda c: (rank(worst[c]), c))
    titles = dict(f[["rule", "title"]].drop_duplicates("rule").itertuples(index=False))
    parts = [STYLE]
    for code in order:
        part = f[f["rule"] == code]
        n = int(counts[code])
        more = (f"<p>这里列出前 {GROUP_SIZE} 处，共 {n} 处：在上面的“规则”筛选中选 {escape(code)} 看全部，"
                "或下载 Excel 报告。</p>" if n > GROUP_SIZE else "")
        parts.append(
            f"<h3 class='zy-rule-head' id='{anchor(code)}' tabindex='-1' style='border-color:{INK.get(worst[code])}'>"
            f"{escape(code)} {escape(titles.get(code, ''))}（{n} 处）</h3>"
            f"<p><b>怎么改：</b>{escape(how_to_fix(code, worst[code], fixes))}</p>" + more
            + findings_html(part.head(GROUP_SIZE), result, fixes).removeprefix(STYLE)
        )
    return "".join(parts)


def bars_html(result: CheckResult) -> str:
    """Findings per rule as text and bars coloured by each finding's own severity: readable at any width and
    by a screen reader (the numbers are the text)."""
    counts = by_rule_severity(result.findings)
    if not len(counts):
        return ""
    per_rule = counts.groupby("rule", sort=False)["count"].sum()
    top = int(per_rule.max())
    rows = []
    for code, total in per_rule.items():
        part = counts[counts["rule"] == code]
        title = part["title"].iloc[0]
        said = "，".join(f"{s} {int(c)} 处" for s, c in zip(part["severity"], part["count"], strict=True))
        bar = "".join(f"<span style='width:{100 * int(c) / top:.1f}%;background:{INK.get(s, INK['未评估'])}'></span>"
                      for s, c in zip(part["severity"], part["count"], strict=True))
        rows.append(f"<li><span>{escape(code)} {escape(title)}：{int(total)} 处（{said}）</span>"
                    f"<span class='zy-bar' aria-hidden='true'>{bar}</span></li>")
    return "<h2>各规则发现的问题数</h2><ul class='zy-bars'>" + "".join(rows) + "</ul>"


def rule_status_html(result: CheckResult) -> str:
    """The per-rule outcome table: ``result.rule_status()`` in the words of ``report.facts.status_text``,
    coloured by the most serious severity among each rule's findings (not the rule's default)."""
    from zyfw_checks.report.facts import status_text

    worst = _worst(result.findings)
    status = result.rule_status()
    rows = []
    for r in status.itertuples(index=False):
        sev = worst.get(r.code)
        ink = INK.get(sev, INK["未评估"]) if sev else STATUS_INK.get(r.status) or INK["未评估"]
        text = escape(status_text(r))
        cell = f"<b style='color:{ink}'>{text}</b>" if sev else f"<span style='color:{ink}'>{text}</span>"
        rows.append(f"<tr><td class='zy-code' data-label='规则'>{escape(r.code)}</td>"
                    f"<td data-label='问题类型'>{escape(r.title)}</td><td data-label='条款'>{escape(r.section)}</td>"
                    f"<td data-label='结果'>{cell}</td></tr>")
    ok = int((status["status"] == "通过").sum())
    return (f"<details class='zy-status-table'><summary>各规则结果（{len(status)} 条规则，{ok} 条通过）</summary>"
            "<table class='zy-table'><thead><tr><th scope='col'>规则</th><th scope='col'>问题类型</th>"
            "<th scope='col'>条款</th><th scope='col'>结果</th></tr></thead><tbody>" + "".join(rows)
            + "</tbody></table></details>")


def _check_job(table: Table, mask: bool) -> CheckResult:
    """In the worker: the check. The table is not sent back (the kernel has it; for 100k records that saves
    pickling about 100 MB)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = check_table(table, mask=mask)
    result.table = None
    return result


REPORTS = {  # format → (button label, file suffix, MIME type)
    "xlsx": ("下载 Excel 报告（.xlsx）", "_自查报告.xlsx", XLSX_MIME),
    "html": ("下载可打印的自查报告（.html）", "_自查报告.html", "text/html;charset=utf-8"),
}


def _without_original(table: Table) -> Table:
    """The table as the page's kernel keeps it: the loader's copy of the raw cells (``Table.original``,
    half of what the worker would send back, and the slowest half to pickle) is cut to its headers.
    Only the reports use the raw cells; the report's worker reads them again from the same bytes
    (:func:`_with_original`)."""
    if table.original is not None and len(table.original):
        table.original = table.original.iloc[:0]
    return table


def _with_original(result: CheckResult, source: tuple | None) -> CheckResult:
    """In the report's worker: the raw cells back on the table, read again from the uploaded bytes with the
    same column choices (the loader gives the same table for the same bytes and choices)."""
    t = result.table
    if source is None or t is None or t.original is None or len(t.original) == len(t.df):
        return result
    data, name, overrides, units = source
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        again = load_with_mapping(data, name, overrides, units)
    if again.original is None or len(again.original) != len(t.df) or list(again.original.columns) != list(
            t.original.columns):
        raise RuntimeError("the file read again for the report does not match the checked table")
    t.original = again.original
    return result


def _report_job(result: CheckResult, mask: bool, fmt: str, source: tuple | None = None) -> bytes:
    from zyfw_checks.report import writer

    result = _with_original(result, source)
    content = writer(fmt).render(result, mask=mask)
    return content.encode("utf-8") if isinstance(content, str) else content


def _reports_job(result: CheckResult, mask: bool, source: tuple | None = None) -> dict[str, bytes]:
    return {fmt: _report_job(result, mask, fmt, source) for fmt in REPORTS}


def file_headers(data: bytes, name: str, exc: Exception | None = None) -> list[str]:
    """The headers of a file the loader refused (its first non-blank row), for the column mapping.

    Uses the loader's own list when its error carries one (``unrecognised``/``headers``)."""
    for attr in ("unrecognised", "headers"):
        got = getattr(exc, attr, None)
        if got:
            return [str(h) for h in got]
    try:
        sheets = loader.read_cells(bytes(data), name=name)
    except Exception:  # noqa: BLE001 - the file cannot be read at all: no mapping to offer
        return []
    for cells in sheets.values():
        if loader.PARQUET in sheets:
            return [str(c) for c in cells.columns]
        for pos in range(min(len(cells), 30)):
            vals = [str(v).strip() for v in cells.iloc[pos].tolist()
                    if v is not None and str(v).strip() and str(v) != "nan"]
            if len(vals) >= 2:
                return list(dict.fromkeys(vals))
    return []


def _read_job(data: bytes, name: str, overrides: dict[str, str], units: dict[str, str]):
    """In the worker: read the file; when the loader refuses it, the file's own headers (so the page can
    offer the column mapping instead of a dead end) with the loader's message."""
    try:
        return _without_original(load_with_mapping(data, name, overrides, units))
    except loader.LoadError as exc:
        headers = file_headers(data, name, exc)
        if len(headers) < 2:
            raise
        return {"refused": str(exc), "code": getattr(exc, "code", None), "headers": headers}


def warm_up() -> None:
    """In a page's kernel (``SelfCheckApp(warm=True)``): read and check the bundled sample once.

    Every job runs in a worker forked from this kernel, and a fork inherits what the kernel has set up
    but loses what the worker sets up itself. Without this, each check's worker built the word
    segmenter's dictionary (jieba) and imported the rules again, about a second of every check (2 cores
    shared by all users). The sample's result is thrown away; only caches are filled (no user data).

    Not at a lower OS priority: a niced thread that holds the GIL while the scheduler passes it over stalls
    the kernel's main thread, which answers the page (on a busy machine a page went unanswered for 90 s)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            check_table(load_table(sample_path()))
        from zyfw_checks import wordsplit

        wordsplit.tokenizer()  # built by the check already when the sample has listed words; else here
    except Exception as exc:  # noqa: BLE001 - a warm-up that fails only means the first check is slower
        log.warning("warm-up failed: %r", exc)


# ---------------------------------------------------------------- the app


class SelfCheckApp:
    """All widgets of the self-check page; ``app.widget`` is what the notebook displays.

    ``background=True`` (the served page) runs jobs in a thread so the page answers while they wait
    and run; the default runs them to the end before returning (tests, scripts). :meth:`wait` waits
    for the current job.
    """

    def __init__(self, background: bool = False, limits: service.Limits | None = None,
                 warm: bool | None = None) -> None:
        self.background = background
        self.limits = limits or service.Limits.from_env()
        # warm=True: the kernel's caches are filled (see warm_up) while the first file is read in its worker, on
        # the other core, so the check's worker inherits them (one user: about 1 s less per check). Off by
        # default: in two of two load tests with ten users at once it went with one upload that never reached
        # its kernel (none without it), and at page open it slowed ten pages from 21 s to 31 s.
        self._warm: threading.Thread | None = None
        self._warms = bool(warm)
        self._data: bytes | None = None
        self._name: str = ""
        self.table: Table | None = None
        self.result: CheckResult | None = None
        self.overrides: dict[str, str] = {}
        self.units: dict[str, str] = {}
        self.timings: dict[str, float] = {}
        self._page = 0
        self._busy = False
        self._thread: threading.Thread | None = None
        self._cancel = threading.Event()
        self._dropdowns: dict[str, w.Dropdown] = {}
        self._unit_dropdowns: dict[str, w.Dropdown] = {}
        self._refused_headers: list[str] = []
        self._source: tuple | None = None  # (bytes, name, column choices, units) the table was read from
        self._since = 0  # time.time_ns() when this session's last job asked for its place in line
        self._report_cache: dict[str, bytes] = {}
        self.ended = False

        limit = max_upload_bytes()
        self.title = w.HTML(
            STYLE + "<header class='zy-head'><h1>志愿服务记录自查</h1>"
            "<button type='button' class='zy-elder-btn' aria-pressed='false'>大字模式</button></header>"
            # read by the page's script (zyfw template) to refuse a larger file before sending it
            f"<span id='zy-upload-limit' hidden data-max-bytes='{limit}' "
            f"data-message='{escape(too_large_message('{name}', '{mb}'), quote=True)}'></span>"
            "<div id='zy-client-msg' role='alert'></div>"
        )
        # the introduction: hidden while results are shown, so the first problem is on the first screen
        self.intro = w.HTML(
            STYLE + "<p class='zy-lead'>依据湘民发〔2023〕29号，检查您从中国志愿服务网、湖南志愿服务网、志愿汇"
            f"导出的服务记录或自己的 Excel 台账。{escape(PROMISE)}"
            f"单个文件不超过 {threshold('max_upload_mb')} MB。"
            "还没有电子台账？<span class='zy-link'>"
            f"{data_link(blank_template('records'), '服务记录模板.xlsx', XLSX_MIME, '下载空白记录表模板')}"
            "</span>（第2行是填写说明）。</p>"
        )
        self.upload = w.FileUpload(accept=ACCEPT, multiple=False, description="上传记录文件", icon="",
                                   layout=w.Layout(width="auto"))
        self.upload.observe(self._on_upload, names="value")
        self.sample_button = w.Button(description="使用示例数据", layout=w.Layout(width="auto"),
                                      tooltip="用自带的示例文件（埋有各类问题）试一试")
        self.sample_button.on_click(lambda _: self.use_sample())
        self.clear_button = w.Button(description="清除本次数据", button_style="danger", layout=w.Layout(width="auto"),
                                     tooltip="立即从内存中删除上传的文件和结果，并结束本次会话")
        self.clear_button.add_class("zy-clear")
        self.clear_button.on_click(lambda _: self.clear())
        self.mask = w.Checkbox(value=True, description="证件号码、电话打码显示（建议勾选）", indent=False,
                               layout=w.Layout(width="auto"))
        self.mask.observe(self._on_mask, names="value")
        self.status = w.HTML(_msg("info", "请上传记录文件（Excel、CSV 等），或点击“使用示例数据”。"))
        self.status.add_class("zy-status")  # the page's script makes it a live region (role=status)

        self.mapping_box = w.VBox([])
        self.mapping_apply = w.Button(description="按上面的对应关系重新读取", layout=w.Layout(width="auto"))
        self.mapping_apply.on_click(lambda _: self.apply_mapping())
        # a real button (Tab reaches it, Enter/Space opens it), not an accordion title
        self.mapping_toggle = w.ToggleButton(value=False, description="列对应关系（点此展开）", icon="",
                                             tooltip="查看、改正文件中每一列对应的字段", layout=w.Layout(width="auto"))
        self.mapping_toggle.observe(self._on_mapping_toggle, names="value")
        self.mapping_body = w.VBox([])
        self.mapping_body.layout.display = "none"
        self.mapping_section = w.VBox([self.mapping_toggle, self.mapping_body])
        self.mapping_section.layout.display = "none"

        self.run_button = w.Button(description="开始检查", button_style="primary", disabled=True,
                                   layout=w.Layout(width="auto"))
        self.run_button.on_click(lambda _: self.run())
        self.progress_label = w.HTML("")

        self.todo = w.HTML("")
        self.summary = w.HTML("")
        self.chart = w.HTML("")
        self.rule_filter = w.Dropdown(description="规则", options=[("全部规则", "")], value="")
        self.severity_filter = w.Dropdown(description="严重程度", options=[("全部", "")] + [(s, s) for s in SEVERITIES],
                                          value="")
        self.text_filter = w.Text(description="查找", placeholder="行号、姓名、关键词……", continuous_update=False)
        for f in (self.rule_filter, self.severity_filter, self.text_filter):
            f.observe(self._on_filter, names="value")
        self.prev_button = w.Button(description="上一页", layout=w.Layout(width="auto"))
        self.next_button = w.Button(description="下一页", layout=w.Layout(width="auto"))
        self.prev_button.on_click(lambda _: self._turn(-1))
        self.next_button.on_click(lambda _: self._turn(1))
        self.page_label = w.HTML("")
        self.pager = w.HBox([self.prev_button, self.next_button, self.page_label])
        self.table_html = w.HTML("")
        self.findings_box = w.VBox([
            w.HTML("<h2>问题明细</h2><p>行号是您文件中 Excel 显示的行号。每处问题都写了“怎么改”；"
                   "点“规则说明”看这条规则查什么。用下面的筛选只看某条规则、某种严重程度或某个关键词。</p>"),
            w.HBox([self.rule_filter, self.severity_filter, self.text_filter]),
            self.pager,
            self.table_html,
        ])
        self.downloads = w.HTML("")  # used only when anywidget is missing (data: links, the old way)
        try:
            from zyfw_checks.app.downloads import ReportDownloads
        except ImportError:  # pragma: no cover - the app extra installs anywidget
            self.report_widget = None
            self.make_reports_button = w.Button(description="生成报告下载链接", layout=w.Layout(width="auto"))
            self.make_reports_button.on_click(lambda _: self.build_downloads())
            dl = [self.make_reports_button, self.downloads]
        else:
            self.report_widget = ReportDownloads([{"fmt": k, "label": v[0]} for k, v in REPORTS.items()],
                                                 on_request=self.download_report)
            self.make_reports_button = None
            dl = [self.report_widget]
        self.download_note = w.HTML("")
        self.download_box = w.VBox([w.HTML("<h2>下载报告</h2><p>点一下生成并下载一份报告，大文件约需十几秒。</p>"),
                                    *dl, self.download_note])
        self.results = w.VBox([self.todo, self.findings_box, self.download_box, self.summary, self.chart])
        self.results.layout.display = "none"
        self.controls = w.VBox([w.HBox([self.upload, self.sample_button, self.clear_button]), self.mask])

        self.widget = w.VBox([
            self.title,
            self.intro,
            self.controls,
            self.status,
            self.mapping_section,
            w.HBox([self.run_button, self.progress_label]),
            self.results,
        ], layout=w.Layout(max_width="1100px"))
        self.widget.add_class("zy-app")

    # ------------------------------------------------------------ jobs

    def _start_warm(self) -> None:
        """With warm=True: start the warm-up once, right after a worker was forked (never before a fork)."""
        if self._warms and self._warm is None:
            self._warm = threading.Thread(target=warm_up, name="zyfw-warm", daemon=True)
            self._warm.start()

    def _set_working(self, working: bool) -> None:
        self._busy = working
        for b in (self.upload, self.sample_button, self.mapping_apply, self.make_reports_button, self.mask):
            if b is not None:
                b.disabled = working
        if self.report_widget is not None:
            self.report_widget.disabled = working
        self.run_button.disabled = working or self.table is None

    def _job(self, doing: str, fn: Callable[[], Any], done: Callable[[Any], bool | None],
             tick: Callable[[str], None] | None = None, keep_place: bool = False) -> bool:
        """Run ``fn`` in a worker (waiting in line if needed); ``done(value)`` shows its result.

        ``keep_place``: the job keeps the place in line of this session's last job (when that began less than
        ``service.KEEP_PLACE_S`` seconds ago), so a check asked for right after the reading is not put
        behind the readings of everyone who came later. Returns whether it finished well (background mode:
        whether it was started)."""
        if self._busy or self.ended:
            return False
        now = time.time_ns()
        since = self._since if keep_place and self._since and now - self._since < service.KEEP_PLACE_S * 1e9 \
            else now
        self._since = since
        self._set_working(True)
        cancel = self._cancel = threading.Event()
        self.status.value = _msg("info", doing)
        t0 = time.monotonic()

        def waiting(ahead: int, running: int, eta: float) -> None:
            if not cancel.is_set():
                self.status.value = _msg("wait", service.wait_message(ahead, running, eta))

        def ticking(seconds: float) -> None:
            if not cancel.is_set():
                self.status.value = _msg("info", f"{doing}已用 {int(seconds)} 秒。")
                if tick is not None:
                    tick(f"{doing}已用 {int(seconds)} 秒。")

        def work() -> bool:
            try:
                if self._warm is not None:  # never fork while the warm-up holds a lock; the worker inherits it
                    self._warm.join()
                value = service.run_job(fn, self.limits, on_wait=waiting, cancel=cancel, on_tick=ticking,
                                        since_ns=since, on_start=self._start_warm)
                if cancel.is_set():
                    return False
                self.timings["job"] = time.monotonic() - t0
                return done(value) is not False
            except service.JobCancelled:
                return False
            except service.JobError as exc:  # the loader's and the kit's own messages, shown as they are
                if not cancel.is_set():
                    self._error(str(exc))
                return False
            except Exception as exc:  # a bug of the kit, never a traceback and never "your file is wrong"
                log.error("job failed for %s: %r", self._name, exc)
                if not cancel.is_set():
                    self._error(internal_error_message(exc, "self-check app"))
                return False
            finally:
                if not cancel.is_set():
                    self._set_working(False)

        if self.background:
            self._thread = threading.Thread(target=work, name="zyfw-job", daemon=True)
            self._thread.start()
            return True
        return work()

    def wait(self, timeout: float | None = None) -> None:
        """Wait for the job started in the background (if any)."""
        if self._thread is not None:
            self._thread.join(timeout)

    # ------------------------------------------------------------ input

    def _on_upload(self, change) -> None:
        files = change["new"]
        if not files:
            return
        item = files[0]
        name = str(item.get("name") or "上传的文件")
        content = item.get("content")
        data = bytes(content) if content is not None else b""
        size = len(data)  # the bytes received, not the browser's claim (item["size"]), decide the limit
        # the widget's copy of the bytes is dropped at once; ours lives only in this session's memory
        self.upload.value = ()
        self.load_bytes(data, name, size=size)

    def load_bytes(self, data: bytes, name: str, size: int | None = None) -> bool:
        """Take an uploaded file and read it (in a worker). True when the file could be read."""
        if self._busy or self.ended:
            return False
        self._reset_results()
        self._data, self._name, self.table, self.overrides, self.units = None, "", None, {}, {}
        self._source = None
        self.run_button.disabled = True
        self.mapping_section.layout.display = "none"
        problem = check_upload(name, max(len(data), size or 0))
        if problem:
            self._error(problem)
            return False
        self._data, self._name = bytes(data), name
        return self._read()

    def use_sample(self) -> bool:
        path = sample_path()
        if not path.exists():
            self._error("找不到示例数据文件（工具包安装不完整），请重新安装工具包。")
            return False
        if self.background:  # read, then check, in one background thread
            self.background = False

            def both() -> None:
                try:
                    if self.load_bytes(path.read_bytes(), "示例数据_problems.xlsx"):
                        self.run()
                finally:
                    self.background = True
            self._thread = threading.Thread(target=both, name="zyfw-sample", daemon=True)
            self._thread.start()
            return True
        return self.load_bytes(path.read_bytes(), "示例数据_problems.xlsx") and self.run()

    def clear(self) -> None:
        """Drop the file and the results at once and end this session's kernel (the server does it)."""
        self._cancel.set()
        self._data, self._name, self.table, self.result, self.overrides, self.units = None, "", None, None, {}, {}
        self._source = None
        self._report_cache = {}
        self._reset_results()
        self.mapping_section.layout.display = "none"
        self.run_button.disabled = True
        self.upload.value = ()
        self.ended = True
        self.controls.layout.display = "none"
        self.run_button.layout.display = "none"
        self.progress_label.value = ""
        self.status.value = _msg("ok", CLEARED) + "<p><a href='' id='zy-restart'>重新开始</a></p>"
        service.request_end(self.limits)

    def _read(self) -> bool:
        data, name, overrides, units = self._data, self._name, dict(self.overrides), dict(self.units)

        def done(value) -> bool | None:
            if isinstance(value, dict):  # refused: offer the mapping with the file's own headers
                self._refused_headers = list(value["headers"])
                self._build_mapping_from_headers(self._refused_headers)
                self.status.value = _msg(
                    "error", value["refused"] + "如果这其实是逐条的服务记录，只是列名不同，请在下面的“列对应关系”"
                    "中为每一列选择对应的字段（例如“从”选开始时间、“分钟数”选服务时长并把单位设为分钟），"
                    "再点“按上面的对应关系重新读取”。")
                return False
            self.table = table = value
            self._source = (data, name, overrides, units)  # what the table was read from (the reports read it again)
            self._refused_headers = []
            where = (f"工作表“{table.sheet}”，" if table.sheet else "") + (
                f"表头在第 {table.header_row} 行，" if table.header_row else "")
            missing = needs_mapping(table)
            self._build_mapping()
            if missing:
                self.mapping_toggle.value = True
                self.status.value = _msg(
                    "error", f"已读取“{name}”：{where}共 {len(table.df)} 条记录，但没有认出{'、'.join(missing)}这几列。"
                    "请在下面的“列对应关系”中为您文件里的列选择对应的字段，再点“按上面的对应关系重新读取”；"
                    "也可以直接“开始检查”，缺少字段的规则会标为“未评估”。")
            else:
                self.status.value = _msg(
                    "ok", f"已读取“{name}”：{where}共 {len(table.df)} 条记录，识别出 {len(table.mapping)} 个字段。"
                    "请核对下方的列对应关系，然后点击“开始检查”。")
            self.run_button.disabled = False

        self.table = None
        return self._job(f"正在读取“{name}”……较大的文件可能需要十几秒。",
                         lambda: _read_job(data, name, overrides, units), done)

    # ------------------------------------------------------------ column mapping

    def _on_mapping_toggle(self, change) -> None:
        self.mapping_body.layout.display = None if change["new"] else "none"
        self.mapping_toggle.description = "列对应关系（点此收起）" if change["new"] else "列对应关系（点此展开）"

    def _field_options(self) -> tuple[list[str], list[tuple[str, str]]]:
        template = list(field_specs("records"))  # the template's fields first, then those of platform exports
        specs = template + [k for k in all_fields("records") if k not in template]
        return specs, [(IGNORE, "")] + [(s, s) for s in specs]

    def _dropdown(self, label: str, options, value: str) -> w.Dropdown:
        """A dropdown whose accessible name is its label (the column's header as written in the file)."""
        return w.Dropdown(description=label, description_allow_html=False, options=options, value=value,
                          style={"description_width": "16em"}, layout=w.Layout(width="auto", max_width="100%"))

    def _show_mapping(self, rows: list, info: str) -> None:
        self.mapping_box.children = tuple(rows)
        self.mapping_box.add_class("zy-map")
        self.mapping_body.children = (w.HTML(STYLE + info), self.mapping_box, self.mapping_apply)
        self.mapping_section.layout.display = None

    def _build_mapping_from_headers(self, headers: list[str]) -> None:
        """The mapping for a file the loader refused: every header of the file, with the loader's guess."""
        specs, options = self._field_options()
        index = loader.alias_index("records")
        self._dropdowns, self._unit_dropdowns, rows = {}, {}, []
        for h in headers:
            guess = self.overrides.get(h, loader.match_header(h, index) or "")
            dd = self._dropdown(f"{h}", options, guess if guess in specs else "")
            self._dropdowns[h] = dd
            rows.append(dd)
        unit = w.Dropdown(description="服务时长的单位", options=[(AUTO_UNIT, ""), ("小时", "小时"), ("分钟", "分钟")],
                          value=next(iter(self.units.values()), ""), style={"description_width": "16em"},
                          layout=w.Layout(width="auto", max_width="100%"))
        for field in hours_fields():
            self._unit_dropdowns[field] = unit
        rows.append(unit)
        info = ("<p>工具没有认出这个文件的列。左边是您文件里的列名，请在右边为每一列选择它对应的字段"
                "（不需要的列选“（不使用此列）”），至少要有姓名、开始时间或服务日期、服务时长。</p>")
        self._show_mapping(rows, info)
        self.mapping_toggle.value = True

    def _build_mapping(self) -> None:
        t = self.table
        specs, options = self._field_options()
        by_header = {h: c for c, h in t.mapping.items()}
        rows = []
        self._dropdowns = {}
        cols = t.columns if len(t.columns) else pd.DataFrame(
            {"column": "", "header": [h for h in (t.original.columns if t.original is not None else [])
                                      if h in by_header or h in t.unknown_headers], "status": ""})
        for r in cols.itertuples(index=False):
            h, status, letter = str(r.header), str(r.status or ""), str(r.column or "")
            where = f"{letter} 列 " if letter else ""
            if status == "空表头":
                continue
            if h in self._dropdowns:  # a second column with the same header: the loader says which is used
                rows.append(w.HTML(f"<span style='display:inline-block;width:2em'>—</span>"
                                   f"<span>{escape(where + h)}：{escape(status or '重复')}</span>"))
                continue
            value = by_header.get(h) or (str(getattr(r, "field", "") or "") if status == "重复，未使用" else "")
            mark = {"已使用": "✓", "按设置不使用": "✗", "重复，未使用": "—"}.get(status, "✓" if h in by_header else "？")
            dd = self._dropdown(f"{mark} {where}{h}", options, value if value in specs else "")
            self._dropdowns[h] = dd
            rows.append(dd)
        headers = list(self._dropdowns)
        self._unit_dropdowns = {}
        if "units" in inspect.signature(load_table).parameters:
            for field in hours_fields():
                if field not in t.mapping:
                    continue
                current = getattr(t, "units", {}).get(field)
                chosen = self.units.get(field, "")
                dd = w.Dropdown(description=f"“{field}”这一列的单位",
                                options=[(f"{AUTO_UNIT}（现为{current or '小时'}）", ""), ("小时", "小时"),
                                         ("分钟", "分钟")], value=chosen, style={"description_width": "16em"},
                                layout=w.Layout(width="auto", max_width="100%"))
                self._unit_dropdowns[field] = dd
                rows.append(dd)
        joined = [f"{c}（来自 {escape(h)}）" for c, h in t.mapping.items() if h not in headers]
        notes = "".join(f"<li>{escape(n)}</li>" for n in t.notes)
        info = (
            "<p>左边是您文件里的列名，右边是工具认识的字段。“✓”为已识别；“？”未识别、“✗”已设为不使用、"
            "“—”与另一列重复（这三种都不参与检查）。"
            "如有对应错误，或服务时长其实按分钟记录，请在下拉框中改正，再点“按上面的对应关系重新读取”。"
            "哪些规则因缺少字段无法评估，检查后在“各规则结果”中列出。</p>"
            + (f"<p>从其他工作表合并的字段：{'、'.join(joined)}</p>" if joined else "")
            + (f"<p>读取说明：</p><ul>{notes}</ul>" if notes else "")
        )
        self._show_mapping(rows, info)
        self.mapping_toggle.value = False

    def set_mapping(self, header: str, canonical: str) -> None:
        """Choose the field for one column (what the dropdown does); call :meth:`apply_mapping` after."""
        self._dropdowns[header].value = canonical

    def set_unit(self, field: str, unit: str) -> None:
        """Choose the unit of an hours column (小时/分钟, "" = by its header); call :meth:`apply_mapping` after."""
        self._unit_dropdowns[field].value = unit

    def apply_mapping(self) -> bool:
        if self._data is None or (self.table is None and not self._refused_headers):
            self._error("请先上传记录文件。")
            return False
        chosen = {h: dd.value for h, dd in self._dropdowns.items()}
        if self.table is None:  # the loader refused the file: every choice is the user's
            overrides = {h: v for h, v in chosen.items() if v}
        else:
            auto = {h: c for c, h in self.table.mapping.items()}
            overrides = dict(self.overrides)
            for h, v in chosen.items():
                if auto.get(h, "") != v:
                    overrides[h] = v
        self.overrides = overrides
        mapped = set(overrides.values()) | (set(self.table.mapping) if self.table is not None else set())
        self.units = {f: dd.value for f, dd in self._unit_dropdowns.items() if dd.value and f in mapped}
        self._reset_results()
        return self._read()

    # ------------------------------------------------------------ running

    def run(self) -> bool:
        if self.table is None:
            self._error("请先上传记录文件，或点击“使用示例数据”。")
            return False
        table, mask = self.table, self.mask.value

        def done(value: CheckResult) -> None:
            self.result = value
            self.result.table = table
            self._report_cache = {}
            self.timings["check"] = self.timings.get("job", 0.0)
            t0 = time.monotonic()
            self._show_results()
            self.timings["show"] = time.monotonic() - t0

        return self._job(f"正在检查“{self._name}”（{len(table.df)} 条记录）……", lambda: _check_job(table, mask), done,
                         keep_place=True)

    def _on_mask(self, _change) -> None:
        if self.result is not None and self.table is not None:
            self.run()

    # ------------------------------------------------------------ results

    def _reset_results(self) -> None:
        self.result = None
        self._report_cache = {}
        self.results.layout.display = "none"
        self.intro.layout.display = None
        self.todo.value = ""
        self.summary.value = ""
        self.downloads.value = ""
        self.download_note.value = ""
        self.table_html.value = ""
        self.chart.value = ""
        if self.report_widget is not None:
            self.report_widget.status = ""

    def _show_results(self) -> None:
        res = self.result
        s = res.summary()
        t = res.table
        by_sev = "".join(
            f"<div class='zy-card' style='border-color:{INK[k]}'><span style='color:{INK[k]}'>{k}</span>"
            f"<b>{v}</b></div>" for k, v in s["by_severity"].items()
        )
        clean = f"{s['clean_share']:.1%}" if s["clean_share"] is not None else "—"
        notes = "".join(f"<li>{escape(n)}</li>" for n in res.notes)
        self.todo.value = STYLE + todo_html(res)
        self.summary.value = (
            STYLE + "<h2>检查概况</h2>"
            f"<p>文件：{escape(t.source)}" + (f"（工作表：{escape(t.sheet)}）" if t.sheet else "") + "</p>"
            "<div class='zy-cards'>"
            f"<div class='zy-card'>检查记录<b id='zy-records'>{s['records']}</b></div>"
            f"<div class='zy-card'>发现问题<b id='zy-findings'>{s['findings']}</b></div>"
            f"<div class='zy-card'>有问题的记录<b>{s['records_with_findings']}</b></div>"
            f"<div class='zy-card'>无问题记录占比<b>{clean}</b></div>{by_sev}</div>"
            + rule_status_html(res)
            + (f"<h3>说明</h3><ul>{notes}</ul>" if notes else "")
        )
        self.chart.value = STYLE + bars_html(res)
        f = res.findings
        opts = [("全部规则", "")]
        counts = f["rule"].value_counts() if len(f) else pd.Series(dtype="int64")
        for code, title in f[["rule", "title"]].drop_duplicates().sort_values("rule").itertuples(index=False):
            opts.append((f"{code} {title}（{int(counts[code])}）", code))
        for dd in (self.rule_filter, self.severity_filter, self.text_filter):
            dd.unobserve(self._on_filter, names="value")
        self.rule_filter.options = opts
        self.rule_filter.value = ""
        self.severity_filter.value = ""
        self.text_filter.value = ""
        for dd in (self.rule_filter, self.severity_filter, self.text_filter):
            dd.observe(self._on_filter, names="value")
        self._page = 0
        self._render_table()
        self.findings_box.layout.display = None if len(f) else "none"
        self.downloads.value = ""
        self.download_note.value = ("<p>Excel 报告含：汇总、问题明细、原始记录（问题单元格已标色并附“问题”列）、"
                                    "未评估规则。自查报告用浏览器打开后可直接打印，留有负责人签字和日期处。"
                                    + ("证件号码、联系电话已打码。" if self.mask.value
                                       else "<b>注意：未打码，含个人信息，请妥善保管。</b>") + "</p>")
        if self.make_reports_button is not None:
            self.make_reports_button.layout.display = None
        self.results.layout.display = None
        self.intro.layout.display = "none"
        unassessed = int(res.rule_status()["status"].isin(["未评估", "部分未评估"]).sum())
        msg = (f"检查完成：{s['records']} 条记录，{s['findings']} 处需要处理，见下方。" if s["findings"] else
               f"检查完成：{s['records']} 条记录，已评估的规则均未发现问题。")
        self.status.value = _msg("ok", msg + ("部分规则未评估，见“各规则结果”。" if unassessed else ""))

    def filtered(self) -> pd.DataFrame:
        if self.result is None:
            return pd.DataFrame()
        return filter_findings(self.result.findings, self.rule_filter.value, self.severity_filter.value,
                               self.text_filter.value)

    def _on_filter(self, _change) -> None:
        self._page = 0
        self._render_table()

    def _turn(self, step: int) -> None:
        self._page += step
        self._render_table()

    @property
    def filtering(self) -> bool:
        return bool(self.rule_filter.value or self.severity_filter.value or (self.text_filter.value or "").strip())

    def _render_table(self) -> None:
        """No filter: the findings grouped by rule (the jump links' targets); a filter: a paged flat list."""
        if self.result is None:
            return
        f = self.filtered()
        pages = max(1, -(-len(f) // PAGE_SIZE))
        self._page = min(max(self._page, 0), pages - 1)
        lo = self._page * PAGE_SIZE
        shown = f.iloc[lo:lo + PAGE_SIZE]
        self.prev_button.disabled = self._page == 0
        self.next_button.disabled = self._page >= pages - 1
        self.page_label.value = (f"第 {lo + 1}–{lo + len(shown)} 条，共 {len(f)} 条" if len(f)
                                 else "共 0 条")
        if self.filtering:
            self.pager.layout.display = None
            self.table_html.value = findings_html(shown, self.result)
        else:
            self.pager.layout.display = "none"
            self.table_html.value = grouped_html(self.result)

    # ------------------------------------------------------------ downloads

    def report_bytes(self, fmt: str) -> bytes:
        """One report (built in this process when the page has not asked for it yet)."""
        if fmt not in self._report_cache:
            self._report_cache[fmt] = _report_job(self.result, self.mask.value, fmt, self._source)
        return self._report_cache[fmt]

    def report_filename(self, fmt: str) -> str:
        return safe_filename(Path(self._name).stem) + REPORTS[fmt][1]

    def download_report(self, fmt: str) -> bool:
        """Build one report in a worker (the button's click) and send it to the page as binary."""
        if self.result is None:
            self._error("请先完成检查。")
            return False
        result, mask, rw, source = self.result, self.mask.value, self.report_widget, self._source
        label = "Excel 报告" if fmt == "xlsx" else "可打印的自查报告"
        name, mime = self.report_filename(fmt), REPORTS[fmt][2]

        def tick(text: str) -> None:
            if rw is not None:
                rw.status = text

        def done(data: bytes) -> None:
            self._report_cache[fmt] = data
            self.timings[f"report_{fmt}"] = self.timings.get("job", 0.0)
            if rw is not None:
                rw.deliver(name, mime, data)
                rw.busy = ""
                rw.status = f"{label}已生成（{len(data) / 1024 / 1024:.1f} MB），浏览器正在保存“{name}”。"
            self.status.value = _msg("ok", f"{label}已生成，浏览器正在保存“{name}”。")

        if rw is not None:
            rw.busy, rw.status = fmt, f"正在生成{label}……"
        if fmt in self._report_cache:
            done(self._report_cache[fmt])
            return True
        ok = self._job(f"正在生成{label}……", lambda: _report_job(result, mask, fmt, source), done, tick=tick)
        if not ok and not self.background and rw is not None:
            rw.busy, rw.status = "", "报告没有生成，原因见页面上方的提示。"
        return ok

    def build_downloads(self) -> bool:
        """Without anywidget only: build both reports and show them as data: links (the old way)."""
        if self.result is None:
            self._error("请先完成检查。")
            return False
        result, mask, source = self.result, self.mask.value, self._source

        def done(reports: dict[str, bytes]) -> None:
            self._report_cache = reports
            self.downloads.value = STYLE + "<div class='zy-dl'>" + "".join(
                data_link(reports[k], self.report_filename(k), v[2], v[0]) for k, v in REPORTS.items()) + "</div>"
            self.status.value = _msg("ok", "报告已生成，请点击下方链接下载。")

        return self._job("正在生成报告……", lambda: _reports_job(result, mask, source), done)

    # ------------------------------------------------------------ messages

    def _error(self, text: str) -> None:
        self.status.value = _msg("error", text)

    @property
    def status_text(self) -> str:
        """The status message as plain text (for tests)."""
        return unescape(re.sub(r"<[^>]+>", "", self.status.value.split("</style>")[-1]))


def needs_mapping(table: Table) -> list[str]:
    """What a check cannot do without (a time and a duration), when the file has columns the loader did
    not recognise: then the page opens the column mapping by itself."""
    unknown = list(getattr(table, "unrecognised", None) or table.unknown_headers or [])
    if not unknown:
        return []
    m = table.mapping
    missing = []
    if not ({"开始时间", "服务日期", "起止时间", "开始日期"} & set(m)):
        missing.append("服务时间")
    if not ({"服务时长(小时)", "荣誉时长(小时)"} & set(m)):
        missing.append("服务时长")
    if "姓名" not in m and "志愿者编号" not in m:
        missing.append("志愿者")
    return missing


def build_app(background: bool = False) -> SelfCheckApp:
    from zyfw_checks.app.service import ENV_WARM

    return SelfCheckApp(background=background, warm=background and os.environ.get(ENV_WARM) == "1")


PRELOAD_ENV = "ZYFW_APP_SAMPLE"  # set by scripts/start.sh: open with the bundled sample already checked


def display_app() -> SelfCheckApp:
    """What the notebook calls: build the app (jobs in the background) and display it."""
    from IPython.display import display

    app = build_app(background=True)
    display(app.widget)
    if os.environ.get(PRELOAD_ENV) == "1":
        app.use_sample()
    return app


__all__ = ["ROW", "SelfCheckApp", "build_app", "display_app", "load_with_mapping", "check_upload", "data_link"]
