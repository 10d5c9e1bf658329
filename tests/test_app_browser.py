"""The self-check app in a real browser: Voilà on a free localhost port + Debian's headless Chromium.

Starts ``scripts/run_app.sh`` (the same command the README gives), uploads the problem sample through
the file chooser, runs the check, reads the findings count and a known finding's row from the page,
downloads the Excel report, uploads a broken file, and checks that no request left this computer.
Screenshots go to ``artifacts/``. Never downloads a browser: skipped when /usr/bin/chromium is absent.
"""

from __future__ import annotations

import io
import os
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
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # the server and its kernels: our own process group only
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


@pytest.fixture()
def page(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 1000},
                                      locale="zh-CN")
        pg = context.new_page()
        pg.requests = []  # type: ignore[attr-defined]
        pg.on("request", lambda r: pg.requests.append(r.url))
        pg.goto(server, wait_until="domcontentloaded")
        pg.wait_for_selector("button.widget-upload", timeout=90_000)
        yield pg
        context.close()
        browser.close()


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

    with page.expect_download() as dl:
        page.click("a[download$='.xlsx']")
    data = Path(dl.value.path()).read_bytes()
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["汇总", "问题明细", "原始记录", "未评估规则"]
    assert book["问题明细"].max_row == len(expected.findings) + 1
    with page.expect_download() as dl_html:
        page.click("a[download$='.html']")
    html = Path(dl_html.value.path()).read_text(encoding="utf-8")
    assert "负责人签字" in html and dl_html.value.suggested_filename.endswith("_自查报告.html")

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
    """A client on the app's own kernel websocket sends code: the server must drop it (Voilà does).

    A kernel_info_request on the same connection is answered, so the silence about the code is the
    server refusing it, not a broken connection.
    """
    import asyncio
    import json
    import re
    import uuid

    from tornado.websocket import websocket_connect

    html = urllib.request.urlopen(server, timeout=60).read().decode()  # noqa: S310 (localhost)
    kernel = re.search(r'"kernelId": "([0-9a-f-]+)"', html).group(1)
    marker = tmp_path / "executed"

    def message(kind: str, content: dict) -> str:
        header = {"msg_id": uuid.uuid4().hex, "username": "test", "session": uuid.uuid4().hex,
                  "msg_type": kind, "version": "5.3", "date": ""}
        return json.dumps({"header": header, "parent_header": {}, "metadata": {}, "content": content,
                           "channel": "shell", "buffers": []})

    async def talk() -> list[str]:
        ws = await websocket_connect(f"ws://{urlparse(server).netloc}/api/kernels/{kernel}/channels")
        await ws.write_message(message("execute_request", {
            "code": f"open({str(marker)!r}, 'w').write('x')", "silent": False, "store_history": False,
            "user_expressions": {}, "allow_stdin": False, "stop_on_error": True}))
        await ws.write_message(message("kernel_info_request", {}))
        seen: list[str] = []
        try:
            while "kernel_info_reply" not in seen:
                raw = await asyncio.wait_for(ws.read_message(), 20)
                if raw is None:
                    break
                if isinstance(raw, str):
                    seen.append(json.loads(raw)["header"]["msg_type"])
            await asyncio.sleep(2)  # time for an execution that should not happen
        finally:
            ws.close()
        return seen

    seen = asyncio.run(talk())
    assert "kernel_info_reply" in seen
    assert "execute_reply" not in seen and "execute_input" not in seen
    assert not marker.exists()
