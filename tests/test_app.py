"""The self-check app's widgets, driven from Python (no browser): upload, map, run, filter, download."""

from __future__ import annotations

import base64
import datetime as dt
import io
import re

import openpyxl
import pandas as pd
import pytest

from tests.conftest import REPO
from tools.samples import SAMPLES
from zyfw_checks.app import SelfCheckApp, load_with_mapping
from zyfw_checks.app.self_check import check_upload, data_link, max_upload_bytes
from zyfw_checks.engine import check_table
from zyfw_checks.load import load_table

PROBLEMS = SAMPLES / "problems.xlsx"


def _upload(app: SelfCheckApp, data: bytes, name: str) -> None:
    """What the browser's FileUpload sends to the kernel."""
    app.upload.value = ({"name": name, "type": "", "size": len(data), "content": memoryview(data),
                         "last_modified": dt.datetime(2024, 1, 1)},)


def _link_bytes(html: str, ext: str) -> bytes:
    m = re.search(r'download="[^"]*\.' + ext + r'" href="data:[^;]+(?:;charset=utf-8)?;base64,([^"]+)"', html)
    assert m, f"no .{ext} download link"
    return base64.b64decode(m.group(1))


@pytest.fixture()
def ran() -> SelfCheckApp:
    app = SelfCheckApp()
    _upload(app, PROBLEMS.read_bytes(), "problems.xlsx")
    assert "已读取" in app.status_text
    assert app.upload.value == ()  # the widget does not keep the bytes
    app.run_button.click()
    return app


def test_upload_and_run_matches_engine(ran):
    expected = check_table(load_table(PROBLEMS))
    assert "检查完成" in ran.status_text
    assert len(ran.result.findings) == len(expected.findings)
    assert f"<b id='zy-findings'>{len(expected.findings)}</b>" in ran.summary.value
    assert f"共 {len(expected.findings)} 条" in ran.page_label.value
    # a planted problem: 2 hours recorded as 8, Excel row 15 of the user's file
    row = ran.result.findings[ran.result.findings["message"].str.contains("记录8小时")]
    assert row["row"].tolist() == [15]
    assert '<td class="num" data-label="行号">15</td>' in ran.table_html.value
    assert "<details><summary>规则说明</summary>" in ran.table_html.value
    # the chart is text with bars: each rule's count is in the words a screen reader reads
    for r in ran.result.summary()["by_rule"]:
        assert f"{r['rule']} {r['title']}：{r['count']} 处" in ran.chart.value


def test_problems_first_with_jump_links_and_how_to_fix(ran):
    """"N 处需要处理" leads the results; each rule's link jumps to its section, which says how to fix it."""
    from zyfw_checks.app.self_check import fix_sentences, how_to_fix

    f = ran.result.findings
    assert f"{len(f)} 处需要处理" in ran.todo.value
    assert ran.results.children[0] is ran.todo  # before the findings, the downloads and the rule table
    fixes = fix_sentences()
    for code in f["rule"].unique():
        assert f"href='#zy-rule-{code}'" in ran.todo.value
        assert f"id='zy-rule-{code}'" in ran.table_html.value
        sev = f.loc[f["rule"] == code, "severity"]
        for s in sev.unique():
            sentence = how_to_fix(code, s, fixes)
            assert sentence and sentence in ran.table_html.value
    # 存疑 gets the sentence about what to verify, 违规 the one about what to change
    assert how_to_fix("REC001", "存疑", fixes) == fixes["REC001"]["verify"]
    assert how_to_fix("REC001", "违规", fixes) == fixes["REC001"]["fix"]


def test_every_rule_has_a_how_to_fix_sentence():
    from zyfw_checks.app.self_check import fix_sentences
    from zyfw_checks.rules import all_rules

    fixes = fix_sentences()
    codes = {r.code for r in all_rules()}
    assert codes == set(fixes), codes ^ set(fixes)
    for code, entry in fixes.items():
        assert entry.get("fix") and entry.get("verify"), code
        assert "params/" not in entry["fix"] + entry["verify"], code  # words for users, not the tool's files


def test_rule_table_and_chart_use_each_findings_own_severity(ran):
    """REC001's findings in the sample are 存疑 although the rule's default is 违规: 存疑's colour, not red."""
    from zyfw_checks.style import INK

    f = ran.result.findings
    rec001 = set(f.loc[f["rule"] == "REC001", "severity"])
    assert rec001 == {"存疑"}
    row = re.search(r"<td class='zy-code' data-label='规则'>REC001</td>.*?</tr>", ran.summary.value).group(0)
    assert INK["存疑"] in row and INK["违规"] not in row
    bar = re.search(r"<li><span>REC001 .*?</li>", ran.chart.value).group(0)
    assert INK["存疑"] in bar and INK["违规"] not in bar


def test_planted_rows_are_all_found(ran):
    import pandas as pd

    planted = pd.read_csv(SAMPLES / "problems_expected.csv", encoding="utf-8-sig")
    found = set(zip(ran.result.findings["rule"], ran.result.findings["row"], strict=True))
    for item in planted.itertuples():
        assert (item.rule, item.xlsx_row) in found


def test_filters(ran):
    ran.rule_filter.value = "REC004"
    assert "共 4 条" in ran.page_label.value
    ran.rule_filter.value = ""
    ran.severity_filter.value = "存疑"
    assert all(s == "存疑" for s in ran.filtered()["severity"])
    ran.severity_filter.value = ""
    ran.text_filter.value = "第22行"
    assert ran.filtered()["row"].tolist() == [21]
    ran.text_filter.value = "没有这样的文字"
    assert "没有符合筛选条件的问题" in ran.table_html.value


def _delivered(app: SelfCheckApp, fmt: str) -> bytes:
    """Click one report's button (the page's message) and catch the binary message sent back."""
    sent = []
    app.report_widget.send = lambda content, buffers=None: sent.append((content, buffers))
    app.report_widget._handle(app.report_widget, {"want": fmt}, [])
    assert len(sent) == 1, "one report per click"
    content, buffers = sent[0]
    assert content["file"] == app.report_filename(fmt) and len(buffers) == 1
    return bytes(buffers[0])


def test_reports_only_on_request_one_per_click_as_binary(ran):
    assert ran._report_cache == {}
    assert [i["fmt"] for i in ran.report_widget.items] == ["xlsx", "html"]
    data = _delivered(ran, "xlsx")
    assert set(ran._report_cache) == {"xlsx"}  # the HTML report was not built
    assert data[:2] == b"PK"
    assert "data:" not in ran.downloads.value + ran.download_note.value  # no base64 in the page
    assert "已生成" in ran.report_widget.status and ran.report_widget.busy == ""


def test_downloads_are_reports(ran):
    xlsx = _delivered(ran, "xlsx")
    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    assert book.sheetnames == ["汇总", "问题明细", "原始记录", "未评估规则"]
    assert book["问题明细"].max_row == len(ran.result.findings) + 1
    html = _delivered(ran, "html").decode("utf-8")
    assert "负责人签字" in html and "自查报告" in html


def test_masked_by_default_in_page_and_reports(ran):
    ids = load_table(PROBLEMS).df["证件号码"].dropna().astype(str)
    page = ran.table_html.value + ran.todo.value + ran.summary.value
    xlsx = _delivered(ran, "xlsx")
    cells = {str(c.value) for row in openpyxl.load_workbook(io.BytesIO(xlsx))["原始记录"].iter_rows() for c in row}
    for full in ids.head(20):
        assert full not in page
        assert full not in cells


def test_use_sample_runs():
    app = SelfCheckApp()
    assert app.use_sample()
    assert app.result is not None and len(app.result.findings) > 0


@pytest.mark.parametrize(("data", "name", "words"), [
    (b"PK\x03\x04 broken", "broken.xlsx", "无法读取 Excel 文件"),
    (b"", "empty.csv", "是空的"),
    (b"%PDF-1.4", "records.pdf", "不支持的文件类型"),
    ("甲,乙,丙\n1,2,3\n".encode(), "noheader.csv", "找不到表头行"),
    ("记录编号,姓名,开始时间,结束时间\n".encode(), "norecords.csv", "没有任何数据行"),
])
def test_bad_files_give_chinese_messages(data, name, words):
    app = SelfCheckApp()
    _upload(app, data, name)
    assert words in app.status_text
    assert "Traceback" not in app.status.value
    assert "zy-msg-error" in app.status.value
    assert app.run_button.disabled and app.result is None


def test_too_large():
    limit = max_upload_bytes()
    msg = check_upload("big.xlsx", limit + 1)
    assert msg and "超过了" in msg and "MB" in msg
    assert check_upload("ok.xlsx", limit) is None
    app = SelfCheckApp()
    app.load_bytes(b"x", "big.csv", size=limit + 1)
    assert "上传上限" in app.status_text
    # the page's script reads the same limit and message (before sending) from the title
    assert f"data-max-bytes='{limit}'" in app.title.value and "上传上限" in app.title.value


def test_accepts_every_type_the_loader_reads():
    from zyfw_checks import load

    accepted = set(SelfCheckApp().upload.accept.split(","))
    assert load.EXCEL_EXT | load.CSV_EXT | load.PARQUET_EXT <= accepted


def test_job_over_memory_limit_gets_a_message_and_the_session_goes_on(monkeypatch):
    """A reader that grows far beyond the job limit is stopped with the memory message; the next upload,
    under a limit that fits the real loader, is read. (With one small limit for both, the real loader in a
    worker forked from a large test process could itself pass it: private copy-on-write pages.)"""
    import dataclasses
    import time

    from zyfw_checks.app import self_check
    from zyfw_checks.app.service import Limits

    real = self_check.load_with_mapping
    limit_mb = 256

    def greedy(*args, **kwargs):  # runs in the worker: a reader that keeps growing to 8x the limit
        hoard = []
        for _ in range(limit_mb * 8 // 16):
            hoard.append(bytearray(16 * 1024 * 1024))
            time.sleep(0.01)
        return real(*args, **kwargs)

    monkeypatch.setattr(self_check, "load_with_mapping", greedy)
    app = SelfCheckApp(limits=Limits(job_memory_mb=limit_mb))
    _upload(app, PROBLEMS.read_bytes(), "problems.xlsx")
    assert "内存" in app.status_text and "上限" in app.status_text
    assert app.table is None and not app._busy
    monkeypatch.setattr(self_check, "load_with_mapping", real)
    app.limits = dataclasses.replace(app.limits, job_memory_mb=Limits().job_memory_mb)  # the service default
    _upload(app, PROBLEMS.read_bytes(), "problems.xlsx")
    assert "已读取" in app.status_text


def test_line_tells_the_place_and_runs_everyone(tmp_path):
    """One slot: a second job waits, is told its place, and runs when the first has finished."""
    import threading
    import time

    from zyfw_checks.app.service import Limits, run_job, wait_message

    limits = Limits(run_dir=tmp_path / "run", max_running=1)
    go = tmp_path / "go"

    def first() -> str:  # runs in a worker process: waits until the second job has been told its place
        while not go.exists():
            time.sleep(0.02)
        return "first"

    done, told = [], []
    t = threading.Thread(target=lambda: done.append(run_job(first, limits)))
    t.start()
    while not list((tmp_path / "run" / "running").glob("*")):
        time.sleep(0.02)

    def on_wait(ahead: int, running: int, eta: float) -> None:
        told.append((ahead, running))
        go.touch()

    done.append(run_job(lambda: "second", limits, on_wait=on_wait))
    t.join(60)
    assert told[0] == (0, 1)
    assert sorted(done) == ["first", "second"]
    assert wait_message(0, 1, 12.2).startswith("正在排队：前面还有 1 位，预计 13 秒")


def test_clear_asks_the_server_to_end_the_session(tmp_path):
    from zyfw_checks.app.service import Limits

    app = SelfCheckApp(limits=Limits(run_dir=tmp_path))
    _upload(app, PROBLEMS.read_bytes(), "problems.xlsx")
    app.clear()
    assert (tmp_path / "ended" / str(__import__("os").getpid())).exists()
    assert app.ended and app.controls.layout.display == "none"
    assert not app.load_bytes(PROBLEMS.read_bytes(), "problems.xlsx")  # nothing more in this session


def test_duration_unit_chosen_in_the_mapping():
    csv = ("记录编号,姓名,开始时间,结束时间,服务时长\n"
           "A1,张三,2024-03-05 09:00,2024-03-05 11:00,120\n").encode()
    app = SelfCheckApp()
    _upload(app, csv, "minutes.csv")
    field = next(iter(app._unit_dropdowns))
    app.set_unit(field, "分钟")
    assert app.apply_mapping()
    assert app.table.units[field] == "分钟"
    assert float(app.table.df[field].iloc[0]) == 2.0


def test_mapping_dropdowns_change_the_check():
    # a header the tool does not know: 活动完成时间 means 结束时间
    csv = ("记录编号,姓名,开始时间,活动完成时间,服务时长(小时)\n"
           "A1,张三,2024-03-05 09:00,2024-03-05 11:00,8\n").encode()
    app = SelfCheckApp()
    _upload(app, csv, "own.csv")
    assert "活动完成时间" in app._dropdowns and app._dropdowns["活动完成时间"].value == ""
    app.run()
    assert "REC004" in {n["rule"] for n in app.result.not_assessed}
    app.set_mapping("活动完成时间", "结束时间")
    assert app.apply_mapping()
    assert app.table.mapping["结束时间"] == "活动完成时间"
    app.run()
    assert "REC004" in set(app.result.findings["rule"])
    # and a column can be switched off
    app.set_mapping("姓名", "")
    assert app.apply_mapping() and "姓名" not in app.table.df.columns


def test_refused_headers_reach_the_mapping_not_a_dead_end():
    """A real per-activity file with its own headers (项目/从/到/分钟数): the loader refuses it, the page
    shows the mapping with the file's headers, and the user's choices make it checkable."""
    csv = ("姓名,项目,从,到,分钟数\n"
           "张三,社区义诊,2024-05-01 09:00,2024-05-01 11:00,120\n"
           "李四,环境清扫,2024-05-02 14:00,2024-05-02 16:30,150\n").encode()
    app = SelfCheckApp()
    _upload(app, csv, "activity.csv")
    assert app.table is None and app.mapping_section.layout.display is None and app.mapping_toggle.value
    assert set(app._dropdowns) == {"姓名", "项目", "从", "到", "分钟数"}
    assert all(dd.description for dd in app._dropdowns.values())  # every dropdown has a name
    for header, field in {"项目": "活动名称", "从": "开始时间", "到": "结束时间", "分钟数": "服务时长(小时)"}.items():
        app.set_mapping(header, field)
    assert app.apply_mapping(), app.status_text
    assert app.table.df["服务时长(小时)"].tolist() == [2.0, 2.5]  # 分钟数 read as minutes
    assert app.run() and app.result.records == 2


def test_unexpected_error_is_the_kits_not_the_users(monkeypatch):
    """A bug inside a job: the page says the file is fine and where the details are, never a traceback."""
    from zyfw_checks.app import self_check

    def broken(*_a, **_k):
        raise KeyError("张三")  # a cell value in the exception text must not reach the page

    monkeypatch.setattr(self_check, "check_table", broken)
    app = SelfCheckApp()
    _upload(app, PROBLEMS.read_bytes(), "problems.xlsx")
    assert not app.run()
    assert "您的文件没有问题" in app.status_text and "张三" not in app.status_text
    assert "Traceback" not in app.status.value


def test_load_with_mapping_rejects_unknown_field():
    from zyfw_checks.load import LoadError

    with pytest.raises(LoadError, match="不认识的字段"):
        load_with_mapping(b"a,b\n", "x.csv", {"a": "不存在的字段"})


def test_clear_drops_the_data(ran):
    ran.clear()
    assert ran._data is None and ran.table is None and ran.result is None
    assert "已清除" in ran.status_text


def test_data_link_escapes_the_name():
    html = data_link(b"x", '"><script>alert(1)</script>.xlsx', "application/octet-stream", "下载")
    assert "<script>" not in html


def test_plan_app_sample_and_bad_file():
    from zyfw_checks.app.plan_app import PlanApp

    app = PlanApp()
    assert app.use_sample()
    assert "已生成" in app.status.value
    plan_xlsx = _link_bytes(app.output.value, "xlsx")
    assert "抽查名单" in openpyxl.load_workbook(io.BytesIO(plan_xlsx)).sheetnames
    app.seed.value = "abc"
    assert not app.run() and "随机种子应为整数" in app.status.value
    app.seed.value = "1"
    app.load_bytes(b"PK\x03\x04 broken", "bad.xlsx")
    assert not app.run() and "无法读取 Excel 文件" in app.status.value


def test_start_script_setting_opens_with_the_sample_checked(monkeypatch):
    from zyfw_checks.app.self_check import PRELOAD_ENV, display_app

    monkeypatch.delenv(PRELOAD_ENV, raising=False)
    assert display_app().result is None
    monkeypatch.setenv(PRELOAD_ENV, "1")
    app = display_app()
    app.wait(120)  # the served page runs jobs in the background
    assert app.result is not None and app.result.records == 61
    assert "ZYFW_APP_SAMPLE=1" in (REPO / "scripts" / "start.sh").read_text(encoding="utf-8")


def test_server_busy_page_and_reaper(tmp_path):
    """The server's session count, busy page and reaper, with a stand-in for Voilà's kernel manager."""
    import asyncio
    import os

    from zyfw_checks.app.serve import ZyfwService, ZyfwVoila, busy_page

    class Kernels:
        def __init__(self):
            self._kernel_connections = {"a": 1, "b": 0, "c": 0, "p": 0, "t": 1}
            self.pids = {"a": 101, "b": 102, "c": os.getpid(), "p": 103, "t": 104}
            self.notebook_data = {"self_check.ipynb": {"kernel_ids": {"p", "t"}}}  # pre-started kernels
            self.down: list[str] = []

        def list_kernel_ids(self):
            return [k for k in self._kernel_connections if k not in self.down]

        def get_kernel(self, kid):
            return type("K", (), {"provisioner": type("P", (), {"pid": self.pids[kid]})()})()

        async def shutdown_kernel(self, kid, now=False):
            self.down.append(kid)

    app = ZyfwVoila()
    app.kernel_manager = Kernels()
    app.service = ZyfwService(max_sessions=3, disconnect_grace_s=0, first_connect_s=3600)
    app.run_dir = tmp_path
    app._zero_since, app._first_seen, app._connected, app._taken = {}, {}, {"b"}, {"t"}
    assert app.active_sessions() == 4 and app.full()  # a, b, c and the pre-started kernel a page took
    (tmp_path / "ended").mkdir()
    (tmp_path / "ended" / str(os.getpid())).touch()  # "c" was cleared by its user
    asyncio.run(app.reap())  # notes when "b" lost its page
    asyncio.run(app.reap())
    # b: disconnected past the grace; c: asked to end; a, t: connected; p: waiting in the pool
    assert sorted(app.kernel_manager.down) == ["b", "c"]
    assert app.active_sessions() == 2 and not app.full()
    page = busy_page(30)
    assert "现在使用的人较多" in page and "http-equiv='refresh' content='30'" in page


def test_mapping_shows_duplicate_columns_and_the_loader_judges_choices():
    csv = ("记录编号,姓名,联系电话,开始时间,结束时间,联系电话,备注\n"
           "A1,张三,13800000000,2024-03-05 09:00,2024-03-05 11:00,13900000000,x\n").encode()
    app = SelfCheckApp()
    _upload(app, csv, "dup.csv")
    texts = [getattr(r, "value", "") for r in app.mapping_box.children]
    assert any("F 列 联系电话：重复，未使用" in t for t in texts)
    app.set_mapping("备注", "姓名")  # the user's choice wins; the other 姓名 column is set aside
    assert app.apply_mapping() and app.table.mapping["姓名"] == "备注"
    app.set_mapping("姓名", "姓名")  # now two columns chosen for one field: the loader's message
    assert not app.apply_mapping()
    assert "被选给了多个列" in app.status_text


def test_job_over_time_limit_is_stopped_with_a_message():
    import time

    from zyfw_checks.app.service import JobError, Limits, run_in_worker

    with pytest.raises(JobError, match="处理时间超过了 1 秒的上限"):
        run_in_worker(lambda: time.sleep(30), Limits(job_timeout_s=1))
    assert run_in_worker(lambda: "still fine", Limits()) == "still fine"


def test_worker_ends_with_its_kernel(tmp_path):
    """A kernel that is shut down (killed) while a job runs leaves no worker holding the user's data."""
    import subprocess
    import sys
    import time
    from pathlib import Path

    marker = tmp_path / "worker.pid"
    code = (
        "import os, threading, time\n"
        "from zyfw_checks.app.service import Limits, run_in_worker\n"
        f"def job():\n    open({str(marker)!r}, 'w').write(str(os.getpid()))\n    time.sleep(60)\n"
        "threading.Thread(target=lambda: run_in_worker(job, Limits()), daemon=True).start()\n"
        "time.sleep(60)\n"
    )
    kernel = subprocess.Popen([sys.executable, "-c", code], cwd=REPO)
    try:
        deadline = time.time() + 60
        while not (marker.exists() and marker.read_text()) and time.time() < deadline:
            time.sleep(0.05)
        worker = int(marker.read_text())
    finally:
        kernel.kill()
        kernel.wait()
    deadline = time.time() + 10
    state = "gone"
    while time.time() < deadline:
        status = Path(f"/proc/{worker}/status")
        state = next((x for x in status.read_text().splitlines() if x.startswith("State:")), "gone") \
            if status.exists() else "gone"
        if state == "gone" or "zombie" in state:
            break
        time.sleep(0.1)
    assert state == "gone" or "zombie" in state, state


def test_page_offers_the_blank_record_template():
    from zyfw_checks.load import field_specs

    frame = pd.read_excel(io.BytesIO(_link_bytes(SelfCheckApp().intro.value, "xlsx")), engine="calamine")
    assert list(frame.columns) == list(field_specs("records"))


def test_the_upload_limit_is_judged_on_the_bytes_received_not_the_size_the_browser_claims(monkeypatch):
    """A client that says ``size: 1`` for a file over the limit is still refused (issue 22 §5)."""
    from zyfw_checks.app import self_check

    monkeypatch.setattr(self_check, "max_upload_bytes", lambda: 1000)
    app = SelfCheckApp()
    data = b"x" * 2000
    app.upload.value = ({"name": "big.csv", "type": "", "size": 1, "content": memoryview(data),
                         "last_modified": dt.datetime(2024, 1, 1)},)
    assert app._data is None and "上传上限" in app.status.value


def test_the_kernel_keeps_no_raw_cells_and_the_app_equals_the_command_line(ran):
    """The read worker sends the table back without the loader's copy of the raw cells (only its headers); the
    findings shown and the reports (whose worker reads the raw cells again) equal check_file's on the same bytes."""
    from zyfw_checks.engine import check_file
    from zyfw_checks.report import writer

    assert ran.table.original is not None and len(ran.table.original) == 0
    assert list(ran.table.original.columns) == list(load_table(PROBLEMS).original.columns)
    expected = check_file(PROBLEMS, mask=True)
    pd.testing.assert_frame_equal(ran.result.findings.reset_index(drop=True),
                                  expected.findings.reset_index(drop=True))

    def cells(data: bytes) -> dict:
        book = openpyxl.load_workbook(io.BytesIO(data))
        return {s: [[c.value for c in row] for row in book[s].iter_rows()] for s in book.sheetnames}

    got, want = cells(_delivered(ran, "xlsx")), cells(writer("xlsx").render(expected, mask=True))
    assert len(got["原始记录"]) > 1 and got == want
    html = writer("html").render(expected, mask=True)
    assert _delivered(ran, "html").decode("utf-8") == (html if isinstance(html, str) else html.decode("utf-8"))
    assert len(ran.table.original) == 0  # the raw cells came back in the report's worker, not in the kernel


def test_a_sessions_next_step_keeps_its_place_in_line(tmp_path):
    """One slot, busy: a job that keeps an earlier place (a check right after its reading) runs before a job
    that asked earlier but came later (another person's reading); without the earlier place it would wait."""
    import threading
    import time

    from zyfw_checks.app.service import Limits, run_job

    limits = Limits(run_dir=tmp_path / "run", max_running=1)
    go = tmp_path / "go"
    came = time.time_ns()  # when the first person's session began

    def first() -> str:
        while not go.exists():
            time.sleep(0.02)
        return "first"

    order: list[str] = []
    jobs = [threading.Thread(target=lambda: order.append(run_job(first, limits)))]
    jobs[0].start()
    while not list((tmp_path / "run" / "running").glob("*")):
        time.sleep(0.02)
    jobs.append(threading.Thread(target=lambda: order.append(run_job(lambda: "later reading", limits))))
    jobs[1].start()
    while not list((tmp_path / "run" / "queue").glob("*")):
        time.sleep(0.02)
    jobs.append(threading.Thread(target=lambda: order.append(run_job(lambda: "earlier check", limits,
                                                                     since_ns=came))))
    jobs[2].start()
    while len(list((tmp_path / "run" / "queue").glob("*"))) < 2:
        time.sleep(0.02)
    go.touch()
    for t in jobs:
        t.join(60)
    assert order == ["first", "earlier check", "later reading"]


def test_the_check_keeps_the_readings_place_in_line(ran, monkeypatch):
    """The app asks for the check with the place its reading had (within service.KEEP_PLACE_S)."""
    from zyfw_checks.app import service

    asked = []
    real = service.run_job
    monkeypatch.setattr(service, "run_job", lambda fn, limits, **kw: asked.append(kw["since_ns"]) or real(
        fn, limits, **kw))
    read_place = ran._since
    ran.run()
    assert asked == [read_place] and read_place > 0
    ran._since -= int(service.KEEP_PLACE_S * 1e9) + 1  # a check asked for long after the reading: a new place
    ran.run()
    assert asked[1] > read_place


def test_a_warmed_kernel_keeps_the_results_the_same(monkeypatch):
    """The warm-up fills the kernel's caches (the word segmenter every check's worker would build
    again) after the first worker was forked; the check that follows equals check_file's."""
    from zyfw_checks import wordsplit
    from zyfw_checks.engine import check_file

    monkeypatch.setattr(wordsplit, "_TOKENIZER", None)
    app = SelfCheckApp(warm=True)
    assert app._warm is None  # not at page open, but once its first worker has been forked
    _upload(app, PROBLEMS.read_bytes(), "problems.xlsx")
    assert app._warm is not None
    app._warm.join(300)
    assert not app._warm.is_alive() and wordsplit._TOKENIZER is not None
    assert SelfCheckApp(background=True)._warms is False  # off unless asked
    app.run()
    pd.testing.assert_frame_equal(app.result.findings.reset_index(drop=True),
                                  check_file(PROBLEMS, mask=True).findings.reset_index(drop=True))


def test_the_warm_up_runs_at_the_kernels_own_priority(monkeypatch):
    """A niced warm-up thread holding the GIL stalls the thread that answers the page on a busy machine."""
    import os
    import threading

    from zyfw_checks.app import self_check

    seen = []

    def record(table):
        seen.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))

    monkeypatch.setattr(self_check, "check_table", record)
    before = os.getpriority(os.PRIO_PROCESS, 0)
    t = threading.Thread(target=self_check.warm_up)
    t.start()
    t.join(120)
    assert seen == [before]


def test_the_server_setting_turns_the_warm_up_on(monkeypatch):
    """``--ZyfwService.warm_kernels=True`` reaches the page's kernel as ZYFW_APP_WARM=1."""
    from zyfw_checks.app.self_check import build_app
    from zyfw_checks.app.service import ENV_WARM

    monkeypatch.setenv(ENV_WARM, "1")
    assert build_app(background=True)._warms is True
    monkeypatch.setenv(ENV_WARM, "0")
    assert build_app(background=True)._warms is False
    monkeypatch.delenv(ENV_WARM)
    assert build_app(background=True)._warms is False
