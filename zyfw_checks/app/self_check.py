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
from zyfw_checks.load import ROW, Table, all_fields, field_specs, load_table
from zyfw_checks.params import threshold
from zyfw_checks.style import FILL, INK, SEVERITIES
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

STYLE = """<style>
.zy-table { border-collapse: collapse; width: 100%; font-size: 13px; }
.zy-table th, .zy-table td { border: 1px solid #ccc; padding: 3px 6px; vertical-align: top; text-align: left; }
.zy-table th { background: #eef2f8; white-space: nowrap; }
.zy-table td.num { text-align: right; white-space: nowrap; }
.zy-table details summary { cursor: pointer; color: #2f5597; white-space: nowrap; }
.zy-msg-error { color: #c00000; background: #fff0f0; border: 1px solid #f3b6b6; padding: 8px 12px; border-radius: 4px; }
.zy-msg-ok { color: #1e6b2f; background: #f0fff3; border: 1px solid #b6e3c0; padding: 8px 12px; border-radius: 4px; }
.zy-msg-info { color: #333; background: #f5f7fa; border: 1px solid #d8dee8; padding: 8px 12px; border-radius: 4px; }
.zy-msg-wait { color: #5a4500; background: #fff8e1; border: 1px solid #f0d98c; padding: 8px 12px; border-radius: 4px; }
.zy-dl a { display: inline-block; margin: 4px 12px 4px 0; padding: 6px 14px; background: #2f5597; color: #fff;
           border-radius: 4px; text-decoration: none; }
.zy-link a { color: #2f5597; text-decoration: underline; }
.zy-cards { display: flex; gap: 12px; flex-wrap: wrap; }
.zy-card { border: 1px solid #d8dee8; border-radius: 6px; padding: 8px 14px; min-width: 110px; }
.zy-card b { font-size: 22px; display: block; }
</style>"""


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


def findings_html(f: pd.DataFrame, result: CheckResult) -> str:
    """One page of findings as an HTML table; each row's rule explanation is one click away (<details>)."""
    if not len(f):
        return STYLE + '<p class="zy-msg-info">没有符合筛选条件的问题。</p>'
    rules = {r.code: r for r in result.rules}
    explain = {}
    for code in f["rule"].unique():
        r = rules.get(code)
        if r is None:
            continue
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
            f'<td style="background:{FILL.get(item.severity, "#fff")}">{escape(item.severity)}</td>'
            f"<td>{rid}</td><td>{escape(str(item.message))}</td><td>{escape(str(item.evidence))}</td>"
            f"<td>{section}</td><td>{explain.get(item.rule, '')}</td></tr>"
        )
    parts.append("</tbody></table>")
    return "".join(parts)


def rule_status_html(result: CheckResult) -> str:
    """The per-rule outcome table: ``result.rule_status()`` in the words of ``report.facts.status_text``."""
    from zyfw_checks.report.facts import status_text

    rows = []
    for r in result.rule_status().itertuples(index=False):
        ink = INK.get(r.severity, "#000") if r.status == "有问题" else STATUS_INK.get(r.status) or INK["未评估"]
        text = escape(status_text(r))
        cell = f"<b style='color:{ink}'>{text}</b>" if r.status == "有问题" else f"<span style='color:{ink}'>{text}</span>"
        rows.append(f"<tr><td>{escape(r.code)}</td><td>{escape(r.title)}</td><td>{escape(r.section)}</td>"
                    f"<td>{cell}</td></tr>")
    return ("<h4>各规则结果</h4><table class='zy-table' style='width:auto'><thead><tr><th>规则</th><th>问题类型</th>"
            "<th>条款</th><th>结果</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>")


def _check_job(table: Table, mask: bool) -> tuple[CheckResult, bytes | None]:
    """In the worker: the check and its chart. The table is not sent back (the kernel has it; for 100k
    records that saves pickling about 100 MB)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = check_table(table, mask=mask)
    png = chart_png(result)
    result.table = None
    return result, png


def _reports_job(result: CheckResult, mask: bool) -> dict[str, bytes]:
    from zyfw_checks.report import writer

    out = {}
    for fmt in ("xlsx", "html"):
        content = writer(fmt).render(result, mask=mask)
        out[fmt] = content.encode("utf-8") if isinstance(content, str) else content
    return out


# ---------------------------------------------------------------- the app


class SelfCheckApp:
    """All widgets of the self-check page; ``app.widget`` is what the notebook displays.

    ``background=True`` (the served page) runs jobs in a thread so the page answers while they wait
    and run; the default runs them to the end before returning (tests, scripts). :meth:`wait` waits
    for the current job.
    """

    def __init__(self, background: bool = False, limits: service.Limits | None = None) -> None:
        self.background = background
        self.limits = limits or service.Limits.from_env()
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
        self._report_cache: dict[str, bytes] = {}
        self._chart: bytes | None = None
        self.ended = False

        limit = max_upload_bytes()
        self.title = w.HTML(
            STYLE + "<h2 style='margin-bottom:0'>志愿服务记录自查</h2>"
            "<p style='margin-top:4px;color:#555'>依据湘民发〔2023〕29号，检查您从中国志愿服务网、湖南志愿服务网、志愿汇"
            f"导出的服务记录或自己的 Excel 台账。{escape(PROMISE)}"
            f"单个文件不超过 {threshold('max_upload_mb')} MB。"
            "还没有电子台账？<span class='zy-link'>"
            f"{data_link(blank_template('records'), '服务记录模板.xlsx', XLSX_MIME, '下载空白记录表模板')}"
            "</span>（第2行是填写说明）。</p>"
            # read by the page's script (zyfw template) to refuse a larger file before sending it
            f"<span id='zy-upload-limit' hidden data-max-bytes='{limit}' "
            f"data-message='{escape(too_large_message('{name}', '{mb}'), quote=True)}'></span>"
            "<div id='zy-client-msg'></div>"
        )
        self.upload = w.FileUpload(accept=ACCEPT, multiple=False, description="上传记录文件", icon="",
                                   layout=w.Layout(width="auto"))
        self.upload.observe(self._on_upload, names="value")
        self.sample_button = w.Button(description="使用示例数据",
                                      tooltip="用自带的示例文件（埋有各类问题）试一试")
        self.sample_button.on_click(lambda _: self.use_sample())
        self.clear_button = w.Button(description="清除本次数据",
                                     tooltip="立即从内存中删除上传的文件和结果，并结束本次会话")
        self.clear_button.on_click(lambda _: self.clear())
        self.mask = w.Checkbox(value=True, description="证件号码、联系电话打码显示（建议保持勾选）", indent=False,
                               layout=w.Layout(width="auto"))
        self.mask.observe(self._on_mask, names="value")
        self.status = w.HTML(_msg("info", "请上传记录文件（Excel、CSV 等），或点击“使用示例数据”。"))

        self.mapping_box = w.VBox([])
        self.mapping_apply = w.Button(description="按上面的对应关系重新读取")
        self.mapping_apply.on_click(lambda _: self.apply_mapping())
        self.mapping_section = w.Accordion(children=[w.VBox([])], titles=("列对应关系",))
        self.mapping_section.layout.display = "none"

        self.run_button = w.Button(description="开始检查", button_style="primary", disabled=True)
        self.run_button.on_click(lambda _: self.run())
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
        self.download_box = w.VBox([w.HTML("<h3>下载报告</h3><p style='color:#555'>需要时再生成，"
                                           "大文件约需十几秒。</p>"), self.make_reports_button, self.downloads])
        self.results = w.VBox([self.summary, self.chart, self.download_box, self.findings_box])
        self.results.layout.display = "none"
        self.controls = w.VBox([w.HBox([self.upload, self.sample_button, self.clear_button]), self.mask])

        self.widget = w.VBox([
            self.title,
            self.controls,
            self.status,
            self.mapping_section,
            w.HBox([self.run_button, self.progress_label]),
            self.results,
        ], layout=w.Layout(max_width="1100px"))

    # ------------------------------------------------------------ jobs

    def _set_working(self, working: bool) -> None:
        self._busy = working
        for b in (self.upload, self.sample_button, self.mapping_apply, self.make_reports_button, self.mask):
            b.disabled = working
        self.run_button.disabled = working or self.table is None

    def _job(self, doing: str, fn: Callable[[], Any], done: Callable[[Any], bool | None]) -> bool:
        """Run ``fn`` in a worker (waiting in line if needed); ``done(value)`` shows its result.

        Returns whether it finished well (background mode: whether it was started)."""
        if self._busy or self.ended:
            return False
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

        def work() -> bool:
            try:
                value = service.run_job(fn, self.limits, on_wait=waiting, cancel=cancel, on_tick=ticking)
                if cancel.is_set():
                    return False
                self.timings["job"] = time.monotonic() - t0
                return done(value) is not False
            except service.JobCancelled:
                return False
            except service.JobError as exc:
                if not cancel.is_set():
                    self._error(str(exc))
                return False
            except Exception as exc:  # never a traceback in the page
                detail = exc.args[2] if isinstance(exc, RuntimeError) and len(exc.args) > 2 else ""
                log.error("job failed for %s: %r\n%s", self._name, exc, detail)
                kind = exc.args[0] if isinstance(exc, RuntimeError) and exc.args else type(exc).__name__
                if not cancel.is_set():
                    self._error(f"处理时出错（{kind}）。请把这条信息和文件情况反馈给维护者。")
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
        size = int(item.get("size") or (len(content) if content is not None else 0))
        data = bytes(content) if content is not None else b""
        # the widget's copy of the bytes is dropped at once; ours lives only in this session's memory
        self.upload.value = ()
        self.load_bytes(data, name, size=size)

    def load_bytes(self, data: bytes, name: str, size: int | None = None) -> bool:
        """Take an uploaded file and read it (in a worker). True when the file could be read."""
        if self._busy or self.ended:
            return False
        self._reset_results()
        self._data, self._name, self.table, self.overrides, self.units = None, "", None, {}, {}
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
        self._report_cache, self._chart = {}, None
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

        def done(table: Table) -> None:
            self.table = table
            t = table
            where = (f"工作表“{t.sheet}”，" if t.sheet else "") + (f"表头在第 {t.header_row} 行，" if t.header_row else "")
            self.status.value = _msg(
                "ok", f"已读取“{name}”：{where}共 {len(t.df)} 条记录，识别出 {len(t.mapping)} 个字段。"
                "请核对下方的列对应关系，然后点击“开始检查”。")
            self._build_mapping()
            self.run_button.disabled = False

        self.table = None
        return self._job(f"正在读取“{name}”……较大的文件可能需要十几秒。",
                         lambda: load_with_mapping(data, name, overrides, units), done)

    # ------------------------------------------------------------ column mapping

    def _build_mapping(self) -> None:
        t = self.table
        template = list(field_specs("records"))  # the template's fields first, then those of platform exports
        specs = template + [k for k in all_fields("records") if k not in template]
        options = [(IGNORE, "")] + [(s, s) for s in specs]
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
                                   f"<span style='color:#888'>{escape(where + h)}：{escape(status or '重复')}</span>"))
                continue
            value = by_header.get(h) or (str(getattr(r, "field", "") or "") if status == "重复，未使用" else "")
            dd = w.Dropdown(options=options, value=value if value in specs else "", layout=w.Layout(width="220px"))
            self._dropdowns[h] = dd
            mark = {"已使用": "✓", "按设置不使用": "✗", "重复，未使用": "—"}.get(status, "✓" if h in by_header else "？")
            rows.append(w.HBox([w.HTML(f"<span style='display:inline-block;width:2em'>{mark}</span>"
                                       f"<span style='display:inline-block;width:16em'>{escape(where + h)}</span>→"),
                                dd]))
        headers = list(self._dropdowns)
        self._unit_dropdowns = {}
        if "units" in inspect.signature(load_table).parameters:
            for field in hours_fields():
                if field not in t.mapping:
                    continue
                current = getattr(t, "units", {}).get(field)
                chosen = self.units.get(field, "")
                dd = w.Dropdown(options=[(f"{AUTO_UNIT}（现为{current or '小时'}）", ""), ("小时", "小时"),
                                         ("分钟", "分钟")], value=chosen, layout=w.Layout(width="220px"))
                self._unit_dropdowns[field] = dd
                rows.append(w.HBox([w.HTML(f"<span style='display:inline-block;width:18em'>“{escape(field)}”"
                                           "这一列的单位</span>→"), dd]))
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
        self.mapping_box.children = tuple(rows)
        self.mapping_section.children = (w.VBox([w.HTML(STYLE + info), self.mapping_box, self.mapping_apply]),)
        self.mapping_section.layout.display = None
        self.mapping_section.selected_index = None

    def set_mapping(self, header: str, canonical: str) -> None:
        """Choose the field for one column (what the dropdown does); call :meth:`apply_mapping` after."""
        self._dropdowns[header].value = canonical

    def set_unit(self, field: str, unit: str) -> None:
        """Choose the unit of an hours column (小时/分钟, "" = by its header); call :meth:`apply_mapping` after."""
        self._unit_dropdowns[field].value = unit

    def apply_mapping(self) -> bool:
        if self._data is None or self.table is None:
            self._error("请先上传记录文件。")
            return False
        auto = {h: c for c, h in self.table.mapping.items()}
        chosen = {h: dd.value for h, dd in self._dropdowns.items()}
        overrides = dict(self.overrides)
        for h, v in chosen.items():
            if auto.get(h, "") != v:
                overrides[h] = v
        self.overrides = overrides
        self.units = {f: dd.value for f, dd in self._unit_dropdowns.items() if dd.value}
        self._reset_results()
        return self._read()

    # ------------------------------------------------------------ running

    def run(self) -> bool:
        if self.table is None:
            self._error("请先上传记录文件，或点击“使用示例数据”。")
            return False
        table, mask = self.table, self.mask.value

        def done(value: tuple[CheckResult, bytes | None]) -> None:
            self.result, self._chart = value
            self.result.table = table
            self._report_cache = {}
            self.timings["check"] = self.timings.get("job", 0.0)
            t0 = time.monotonic()
            self._show_results()
            self.timings["show"] = time.monotonic() - t0

        return self._job(f"正在检查“{self._name}”（{len(table.df)} 条记录）……", lambda: _check_job(table, mask), done)

    def _on_mask(self, _change) -> None:
        if self.result is not None and self.table is not None:
            self.run()

    # ------------------------------------------------------------ results

    def _reset_results(self) -> None:
        self.result = None
        self._report_cache = {}
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
            f"<div class='zy-card' style='border-color:{INK[k]}'><span style='color:{INK[k]}'>{k}</span>"
            f"<b>{v}</b></div>" for k, v in s["by_severity"].items()
        )
        clean = f"{s['clean_share']:.1%}" if s["clean_share"] is not None else "—"
        notes = "".join(f"<li>{escape(n)}</li>" for n in res.notes)
        self.summary.value = (
            STYLE + "<h3>检查结果</h3>"
            f"<p>文件：{escape(t.source)}" + (f"（工作表：{escape(t.sheet)}）" if t.sheet else "") + "</p>"
            "<div class='zy-cards'>"
            f"<div class='zy-card'>检查记录<b id='zy-records'>{s['records']}</b></div>"
            f"<div class='zy-card'>发现问题<b id='zy-findings'>{s['findings']}</b></div>"
            f"<div class='zy-card'>有问题的记录<b>{s['records_with_findings']}</b></div>"
            f"<div class='zy-card'>无问题记录占比<b>{clean}</b></div>{by_sev}</div>"
            + rule_status_html(res)
            + (f"<h4>说明</h4><ul>{notes}</ul>" if notes else "")
        )
        if self._chart:
            self.chart.value = self._chart
            self.chart.layout.display = None
        else:
            self.chart.layout.display = "none"
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
        self.make_reports_button.layout.display = None
        self.results.layout.display = None
        unassessed = int(res.rule_status()["status"].isin(["未评估", "部分未评估"]).sum())
        msg = (f"检查完成：{s['records']} 条记录，发现 {s['findings']} 个问题。" if s["findings"] else
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
        """One report (built in this process; the page builds them through :meth:`build_downloads`)."""
        return _reports_job(self.result, self.mask.value)[fmt] if fmt not in self._report_cache \
            else self._report_cache[fmt]

    def build_downloads(self) -> bool:
        """Build the Excel and HTML reports (on request only) and show their download links."""
        if self.result is None:
            self._error("请先完成检查。")
            return False
        result, mask, stem = self.result, self.mask.value, safe_filename(Path(self._name).stem)

        def done(reports: dict[str, bytes]) -> None:
            self._report_cache = reports
            self.timings["reports"] = self.timings.get("job", 0.0)
            self.downloads.value = (
                STYLE + "<div class='zy-dl'>"
                + data_link(reports["xlsx"], f"{stem}_自查报告.xlsx", XLSX_MIME, "下载 Excel 报告（.xlsx）")
                + data_link(reports["html"], f"{stem}_自查报告.html", "text/html;charset=utf-8",
                            "下载自查报告（可打印 .html）")
                + "</div><p style='color:#555'>Excel 报告含：汇总、问题明细、原始记录（问题单元格已标色并附“问题”列）、"
                "未评估规则。自查报告用浏览器打开后可直接打印，留有负责人签字和日期处。"
                + ("证件号码、联系电话已打码。" if mask else "<b>注意：未打码，含个人信息，请妥善保管。</b>")
                + "</p>"
            )
            self.make_reports_button.layout.display = "none"
            self.status.value = _msg("ok", "报告已生成，请点击下方链接下载。")

        return self._job("正在生成报告……", lambda: _reports_job(result, mask), done)

    # ------------------------------------------------------------ messages

    def _error(self, text: str) -> None:
        self.status.value = _msg("error", text)

    @property
    def status_text(self) -> str:
        """The status message as plain text (for tests)."""
        return unescape(re.sub(r"<[^>]+>", "", self.status.value.split("</style>")[-1]))


def build_app(background: bool = False) -> SelfCheckApp:
    return SelfCheckApp(background=background)


PRELOAD_ENV = "ZYFW_APP_SAMPLE"  # set by scripts/start.sh: open with the bundled sample already checked


def display_app() -> SelfCheckApp:
    """What the notebook calls: build the app (jobs in the background) and display it."""
    import os

    from IPython.display import display

    app = build_app(background=True)
    display(app.widget)
    if os.environ.get(PRELOAD_ENV) == "1":
        app.use_sample()
    return app


__all__ = ["ROW", "SelfCheckApp", "build_app", "display_app", "load_with_mapping", "check_upload", "data_link"]
