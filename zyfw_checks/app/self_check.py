"""The self-check app (自查): upload records, map columns, run the rules, read and download the findings.

Widgets only: every check is the engine's, every report is a writer in ``zyfw_checks.report``.
Uploaded bytes stay in this object's memory for the session (so a changed column mapping can be
re-read) and are never written to disk; :meth:`SelfCheckApp.clear` drops them at once.
"""

from __future__ import annotations

import base64
import io
import logging
import re
import time
import warnings
from html import escape, unescape
from pathlib import Path

import ipywidgets as w
import pandas as pd

from zyfw_checks.engine import CheckResult, check_table
from zyfw_checks.load import ROW, LoadError, Table, field_specs, load_table
from zyfw_checks.params import threshold
from zyfw_checks.registry import SEVERITIES
from zyfw_checks.rules import rules_for

log = logging.getLogger(__name__)

ACCEPT = ".xlsx,.xlsm,.xls,.csv,.txt"
PAGE_SIZE = 100
EAGER_REPORT_RECORDS = 20_000  # above this, reports are built when the user asks for them
IGNORE = "（不使用此列）"
SEV_COLOR = {"违规": "#c00000", "存疑": "#bf8f00", "提示": "#2f5597"}
SEV_FILL = {"违规": "#f8cbad", "存疑": "#ffe699", "提示": "#ddebf7"}
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

STYLE = """<style>
.zy-table { border-collapse: collapse; width: 100%; font-size: 13px; }
.zy-table th, .zy-table td { border: 1px solid #ccc; padding: 3px 6px; vertical-align: top; text-align: left; }
.zy-table th { background: #eef2f8; white-space: nowrap; }
.zy-table td.num { text-align: right; white-space: nowrap; }
.zy-table details summary { cursor: pointer; color: #2f5597; white-space: nowrap; }
.zy-msg-error { color: #c00000; background: #fff0f0; border: 1px solid #f3b6b6; padding: 8px 12px; border-radius: 4px; }
.zy-msg-ok { color: #1e6b2f; background: #f0fff3; border: 1px solid #b6e3c0; padding: 8px 12px; border-radius: 4px; }
.zy-msg-info { color: #333; background: #f5f7fa; border: 1px solid #d8dee8; padding: 8px 12px; border-radius: 4px; }
.zy-dl a { display: inline-block; margin: 4px 12px 4px 0; padding: 6px 14px; background: #2f5597; color: #fff;
           border-radius: 4px; text-decoration: none; }
.zy-cards { display: flex; gap: 12px; flex-wrap: wrap; }
.zy-card { border: 1px solid #d8dee8; border-radius: 6px; padding: 8px 14px; min-width: 110px; }
.zy-card b { font-size: 22px; display: block; }
</style>"""


# ---------------------------------------------------------------- helpers without widgets


def max_upload_bytes() -> int:
    return int(float(threshold("max_upload_mb")) * 1024 * 1024)


def sample_path() -> Path:
    from zyfw_checks.samples import SAMPLES

    return SAMPLES / "problems.xlsx"


def load_with_mapping(data: bytes, name: str, overrides: dict[str, str] | None = None) -> Table:
    """Read uploaded bytes with the user's column choices (header as written → canonical, "" = ignore)."""
    specs = field_specs("records")
    bad = {v for v in (overrides or {}).values() if v and v not in specs}
    if bad:
        raise LoadError(f"不认识的字段：{'、'.join(sorted(bad))}")
    return load_table(bytes(data), kind="records", name=name, overrides=overrides or None)


def check_upload(name: str, size: int) -> str | None:
    """A Chinese message when the upload cannot be accepted (too large, empty, wrong type), else None."""
    limit = max_upload_bytes()
    ext = Path(name).suffix.lower()
    if ext not in {e.strip() for e in ACCEPT.split(",")}:
        return (f"不支持的文件类型“{ext or '（无扩展名）'}”（文件“{name}”）。"
                "请上传从平台导出的 .xlsx、.xls 或 .csv 文件。")
    if size == 0:
        return f"文件“{name}”是空的（0 字节）。请重新导出后再试。"
    if size > limit:
        return (f"文件“{name}”有 {size / 1024 / 1024:.1f} MB，超过了 {limit / 1024 / 1024:g} MB 的上传上限。"
                "请按年度或季度拆分成几个文件分别检查，或删去与检查无关的列后再试。")
    return None


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


def findings_chart(result: CheckResult) -> bytes | None:
    """PNG of findings per rule (Chinese labels), or None when there are no findings."""
    f = result.findings
    if not len(f):
        return None
    from matplotlib.figure import Figure

    from zyfw_checks.app.fonts import setup_chinese_font

    setup_chinese_font()
    counts = f.groupby(["rule", "title"], sort=True).size().reset_index(name="n")
    worst = f.assign(o=f["severity"].map({s: i for i, s in enumerate(SEVERITIES)})).groupby("rule")["o"].min()
    counts = counts.sort_values("n", ascending=True)
    labels = [f"{r} {t}" for r, t in zip(counts["rule"], counts["title"], strict=True)]
    colors = [SEV_COLOR[SEVERITIES[int(worst[r])]] for r in counts["rule"]]
    fig = Figure(figsize=(7.5, 0.45 * len(counts) + 1.2), dpi=100)
    ax = fig.subplots()
    bars = ax.barh(labels, counts["n"], color=colors)
    ax.bar_label(bars, padding=3)
    ax.set_xlabel("问题数")
    ax.set_title("各规则发现的问题数（红：违规　黄：存疑　蓝：提示）")
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_xlim(0, counts["n"].max() * 1.15 + 1)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def filter_findings(f: pd.DataFrame, rule: str = "", severity: str = "", text: str = "") -> pd.DataFrame:
    out = f
    if rule:
        out = out[out["rule"] == rule]
    if severity:
        out = out[out["severity"] == severity]
    text = (text or "").strip()
    if text:
        hay = (out["row"].astype(str) + " " + out["rule"] + " " + out["title"] + " " + out["record_id"].fillna("")
               .astype(str) + " " + out["message"].fillna("").astype(str) + " " + out["evidence"].fillna("")
               .astype(str))
        out = out[hay.str.contains(text, regex=False, case=False)]
    return out


def findings_html(f: pd.DataFrame, result: CheckResult) -> str:
    """The findings as an HTML table; each row's rule explanation is one click away (<details>)."""
    if not len(f):
        return STYLE + '<p class="zy-msg-info">没有符合筛选条件的问题。</p>'
    rules = {r.code: r for r in result.rules}
    explain = {}
    for code, r in rules.items():
        explain[code] = (
            f"<details><summary>规则说明</summary><div style='max-width:36em'>"
            f"<p><b>{escape(r.code)} {escape(r.title)}</b>（{escape(r.severity)}）</p>"
            f"<p>{escape(r.explanation)}</p>"
            f"<p><b>合规示例：</b>{escape(r.compliant)}</p><p><b>不合规示例：</b>{escape(r.noncompliant)}</p>"
            f"<p><b>条款原文：</b>{escape(r.clause.cite())}</p>"
            + (f"<p><b>未纳入检查：</b>{escape(r.not_modelled)}</p>" if r.not_modelled else "")
            + "</div></details>"
        )
    parts = [STYLE, '<table class="zy-table"><thead><tr><th>行号</th><th>规则</th><th>严重程度</th>'
             "<th>记录编号</th><th>问题说明</th><th>依据</th><th>条款</th><th>怎么改</th></tr></thead><tbody>"]
    for item in f.itertuples(index=False):
        r = rules.get(item.rule)
        section = escape(r.clause.section) if r else ""
        rid = "" if pd.isna(item.record_id) else escape(str(item.record_id))
        parts.append(
            f'<tr><td class="num">{int(item.row)}</td><td>{escape(item.rule)}<br><small>{escape(item.title)}</small></td>'
            f'<td style="background:{SEV_FILL.get(item.severity, "#fff")}">{escape(item.severity)}</td>'
            f"<td>{rid}</td><td>{escape(str(item.message))}</td><td>{escape(str(item.evidence))}</td>"
            f"<td>{section}</td><td>{explain.get(item.rule, '')}</td></tr>"
        )
    parts.append("</tbody></table>")
    return "".join(parts)


# ---------------------------------------------------------------- the app


class SelfCheckApp:
    """All widgets of the self-check page; ``app.widget`` is what the notebook displays."""

    def __init__(self) -> None:
        self._data: bytes | None = None
        self._name: str = ""
        self.table: Table | None = None
        self.result: CheckResult | None = None
        self.overrides: dict[str, str] = {}
        self.timings: dict[str, float] = {}
        self._page = 0
        self._busy = False
        self._dropdowns: dict[str, w.Dropdown] = {}
        self._report_cache: dict[str, bytes] = {}

        self.title = w.HTML(
            STYLE + "<h2 style='margin-bottom:0'>志愿服务记录自查</h2>"
            "<p style='margin-top:4px;color:#555'>依据湘民发〔2023〕29号，检查您从中国志愿服务网、湖南志愿服务网、志愿汇"
            "导出的服务记录或自己的 Excel 台账。文件只在本次会话的内存中处理，不保存；关闭页面即清除。"
            f"单个文件不超过 {threshold('max_upload_mb')} MB。</p>"
        )
        self.upload = w.FileUpload(accept=ACCEPT, multiple=False, description="上传记录文件", icon="",
                                   layout=w.Layout(width="auto"))
        self.upload.observe(self._on_upload, names="value")
        self.sample_button = w.Button(description="使用示例数据",
                                      tooltip="用自带的示例文件（埋有各类问题）试一试")
        self.sample_button.on_click(lambda _: self.use_sample())
        self.clear_button = w.Button(description="清除本次数据", tooltip="立即从内存中删除上传的文件和结果")
        self.clear_button.on_click(lambda _: self.clear())
        self.mask = w.Checkbox(value=True, description="证件号码、联系电话打码显示（建议保持勾选）", indent=False,
                               layout=w.Layout(width="auto"))
        self.mask.observe(self._on_mask, names="value")
        self.status = w.HTML(_msg("info", "请上传记录文件（.xlsx / .xls / .csv），或点击“使用示例数据”。"))

        self.mapping_box = w.VBox([])
        self.mapping_apply = w.Button(description="按上面的对应关系重新读取")
        self.mapping_apply.on_click(lambda _: self.apply_mapping())
        self.mapping_section = w.Accordion(children=[w.VBox([])], titles=("列对应关系",))
        self.mapping_section.layout.display = "none"

        self.run_button = w.Button(description="开始检查", button_style="primary", disabled=True)
        self.run_button.on_click(lambda _: self.run())
        self.progress = w.IntProgress(value=0, min=0, max=1, description="检查进度", bar_style="info",
                                      layout=w.Layout(display="none"))
        self.progress_label = w.HTML("")

        self.summary = w.HTML("")
        self.chart = w.Image(format="png", layout=w.Layout(max_width="760px"))
        self.chart.layout.display = "none"
        self.rule_filter = w.Dropdown(description="规则", options=[("全部规则", "")], value="")
        self.severity_filter = w.Dropdown(description="严重程度", options=[("全部", "")] + [(s, s) for s in SEVERITIES],
                                          value="")
        self.text_filter = w.Text(description="查找", placeholder="行号、姓名、关键词……", continuous_update=False)
        for f in (self.rule_filter, self.severity_filter, self.text_filter):
            f.observe(self._on_filter, names="value")
        self.prev_button = w.Button(description="上一页", layout=w.Layout(width="100px"))
        self.next_button = w.Button(description="下一页", layout=w.Layout(width="100px"))
        self.prev_button.on_click(lambda _: self._turn(-1))
        self.next_button.on_click(lambda _: self._turn(1))
        self.page_label = w.HTML("")
        self.table_html = w.HTML("")
        self.findings_box = w.VBox([
            w.HTML("<h3>问题明细</h3><p style='color:#555'>行号是您文件中 Excel 显示的行号；点“规则说明”看这条规则查什么、怎么改。</p>"),
            w.HBox([self.rule_filter, self.severity_filter, self.text_filter]),
            w.HBox([self.prev_button, self.next_button, self.page_label]),
            self.table_html,
        ])
        self.downloads = w.HTML("")
        self.make_reports_button = w.Button(description="生成报告下载链接")
        self.make_reports_button.on_click(lambda _: self.build_downloads())
        self.download_box = w.VBox([w.HTML("<h3>下载报告</h3>"), self.make_reports_button, self.downloads])
        self.results = w.VBox([self.summary, self.chart, self.download_box, self.findings_box])
        self.results.layout.display = "none"

        self.widget = w.VBox([
            self.title,
            w.HBox([self.upload, self.sample_button, self.clear_button]),
            self.mask,
            self.status,
            self.mapping_section,
            w.HBox([self.run_button, self.progress, self.progress_label]),
            self.results,
        ], layout=w.Layout(max_width="1100px"))

    # ------------------------------------------------------------ input

    def _on_upload(self, change) -> None:
        files = change["new"]
        if not files:
            return
        item = files[0]
        name = str(item.get("name") or "上传的文件")
        content = item.get("content")
        size = int(item.get("size") or (len(content) if content is not None else 0))
        data = bytes(content) if content is not None else b""
        # the widget's copy of the bytes is dropped at once; ours lives only in this session's memory
        self.upload.value = ()
        self.load_bytes(data, name, size=size)

    def load_bytes(self, data: bytes, name: str, size: int | None = None) -> bool:
        """Take an uploaded file; shows what was recognised. True when the file could be read."""
        self._reset_results()
        self._data, self._name, self.table, self.overrides = None, "", None, {}
        self.run_button.disabled = True
        self.mapping_section.layout.display = "none"
        problem = check_upload(name, len(data) if size is None else size)
        if problem:
            self._error(problem)
            return False
        self._data, self._name = bytes(data), name
        return self._read()

    def use_sample(self) -> bool:
        path = sample_path()
        if not path.exists():
            self._error("找不到示例数据文件（data/samples/problems.xlsx）。请运行 python -m zyfw_checks.samples 生成。")
            return False
        if self.load_bytes(path.read_bytes(), "示例数据_problems.xlsx"):
            return self.run()
        return False

    def clear(self) -> None:
        self._data, self._name, self.table, self.result, self.overrides = None, "", None, None, {}
        self._report_cache = {}
        self._reset_results()
        self.mapping_section.layout.display = "none"
        self.run_button.disabled = True
        self.upload.value = ()
        self.status.value = _msg("ok", "已清除本次上传的文件和检查结果。")

    def _read(self) -> bool:
        self.status.value = _msg("info", f"正在读取“{self._name}”……较大的文件可能需要十几秒。")
        t0 = time.perf_counter()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self.table = load_with_mapping(self._data, self._name, self.overrides)
        except LoadError as exc:
            self.table = None
            self._error(str(exc))
            return False
        except MemoryError:
            self.table = None
            self._error("文件太大，内存不足，无法读取。请拆分成几个较小的文件分别检查。")
            return False
        except Exception as exc:  # never a traceback in the page
            log.exception("reading %s", self._name)
            self.table = None
            self._error(f"读取“{self._name}”时出错（{type(exc).__name__}）。请确认这是从平台导出或用 Excel 保存的记录表，"
                        "或改存为 .xlsx 后再试。")
            return False
        self.timings["load"] = time.perf_counter() - t0
        t = self.table
        where = (f"工作表“{t.sheet}”，" if t.sheet else "") + (f"表头在第 {t.header_row} 行，" if t.header_row else "")
        self.status.value = _msg(
            "ok", f"已读取“{self._name}”：{where}共 {len(t.df)} 条记录，识别出 {len(t.mapping)} 个字段。"
            "请核对下方的列对应关系，然后点击“开始检查”。")
        self._build_mapping()
        self.run_button.disabled = False
        return True

    # ------------------------------------------------------------ column mapping

    def _build_mapping(self) -> None:
        t = self.table
        specs = list(field_specs("records"))
        options = [(IGNORE, "")] + [(s, s) for s in specs]
        by_header = {h: c for c, h in t.mapping.items()}
        rows = []
        self._dropdowns = {}
        headers = [h for h in (t.original.columns if t.original is not None else []) if h in by_header
                   or h in t.unknown_headers]
        for h in headers:
            dd = w.Dropdown(options=options, value=by_header.get(h, ""), layout=w.Layout(width="220px"))
            self._dropdowns[h] = dd
            mark = "✓" if h in by_header else "？"
            rows.append(w.HBox([w.HTML(f"<span style='display:inline-block;width:2em'>{mark}</span>"
                                       f"<span style='display:inline-block;width:16em'>{escape(h)}</span>→"),
                                dd]))
        joined = [f"{c}（来自 {escape(h)}）" for c, h in t.mapping.items() if h not in headers]
        missing = self._missing_rules(t)
        notes = "".join(f"<li>{escape(n)}</li>" for n in t.notes)
        info = (
            "<p>左边是您文件里的列名，右边是工具认识的字段。“✓”为已自动识别，“？”为未识别（不参与检查）。"
            "如有对应错误，请在下拉框中改正，再点“按上面的对应关系重新读取”。</p>"
            + (f"<p>从其他工作表合并的字段：{'、'.join(joined)}</p>" if joined else "")
            + (f"<p><b>以下规则因缺少字段无法评估</b>（不代表通过）：</p><ul>{missing}</ul>" if missing else
               "<p>全部规则所需的字段都已找到。</p>")
            + (f"<p>读取说明：</p><ul>{notes}</ul>" if notes else "")
        )
        self.mapping_box.children = tuple(rows)
        self.mapping_section.children = (w.VBox([w.HTML(STYLE + info), self.mapping_box, self.mapping_apply]),)
        self.mapping_section.layout.display = None
        self.mapping_section.selected_index = None

    @staticmethod
    def _missing_rules(t: Table) -> str:
        items = []
        for r in rules_for("records"):
            missing = r.missing_fields(t.df.columns)
            if missing:
                items.append(f"<li>{escape(r.code)} {escape(r.title)}：缺少 "
                             f"{escape('、'.join(m.replace('|', '或') for m in missing))}</li>")
        return "".join(items)

    def set_mapping(self, header: str, canonical: str) -> None:
        """Choose the field for one column (what the dropdown does); call :meth:`apply_mapping` after."""
        self._dropdowns[header].value = canonical

    def apply_mapping(self) -> bool:
        if self._data is None or self.table is None:
            self._error("请先上传记录文件。")
            return False
        auto = {h: c for c, h in self.table.mapping.items()}
        chosen = {h: dd.value for h, dd in self._dropdowns.items()}
        dup = pd.Series([v for v in chosen.values() if v]).value_counts()
        dup = dup[dup > 1]
        if len(dup):
            self._error(f"字段“{'、'.join(dup.index)}”被选给了多个列，请每个字段只对应一列。")
            return False
        overrides = dict(self.overrides)
        for h, v in chosen.items():
            if auto.get(h, "") != v:
                overrides[h] = v
        self.overrides = overrides
        self._reset_results()
        return self._read()

    # ------------------------------------------------------------ running

    def _progress(self, i: int, n: int, code: str) -> None:
        self.progress.max = max(n, 1)
        self.progress.value = i
        self.progress_label.value = f"正在检查 {escape(code)}（{i}/{n}）" if code else f"已完成 {n} 条规则"

    def run(self) -> bool:
        if self.table is None:
            self._error("请先上传记录文件，或点击“使用示例数据”。")
            return False
        if self._busy:
            return False
        self._busy = True
        self.run_button.disabled = True
        self.progress.layout.display = None
        self.progress.value = 0
        t0 = time.perf_counter()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self.result = check_table(self.table, mask=self.mask.value, progress=self._progress)
            self.timings["check"] = time.perf_counter() - t0
            self._show_results()
            self.timings["show"] = time.perf_counter() - t0 - self.timings["check"]
        except Exception as exc:  # never a traceback in the page
            log.exception("checking %s", self._name)
            self.result = None
            self._error(f"检查时出错（{type(exc).__name__}）。请把这条信息和文件情况反馈给维护者。")
            return False
        finally:
            self._busy = False
            self.run_button.disabled = self.table is None
            self.progress.layout.display = "none"
            self.progress_label.value = ""
        return True

    def _on_mask(self, _change) -> None:
        if self.result is not None and self.table is not None:
            self.run()

    # ------------------------------------------------------------ results

    def _reset_results(self) -> None:
        self.result = None
        self.results.layout.display = "none"
        self.summary.value = ""
        self.downloads.value = ""
        self.table_html.value = ""
        self.chart.value = b""
        self.chart.layout.display = "none"

    def _show_results(self) -> None:
        res = self.result
        s = res.summary()
        t = res.table
        by_sev = "".join(
            f"<div class='zy-card' style='border-color:{SEV_COLOR[k]}'><span style='color:{SEV_COLOR[k]}'>{k}</span>"
            f"<b>{v}</b></div>" for k, v in s["by_severity"].items()
        )
        clean = f"{s['clean_share']:.1%}" if s["clean_share"] is not None else "—"
        counts: dict[str, int] = {}
        for item in s["by_rule"]:
            counts[item["rule"]] = counts.get(item["rule"], 0) + item["count"]
        na = {n["rule"]: n for n in res.not_assessed}
        rows = []
        for r in res.rules:
            if r.code in na:
                status = f"<span style='color:#888'>未评估（{escape(na[r.code]['reason'])}）</span>"
            elif counts.get(r.code):
                status = f"<b style='color:{SEV_COLOR.get(r.severity, '#000')}'>{counts[r.code]} 处</b>"
            else:
                status = "<span style='color:#1e6b2f'>通过</span>"
            rows.append(f"<tr><td>{escape(r.code)}</td><td>{escape(r.title)}</td><td>{escape(r.clause.section)}</td>"
                        f"<td>{status}</td></tr>")
        notes = "".join(f"<li>{escape(n)}</li>" for n in res.notes)
        self.summary.value = (
            STYLE + "<h3>检查结果</h3>"
            f"<p>文件：{escape(t.source)}" + (f"（工作表：{escape(t.sheet)}）" if t.sheet else "") + "</p>"
            "<div class='zy-cards'>"
            f"<div class='zy-card'>检查记录<b id='zy-records'>{s['records']}</b></div>"
            f"<div class='zy-card'>发现问题<b id='zy-findings'>{s['findings']}</b></div>"
            f"<div class='zy-card'>有问题的记录<b>{s['records_with_findings']}</b></div>"
            f"<div class='zy-card'>无问题记录占比<b>{clean}</b></div>{by_sev}</div>"
            "<h4>各规则结果</h4><table class='zy-table' style='width:auto'><thead><tr><th>规则</th><th>问题类型</th>"
            "<th>条款</th><th>结果</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
            + (f"<h4>说明</h4><ul>{notes}</ul>" if notes else "")
        )
        png = findings_chart(res)
        if png:
            self.chart.value = png
            self.chart.layout.display = None
        else:
            self.chart.layout.display = "none"
        f = res.findings
        opts = [("全部规则", "")]
        for code, title in f[["rule", "title"]].drop_duplicates().sort_values("rule").itertuples(index=False):
            opts.append((f"{code} {title}（{int((f['rule'] == code).sum())}）", code))
        for dd in (self.rule_filter, self.severity_filter):
            dd.unobserve(self._on_filter, names="value")
        self.rule_filter.options = opts
        self.rule_filter.value = ""
        self.severity_filter.value = ""
        self.text_filter.unobserve(self._on_filter, names="value")
        self.text_filter.value = ""
        for dd in (self.rule_filter, self.severity_filter, self.text_filter):
            dd.observe(self._on_filter, names="value")
        self._page = 0
        self._render_table()
        self.findings_box.layout.display = None if len(f) else "none"
        self.downloads.value = ""
        if res.records <= EAGER_REPORT_RECORDS:
            self.make_reports_button.layout.display = "none"
            self.build_downloads()
        else:
            self.make_reports_button.layout.display = None
        self.results.layout.display = None
        msg = (f"检查完成：{s['records']} 条记录，发现 {s['findings']} 个问题。" if s["findings"] else
               f"检查完成：{s['records']} 条记录，已评估的规则均未发现问题。")
        self.status.value = _msg("ok", msg + ("部分规则未评估，见“各规则结果”。" if res.not_assessed else ""))

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

    def _render_table(self) -> None:
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
        self.table_html.value = findings_html(shown, self.result)

    # ------------------------------------------------------------ downloads

    def report_bytes(self, fmt: str) -> bytes:
        from zyfw_checks.report import writer

        content = writer(fmt).render(self.result, mask=self.mask.value)
        return content.encode("utf-8") if isinstance(content, str) else content

    def build_downloads(self) -> None:
        if self.result is None:
            self._error("请先完成检查。")
            return
        stem = safe_filename(Path(self._name).stem)
        t0 = time.perf_counter()
        try:
            self.downloads.value = STYLE + "<p>正在生成报告……</p>"
            xlsx = self.report_bytes("xlsx")
            html = self.report_bytes("html")
        except Exception as exc:  # never a traceback in the page
            log.exception("reports for %s", self._name)
            self.downloads.value = _msg("error", f"生成报告时出错（{type(exc).__name__}）。检查结果仍可在下方查看。")
            return
        self._report_cache = {"xlsx": xlsx, "html": html}
        self.timings["reports"] = time.perf_counter() - t0
        self.downloads.value = (
            STYLE + "<div class='zy-dl'>"
            + data_link(xlsx, f"{stem}_自查报告.xlsx", XLSX_MIME, "下载 Excel 报告（.xlsx）")
            + data_link(html, f"{stem}_自查报告.html", "text/html;charset=utf-8", "下载自查报告（可打印 .html）")
            + "</div><p style='color:#555'>Excel 报告含：汇总、问题明细、原始记录（问题单元格已标色并附“问题”列）、"
            "未评估规则。自查报告用浏览器打开后可直接打印，留有负责人签字和日期处。"
            + ("证件号码、联系电话已打码。" if self.mask.value else "<b>注意：未打码，含个人信息，请妥善保管。</b>")
            + "</p>"
        )
        self.make_reports_button.layout.display = "none"

    # ------------------------------------------------------------ messages

    def _error(self, text: str) -> None:
        self.status.value = _msg("error", text)

    @property
    def status_text(self) -> str:
        """The status message as plain text (for tests)."""
        return unescape(re.sub(r"<[^>]+>", "", self.status.value.split("</style>")[-1]))


def build_app() -> SelfCheckApp:
    return SelfCheckApp()


PRELOAD_ENV = "ZYFW_APP_SAMPLE"  # set by scripts/start.sh: open with the bundled sample already checked


def display_app() -> SelfCheckApp:
    """What the notebook calls: build the app and display it."""
    import os

    from IPython.display import display

    app = build_app()
    display(app.widget)
    if os.environ.get(PRELOAD_ENV) == "1":
        app.use_sample()
    return app


__all__ = ["ROW", "SelfCheckApp", "build_app", "display_app", "load_with_mapping", "check_upload", "data_link"]
