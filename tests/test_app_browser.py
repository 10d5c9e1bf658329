"""The self-check app in a real browser: Voilà on a free localhost port + Debian's headless Chromium.

Starts ``scripts/run_app.sh`` (the same command the README gives), uploads the problem sample through
the file chooser, runs the check, reads the findings count and a known finding's row from the page,
downloads the Excel report, uploads a broken file, and checks that no request left this computer.
Privacy: a page's kernel process is gone within 30 s after the page is closed (with and without the
browser's unload event) or 清除本次数据 is clicked; a file over the upload limit is refused in the page.
Screenshots go to ``artifacts/``. Never downloads a browser: skipped when /usr/bin/chromium is absent.
"""

from __future__ import annotations

import io
import os
import re
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import openpyxl
import pytest

from zyfw_checks.engine import check_table
from zyfw_checks.load import load_table

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data" / "samples" / "problems.xlsx"
ARTIFACTS = REPO / "artifacts"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium not installed"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    port = _free_port()
    ARTIFACTS.mkdir(exist_ok=True)
    log = open(ARTIFACTS / "voila.log", "w")  # noqa: SIM115 (closed in finally)
    proc = subprocess.Popen([str(REPO / "scripts" / "run_app.sh"), str(port)], cwd=REPO, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"Voilà exited early (code {proc.returncode}); see artifacts/voila.log")
            try:
                urllib.request.urlopen(url + "voila/static/voila.js", timeout=2)  # noqa: S310 (localhost)
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("Voilà did not start within 60 s")
        proc.url = url  # type: ignore[attr-defined]
        yield proc
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # the server and its kernels: our own process group only
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


def _open(browser, url: str):
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 1000}, locale="zh-CN")
    pg = context.new_page()
    pg.requests = []  # type: ignore[attr-defined]
    pg.on("request", lambda r: pg.requests.append(r.url))
    pg.goto(url, wait_until="domcontentloaded")
    pg.wait_for_selector("button.widget-upload", timeout=90_000)
    return pg


@pytest.fixture()
def page(server, browser):
    pg = _open(browser, server.url)
    yield pg
    pg.context.close()


def _kernel_pid(server, page) -> int:
    """The process of the page's kernel (its environment names the kernel id; its command line does not)."""
    import psutil

    kernel = re.search(r'"kernelId": "([0-9a-f-]+)"', page.content()).group(1)
    for child in psutil.Process(server.pid).children(recursive=True):
        try:
            if child.environ().get("ZYFW_KERNEL_ID") == kernel:
                return child.pid
        except psutil.Error:
            continue
    raise AssertionError(f"no kernel process for {kernel}")


def _gone_within(pids: dict[str, int], seconds: float) -> dict[str, float | None]:
    """Seconds until each process was gone (None: still there after ``seconds``)."""
    import psutil

    t0 = time.time()
    gone: dict[str, float | None] = dict.fromkeys(pids)
    while time.time() < t0 + seconds and None in gone.values():
        for how, pid in pids.items():
            if gone[how] is None and (not psutil.pid_exists(pid)
                                      or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE):
                gone[how] = round(time.time() - t0, 1)
        time.sleep(0.5)
    return gone


def _upload(page, path: Path) -> None:
    with page.expect_file_chooser() as fc:
        page.click("button.widget-upload")
    fc.value.set_files(str(path))


def _shot(page, name: str) -> None:
    """Screenshot of the whole app (Voilà scrolls inside the page, so grow the viewport first)."""
    height = page.evaluate("Math.max(...Array.from(document.querySelectorAll('body, body *'), e => e.scrollHeight))")
    page.set_viewport_size({"width": 1280, "height": max(1000, min(int(height) + 50, 6000))})
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 1000})


def _external(urls: list[str]) -> list[str]:
    out = []
    for u in urls:
        parsed = urlparse(u)
        if parsed.scheme in ("data", "blob", "about"):
            continue
        if parsed.hostname not in ("127.0.0.1", "localhost"):
            out.append(u)
    return out


def test_upload_run_download(page, tmp_path):
    expected = check_table(load_table(SAMPLE))
    _upload(page, SAMPLE)
    page.get_by_text("已读取“problems.xlsx”").wait_for(timeout=60_000)
    _shot(page, "app_1_loaded.png")
    page.get_by_role("button", name="开始检查").click()
    page.get_by_text("检查完成").wait_for(timeout=60_000)
    assert page.inner_text("#zy-findings").strip() == str(len(expected.findings))
    assert page.inner_text("#zy-records").strip() == str(expected.records)
    # a planted problem: 2 hours recorded as 8 on Excel row 15
    row = page.locator("table.zy-table tr", has_text="记录8小时")
    assert row.locator("td").first.inner_text().strip() == "15"
    # the rule's explanation is one click away
    row.locator("summary").click()
    assert row.get_by_text("合规示例：", exact=True).is_visible()
    _shot(page, "app_2_results.png")

    # one report per click, sent as binary (no data: link with base64 in the page), with a live status
    with page.expect_download(timeout=60_000) as dl:
        page.get_by_role("button", name="下载 Excel 报告（.xlsx）").click()
    data = Path(dl.value.path()).read_bytes()
    assert dl.value.suggested_filename == "problems_自查报告.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["汇总", "问题明细", "原始记录", "未评估规则"]
    assert book["问题明细"].max_row == len(expected.findings) + 1
    page.locator(".zy-dl-status", has_text="已生成").wait_for(timeout=30_000)
    assert page.locator(".zy-dl-status").get_attribute("role") == "status"
    with page.expect_download(timeout=60_000) as dl_html:
        page.get_by_role("button", name="下载可打印的自查报告（.html）").click()
    html = Path(dl_html.value.path()).read_text(encoding="utf-8")
    assert "负责人签字" in html and dl_html.value.suggested_filename.endswith("_自查报告.html")
    assert page.locator("a[href^='data:'][download$='_自查报告.xlsx']").count() == 0

    assert _external(page.requests) == [], "the page requested something outside localhost"


def test_broken_file_shows_chinese_message(page, tmp_path):
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 this is not a workbook")
    _upload(page, broken)
    msg = page.locator(".zy-msg-error")
    msg.wait_for(timeout=60_000)
    assert "无法读取 Excel 文件" in msg.inner_text()
    assert "Traceback" not in page.content()
    _shot(page, "app_3_broken.png")

    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    _upload(page, empty)
    page.get_by_text("是空的").wait_for(timeout=30_000)
    assert _external(page.requests) == []


def test_page_connection_cannot_execute_code(server, tmp_path):
    """The page's own client (its cookie, v1 frames) sends code: the server must drop it.

    A kernel_info_request on the same connection is answered, so the silence about the code is the
    server refusing it, not a broken connection.
    """
    import asyncio

    from tests.security.client import Page, connect, frame, read_until, run

    page = Page(server.url)
    marker = tmp_path / "executed"

    async def talk() -> list[str]:
        ws = await connect(urlparse(server.url).port, page.kernel, cookie=page.cookie_header())
        try:
            await ws.write_message(frame("shell", "execute_request", {
                "code": f"open({str(marker)!r}, 'w').write('x')", "silent": False, "store_history": False,
                "user_expressions": {}, "allow_stdin": False, "stop_on_error": True}), binary=True)
            await ws.write_message(frame("shell", "kernel_info_request", {}), binary=True)
            seen = [h.get("msg_type") for _, h, _ in await read_until(ws, "kernel_info_reply")]
            await asyncio.sleep(2)  # time for an execution that should not happen
        finally:
            ws.close()
        return seen

    seen = run(talk())
    assert "kernel_info_reply" in seen
    assert "execute_reply" not in seen and "execute_input" not in seen
    assert not marker.exists()


def test_kernel_ends_when_page_closed_or_cleared(server, browser, tmp_path):
    """Closed with the unload event (the page's shutdown beacon), closed without it (the websocket drops:
    the server's reaper), and 清除本次数据: each page's kernel process is gone within 30 s."""
    pages = {how: _open(browser, server.url) for how in ("close", "crash", "clear")}
    pids = {how: _kernel_pid(server, pg) for how, pg in pages.items()}
    assert len(set(pids.values())) == 3
    for pg in pages.values():
        _upload(pg, SAMPLE)
    for pg in pages.values():
        pg.get_by_text("已读取“problems.xlsx”").wait_for(timeout=60_000)
    pages["clear"].get_by_role("button", name="清除本次数据").click()
    pages["clear"].get_by_text("本次会话已结束").wait_for(timeout=30_000)
    pages["close"].close(run_before_unload=True)
    pages["crash"].context.close()  # the browser context goes away without running unload handlers
    gone = _gone_within(pids, 30)
    print("kernel gone after (s):", gone)
    assert None not in gone.values(), gone
    log = (ARTIFACTS / "voila.log").read_text(encoding="utf-8")
    assert "_xsrf" not in log  # the close beacon is no longer refused
    pages["clear"].context.close()
    pages["close"].context.close()


def test_file_over_the_limit_is_refused_in_the_page(page, tmp_path):
    from zyfw_checks.app.self_check import max_upload_bytes

    big = tmp_path / "big.csv"
    with open(big, "wb") as f:
        f.truncate(max_upload_bytes() + 20 * 1024 * 1024)  # 70 MB: used to drop the connection silently
    _upload(page, big)
    msg = page.locator("#zy-client-msg")
    msg.get_by_text("上传上限").wait_for(timeout=30_000)
    assert "big.csv" in msg.inner_text() and "没有上传" in msg.inner_text()
    assert page.get_by_text("请上传记录文件").is_visible()  # nothing reached the kernel


# ---------------------------------------------------------------- on a phone (390 × 844)

CONTROLS = ("button, select, input[type=text], .widget-checkbox, "
            "summary, .zy-todo a")


def _phone_page(browser, url: str):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True,
                                  has_touch=True, accept_downloads=True)
    pg = context.new_page()
    pg.goto(url, wait_until="domcontentloaded")
    pg.wait_for_selector("button.widget-upload", timeout=90_000)
    return pg


def _short_controls(page) -> list[str]:
    return page.evaluate("""(sel) => [...document.querySelectorAll('.zy-app ' + sel.split(', ').join(', .zy-app '))]
        .filter(e => e.getBoundingClientRect().width > 0 && e.getBoundingClientRect().height < 43.5)
        .map(e => e.tagName + ' ' + (e.textContent || e.getAttribute('aria-label') || '').trim().slice(0, 30)
                  + ' ' + e.getBoundingClientRect().height.toFixed(0) + 'px')""", CONTROLS)


def _wide_tables(page) -> list[str]:
    return page.evaluate("""() => [...document.querySelectorAll('.zy-app table')]
        .filter(t => t.getBoundingClientRect().width > 0)
        .filter(t => t.scrollWidth > t.parentElement.clientWidth + 1
                     || t.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
        .map(t => t.className + ' ' + t.scrollWidth + ' > ' + t.parentElement.clientWidth)""")


def test_phone_first_problem_on_first_screen_no_wide_table_big_controls(server, browser):
    pg = _phone_page(browser, server.url)
    try:
        assert _short_controls(pg) == []
        _upload(pg, SAMPLE)
        pg.get_by_text("已读取“problems.xlsx”").wait_for(timeout=60_000)
        pg.get_by_role("button", name="列对应关系（点此展开）").click()
        assert pg.locator(".zy-app select").count() >= 14
        assert _short_controls(pg) == []
        pg.get_by_role("button", name="列对应关系（点此收起）").click()
        pg.get_by_role("button", name="开始检查").click()
        pg.get_by_text("检查完成").wait_for(timeout=60_000)
        pg.wait_for_timeout(500)
        first = pg.locator("#zy-todo li").first
        box = first.bounding_box()
        assert box is not None and box["y"] + box["height"] <= 844, f"first problem at {box}"
        assert _wide_tables(pg) == []
        assert _short_controls(pg) == []
        # the jump link leads to the rule's section with its first problem as a card
        first.locator("a").click()
        pg.wait_for_timeout(300)
        target = pg.locator(first.locator("a").get_attribute("href")).bounding_box()
        assert target is not None and 0 <= target["y"] < 844
        pg.evaluate("document.querySelectorAll('*').forEach(e => { if (e.scrollTop) e.scrollTop = 0; })")
        pg.screenshot(path=str(ARTIFACTS / "app_phone_result.png"))
    finally:
        pg.context.close()


def test_elder_mode_enlarges_text_and_persists(server, browser):
    pg = _phone_page(browser, server.url)
    try:
        size = lambda: pg.evaluate("parseFloat(getComputedStyle(document.querySelector('.zy-lead')).fontSize)")  # noqa: E731
        assert size() >= 16
        button = pg.get_by_role("button", name="大字模式")
        button.click()
        assert button.get_attribute("aria-pressed") == "true" and size() >= 24  # 18 pt
        pg.reload(wait_until="domcontentloaded")
        pg.wait_for_selector("button.widget-upload", timeout=90_000)
        pg.wait_for_timeout(300)
        assert size() >= 24, "大字模式 was not kept for the next visit"
        pg.get_by_role("button", name="大字模式").click()
        assert size() < 24
    finally:
        pg.context.close()


def test_refused_headers_reach_the_mapping_in_the_page(page, tmp_path):
    """The per-activity file with 项目/从/到/分钟数: the mapping opens with the file's own headers."""
    own = tmp_path / "activity.csv"
    own.write_text("姓名,项目,从,到,分钟数\n张三,社区义诊,2024-05-01 09:00,2024-05-01 11:00,120\n"
                   "李四,环境清扫,2024-05-02 14:00,2024-05-02 16:30,150\n", encoding="utf-8")
    _upload(page, own)
    page.get_by_text("列对应关系").first.wait_for(timeout=60_000)
    page.locator("select").first.wait_for(timeout=30_000)
    for header, field in {"项目": "活动名称", "从": "开始时间", "到": "结束时间", "分钟数": "服务时长(小时)"}.items():
        page.get_by_label(header, exact=True).select_option(label=field)
    page.get_by_role("button", name="按上面的对应关系重新读取").click()
    page.get_by_text("共 2 条记录").wait_for(timeout=60_000)
    page.get_by_role("button", name="开始检查").click()
    page.get_by_text("检查完成").wait_for(timeout=60_000)
