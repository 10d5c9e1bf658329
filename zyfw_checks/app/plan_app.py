"""The spot-check planner for staff (抽查计划): a thin page over :mod:`zyfw_checks.staff.plan` (``zyfw plan``).

Upload the 社会组织名单 (and optionally the 抽查人员名单), choose the year and the random seed, and
download the plan as .xlsx and printable HTML. The draw itself is ``plan.make_plan``'s.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import warnings
from html import escape
from pathlib import Path

import ipywidgets as w

from zyfw_checks.app.self_check import STYLE, XLSX_MIME, _msg, check_upload, data_link, safe_filename
from zyfw_checks.load import LoadError, load_table

log = logging.getLogger(__name__)
ACCEPT = ".xlsx,.xlsm,.xls,.csv,.txt"


class PlanApp:
    def __init__(self) -> None:
        self._orgs: tuple[bytes, str] | None = None
        self._staff: tuple[bytes, str] | None = None
        self.plan = None
        self.title = w.HTML(
            STYLE + "<h2 style='margin-bottom:0'>年度抽查计划（双随机、一公开）</h2>"
            "<p style='margin-top:4px;color:#555'>依据湘民发〔2023〕29号 二（二）。上传社会组织名单（含注册志愿者数、年活动次数、"
            "影响力、投诉或负面舆情），可另传抽查人员名单；随机种子应在抽取前确定并公开，同一名单同一种子结果相同。"
            "文件只在本次会话的内存中处理。</p>")
        self.orgs_upload = w.FileUpload(accept=ACCEPT, multiple=False, description="上传组织名单", icon="",
                                        layout=w.Layout(width="auto"))
        self.staff_upload = w.FileUpload(accept=ACCEPT, multiple=False, description="上传人员名单（可选）", icon="",
                                         layout=w.Layout(width="auto"))
        self.orgs_upload.observe(lambda c: self._take(c, "orgs"), names="value")
        self.staff_upload.observe(lambda c: self._take(c, "staff"), names="value")
        self.sample_button = w.Button(description="使用示例名单")
        self.sample_button.on_click(lambda _: self.use_sample())
        self.year = w.BoundedIntText(value=dt.date.today().year, min=2023, max=2100, description="抽查年度")
        self.seed = w.Text(value="", description="随机种子", placeholder="留空则随机生成")
        self.mask = w.Checkbox(value=True, description="人员联系电话打码（建议保持勾选）", indent=False)
        self.run_button = w.Button(description="生成抽查计划", button_style="primary", disabled=True)
        self.run_button.on_click(lambda _: self.run())
        self.status = w.HTML(_msg("info", "请上传社会组织名单，或点击“使用示例名单”。"))
        self.output = w.HTML("")
        self.widget = w.VBox([
            self.title, w.HBox([self.orgs_upload, self.staff_upload, self.sample_button]),
            w.HBox([self.year, self.seed]), self.mask, self.status, self.run_button, self.output,
        ], layout=w.Layout(max_width="1100px"))

    def _take(self, change, which: str) -> None:
        files = change["new"]
        if not files:
            return
        item = files[0]
        data = bytes(item.get("content") or b"")
        name = str(item.get("name") or "上传的文件")
        (self.orgs_upload if which == "orgs" else self.staff_upload).value = ()
        self.load_bytes(data, name, which)

    def load_bytes(self, data: bytes, name: str, which: str = "orgs") -> bool:
        problem = check_upload(name, len(data))
        if problem:
            self.status.value = _msg("error", problem)
            return False
        if which == "orgs":
            self._orgs = (bytes(data), name)
        else:
            self._staff = (bytes(data), name)
        got = [f"组织名单“{self._orgs[1]}”" if self._orgs else "", f"人员名单“{self._staff[1]}”" if self._staff else ""]
        self.status.value = _msg("ok", "已收到" + "、".join(g for g in got if g) + "。设定年度和随机种子后点击“生成抽查计划”。")
        self.run_button.disabled = self._orgs is None
        return True

    def use_sample(self) -> bool:
        from zyfw_checks.params import demo_file

        orgs, staff = demo_file("orgs.xlsx"), demo_file("staff.xlsx")
        if not orgs.exists():
            self.status.value = _msg("error", "找不到示例名单（工具包安装不完整），请重新安装工具包。")
            return False
        self.load_bytes(orgs.read_bytes(), "示例_orgs.xlsx", "orgs")
        if staff.exists():
            self.load_bytes(staff.read_bytes(), "示例_staff.xlsx", "staff")
        if not self.seed.value.strip():
            self.seed.value = "20250101"
        return self.run()

    def run(self) -> bool:
        from zyfw_checks.staff import plan as planmod

        if self._orgs is None:
            self.status.value = _msg("error", "请先上传社会组织名单。")
            return False
        text = self.seed.value.strip()
        if text and not text.isdigit():
            self.status.value = _msg("error", f"随机种子应为整数，“{text}”不是。")
            return False
        seed = int(text) if text else secrets.randbelow(10**8)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                orgs = load_table(self._orgs[0], kind="orgs", name=self._orgs[1])
                staff = load_table(self._staff[0], kind="staff", name=self._staff[1]) if self._staff else None
                self.plan = planmod.make_plan(orgs, int(self.year.value), seed, staff, mask=self.mask.value)
                xlsx, html = planmod.to_xlsx(self.plan), planmod.to_html(self.plan)
        except LoadError as exc:
            self.status.value = _msg("error", str(exc))
            return False
        except Exception as exc:  # never a traceback in the page
            log.exception("plan")
            self.status.value = _msg("error", f"生成计划时出错（{type(exc).__name__}）。请核对名单格式后再试。")
            return False
        p = self.plan
        self.seed.value = str(seed)
        stem = safe_filename(f"{Path(self._orgs[1]).stem}_{p.year}年抽查计划")
        lines = "".join(f"<li>{escape(line)}</li>" for line in planmod.header_lines(p) + [f"说明：{n}" for n in p.notes])
        units = p.units.astype(object).where(p.units.notna(), "")
        head = "".join(f"<th>{escape(str(c))}</th>" for c in units.columns)
        body = "".join("<tr>" + "".join(f"<td>{escape(str(v))}</td>" for v in row) + "</tr>"
                       for row in units.itertuples(index=False))
        self.output.value = (
            STYLE + f"<ul>{lines}</ul><div class='zy-dl'>"
            + data_link(xlsx, f"{stem}.xlsx", XLSX_MIME, "下载抽查计划（.xlsx）")
            + data_link(html, f"{stem}.html", "text/html;charset=utf-8", "下载可打印的计划（.html）")
            + f"</div><h3>抽查单位</h3><table class='zy-table'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        )
        self.status.value = _msg("ok", f"已生成：抽查单位 {len(p.units)} 个，抽查组织 {len(p.selection)} 家；随机种子 {seed}。")
        return True


def display_plan_app() -> PlanApp:
    from IPython.display import display

    app = PlanApp()
    display(app.widget)
    return app
