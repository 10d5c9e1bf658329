"""Load test of the self-check app: N users at once, each uploading a 50k-row file, in headless Chromium.

    .venv/bin/python benchmarks/load_app.py 1 5 10            # one run per N, each on a fresh server
    .venv/bin/python benchmarks/load_app.py 10 --rows 50000 -- --ZyfwService.max_sessions=8

First times the command line on the same file (a fresh ``zyfw check FILE -q`` process, median of three)
for the ratio. Then starts ``scripts/run_app.sh`` on a free port (extra arguments after ``--`` go to the
server), opens one browser context per user in Debian's Chromium (``/usr/bin/chromium``; never downloads
a browser), and for each user: opens the page, uploads the file, waits until it is read, clicks 开始检查,
waits for the results, then clicks each report's button and waits until the browser has saved it. With ``--bomb`` one more user uploads a small .xlsx that inflates to about 400 MB at the
same moment, and the time until the page refuses it is printed. While they run it opens one more page and times how long it takes to show the app (or
the busy page). Prints per user the times, and in all: latency min/median/max, failures, the longest
wait for the first word after a click (queue place or progress), the peak memory of all kernels and
their workers (sum of resident memory, sampled every 0.5 s), and the fresh page's open time.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import pandas as pd
import psutil

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]
FEEDBACK = ("正在排队", "正在检查", "检查完成")


def xlsx_file(rows: int, folder: Path) -> Path:
    sys.path.insert(0, str(REPO))  # the sample builders live in the repository's tools/
    from tools.samples import synthetic_records

    path = folder / f"load_{rows}.xlsx"
    df = synthetic_records(rows, distinct_activities=max(10, rows // 20))  # as in bench_app.py
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="xlsxwriter", datetime_format="yyyy-mm-dd hh:mm") as xw:
        df.to_excel(xw, index=False, sheet_name="服务记录")
    path.write_bytes(buf.getvalue())
    return path


def bomb_file(folder: Path, rows: int = 4_000_000) -> Path:
    """A small .xlsx whose one sheet inflates to some hundred MB: ``rows`` identical short rows."""
    import zipfile

    path = folder / "bomb.xlsx"
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    parts = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook'
        '.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override '
        'PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
        'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<?xml version="1.0" encoding="UTF-8"?><workbook {ns} {rel}><sheets><sheet name="服务记录" '
        'sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.'
        'org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
    }
    head = ('<?xml version="1.0" encoding="UTF-8"?><worksheet ' + ns + '><sheetData>'
            '<row><c t="inlineStr"><is><t>姓名</t></is></c><c t="inlineStr"><is><t>开始时间</t></is></c></row>')
    row = '<row><c t="inlineStr"><is><t>张三</t></is></c><c><v>45000.5</v></c></row>'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for n, text in parts.items():
            z.writestr(n, text)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            f.write(head.encode())
            block = (row * 10_000).encode()
            for _ in range(rows // 10_000):
                f.write(block)
            f.write(b"</sheetData></worksheet>")
    return path


async def bomb_user(browser, url: str, file: Path, start: asyncio.Event, arrived: list, timeout_s: float) -> dict:
    """Uploads the decompression bomb; the time until the page says, in Chinese, that it is refused."""
    out: dict = {"user": "bomb"}
    ctx = await browser.new_context(locale="zh-CN")
    page = await ctx.new_page()
    try:
        await page.goto(url, wait_until="domcontentloaded", timeout=timeout_s * 1000)
        await page.wait_for_selector("button.widget-upload", timeout=timeout_s * 1000)
        arrived.append("bomb")
        await start.wait()
        t0 = time.perf_counter()
        async with page.expect_file_chooser() as fc:
            await page.click("button.widget-upload")
        await (await fc.value).set_files(str(file))
        await page.locator(".zy-msg-error").wait_for(timeout=timeout_s * 1000)
        out["refused_s"] = time.perf_counter() - t0
        out["status"] = (await status_text(page))[:160]
    except Exception as exc:  # noqa: BLE001
        out["error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:120]}"
        out["status"] = (await status_text(page))[:160]
    finally:
        await ctx.close()
    return out


def cli_seconds(file: Path, runs: int = 3) -> float:
    """The command line on the same file, as a user runs it from the shell (a fresh process each time,
    imports included): the median of ``runs`` runs."""
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "zyfw_checks.cli", "check", str(file), "-q"], cwd=REPO, check=False,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, extra: list[str], log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log = open(log, "w")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen([str(REPO / "scripts" / "run_app.sh"), str(self.port), "self_check", *extra],
                                     cwd=REPO, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.time() + 90
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"服务器启动失败，见 {log}")
            try:
                urllib.request.urlopen(self.url + "voila/static/voila.js", timeout=2)  # noqa: S310 (localhost)
                break
            except OSError:
                time.sleep(0.5)
        time.sleep(8)  # let the pre-started kernels get ready, as on a server that has been up a while
        self.peak_mb = 0.0
        self.peak_kernels = 0
        self._stop = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()

    def _sample(self) -> None:
        me = psutil.Process(self.proc.pid)
        while not self._stop.is_set():
            total, kernels = 0, 0
            try:
                for child in me.children(recursive=True):
                    try:
                        total += child.memory_info().rss
                        if any("ipykernel" in part for part in child.cmdline()):
                            kernels += 1
                    except psutil.Error:
                        continue
            except psutil.Error:
                break
            self.peak_mb = max(self.peak_mb, total / 1024 / 1024)
            self.peak_kernels = max(self.peak_kernels, kernels)
            self._stop.wait(0.5)

    def stop(self) -> None:
        self._stop.set()
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.log.close()


async def status_text(page) -> str:
    return await page.evaluate(
        "Array.from(document.querySelectorAll('.zy-msg-error, .zy-msg-ok, .zy-msg-info, .zy-msg-wait'))"
        ".map(e => e.innerText).join(' | ')")


async def one_user(browser, url: str, file: Path, i: int, start: asyncio.Event, arrived: list,
                   timeout_s: float) -> dict:
    out: dict = {"user": i}
    ctx = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = await ctx.new_page()
    try:
        t0 = time.perf_counter()
        await page.goto(url, wait_until="domcontentloaded", timeout=timeout_s * 1000)
        if await page.locator("#zy-busy").count():
            out["error"] = "busy page"
            return out
        await page.wait_for_selector("button.widget-upload", timeout=timeout_s * 1000)
        out["open_s"] = time.perf_counter() - t0
        arrived.append(i)
        await start.wait()  # everyone uploads at the same moment
        t_up = time.perf_counter()
        async with page.expect_file_chooser() as fc:
            await page.click("button.widget-upload")
        await (await fc.value).set_files(str(file))
        await page.locator(".zy-msg-error").or_(page.get_by_text("已读取“")).wait_for(timeout=timeout_s * 1000)
        if await page.locator(".zy-msg-error").count():
            raise RuntimeError("error message")
        out["read_s"] = time.perf_counter() - t_up
        t_click = time.perf_counter()
        await page.get_by_role("button", name="开始检查").click()
        # the first word after the click: a place in line, progress, or the results
        while True:
            text = await status_text(page)
            if any(w in text for w in FEEDBACK) and "已读取" not in text:
                out["feedback_s"] = time.perf_counter() - t_click
                out["queued"] = "正在排队" in text
                break
            if time.perf_counter() - t_click > timeout_s:
                raise TimeoutError("no feedback")
            await asyncio.sleep(0.1)
        while "检查完成" not in text:
            if await page.locator(".zy-msg-error").count():
                raise RuntimeError("error message")
            if time.perf_counter() - t_click > timeout_s:
                raise TimeoutError("no results")
            await asyncio.sleep(0.2)
            text = await status_text(page)
        out["check_s"] = time.perf_counter() - t_click
        out["total_s"] = time.perf_counter() - t_up
        out["findings"] = (await page.inner_text("#zy-findings")).strip()
        # one report per click, sent as binary: from the click until the browser has saved the file
        # (a failed download is reported on its own: the times to results above still count)
        try:
            for fmt, label in (("xlsx", "下载 Excel 报告（.xlsx）"), ("html", "下载可打印的自查报告（.html）")):
                t_dl = time.perf_counter()
                async with page.expect_download(timeout=timeout_s * 1000) as dl:
                    await page.get_by_role("button", name=label).click(timeout=30_000)
                saved = await (await dl.value).path()
                out[f"{fmt}_s"] = time.perf_counter() - t_dl
                out[f"{fmt}_mb"] = Path(saved).stat().st_size / 1e6
        except Exception as exc:  # noqa: BLE001
            out["download_error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:80]}"
    except Exception as exc:  # noqa: BLE001 - a failure is a result of the load test
        out["error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:120]}"
        try:
            out["status"] = (await status_text(page))[:160]
        except Exception:  # noqa: BLE001
            pass
    finally:
        await ctx.close()
    return out


async def fresh_page(browser, url: str, delay: float, timeout_s: float) -> dict:
    await asyncio.sleep(delay)
    ctx = await browser.new_context(locale="zh-CN")
    page = await ctx.new_page()
    t0 = time.perf_counter()
    try:
        await page.goto(url, wait_until="domcontentloaded", timeout=timeout_s * 1000)
        if await page.locator("#zy-busy").count():
            return {"open_s": time.perf_counter() - t0, "busy": True}
        await page.wait_for_selector("button.widget-upload", timeout=timeout_s * 1000)
        return {"open_s": time.perf_counter() - t0, "busy": False}
    except Exception as exc:  # noqa: BLE001
        return {"error": f"{type(exc).__name__}"}
    finally:
        await ctx.close()


async def run(n: int, file: Path, server: Server, timeout_s: float, fresh_after: float,
              bomb: Path | None = None) -> tuple[list[dict], dict]:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        start, arrived = asyncio.Event(), []
        users = [asyncio.create_task(one_user(browser, server.url, file, i + 1, start, arrived, timeout_s))
                 for i in range(n)]
        if bomb is not None:
            users.append(asyncio.create_task(bomb_user(browser, server.url, bomb, start, arrived, timeout_s)))
        # all pages open first (people arriving over a minute), then everyone uploads at once
        while len(arrived) + sum(u.done() for u in users) < len(users):
            await asyncio.sleep(0.2)
        start.set()
        fresh = asyncio.create_task(fresh_page(browser, server.url, fresh_after, timeout_s))
        results = list(await asyncio.gather(*users))
        fresh_result = await fresh
        await browser.close()
    return results, fresh_result


def report(n: int, results: list[dict], fresh: dict, server: Server) -> None:
    bombs = [r for r in results if r.get("user") == "bomb"]
    results = [r for r in results if r.get("user") != "bomb"]
    ok = [r for r in results if "error" not in r]
    print(f"\n=== {n} 位用户同时上传 {ROWS} 行的文件 ===")
    cols = ["user", "open_s", "read_s", "feedback_s", "queued", "check_s", "total_s", "findings", "xlsx_s", "xlsx_mb",
            "html_s", "html_mb", "download_error", "error", "status"]
    table = pd.DataFrame(results).reindex(columns=cols).dropna(axis=1, how="all")
    print(table.round(1).to_string(index=False))
    if ok:
        tot = [r["total_s"] for r in ok]
        print(f"上传到结果（秒）：最短 {min(tot):.1f}，中位 {statistics.median(tot):.1f}，最长 {max(tot):.1f}"
              + (f"；命令行 {CLI_S:.1f} 秒，中位为其 {statistics.median(tot) / CLI_S:.1f} 倍" if CLI_S else ""))
        print(f"点击“开始检查”到第一句反馈（秒）：最长 {max(r['feedback_s'] for r in ok):.1f}；"
              f"排队的人数 {sum(bool(r['queued']) for r in ok)}")
        dl_failed = [r for r in ok if "download_error" in r]
        if dl_failed:
            print(f"下载失败：{len(dl_failed)} / {len(ok)}（{dl_failed[0]['download_error']}）")
        if all("xlsx_s" in r for r in ok):
            print("点击下载到浏览器存好文件（秒）：Excel 最长 "
                  f"{max(r['xlsx_s'] for r in ok):.1f}，可打印报告最长 {max(r['html_s'] for r in ok):.1f}")
    print(f"失败：{len(results) - len(ok)} / {len(results)}")
    print(f"全部内核及其工作进程的内存峰值：{server.peak_mb / 1024:.2f} GB（内核与工作进程同时最多 {server.peak_kernels} 个）")
    for b in bombs:
        if "refused_s" in b:
            print(f"解压炸弹文件：{b['refused_s']:.1f} 秒后拒绝；页面显示：{b['status']}")
        else:
            print(f"解压炸弹文件：未见拒绝（{b.get('error')}）；页面显示：{b.get('status')}")
    if "error" in fresh:
        print(f"运行中新打开的页面：失败（{fresh['error']}）")
    else:
        print(f"运行中新打开的页面：{fresh['open_s']:.1f} 秒" + ("（忙碌页）" if fresh.get("busy") else "（应用已显示）"))


ROWS = 50_000
CLI_S = 0.0  # the command line's time on the same file (median of three), measured in the same run


def main(argv: list[str]) -> None:
    global ROWS, CLI_S
    extra: list[str] = []
    if "--" in argv:
        k = argv.index("--")
        argv, extra = argv[:k], argv[k + 1:]
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("users", nargs="*", type=int, default=[1, 5, 10])
    ap.add_argument("--rows", type=int, default=ROWS)
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--bomb", action="store_true",
                    help="each run also has one user uploading a decompression bomb (.xlsx) at the same moment")
    ap.add_argument("--fresh-after", type=float, default=5.0, help="seconds after the uploads to open a fresh page")
    ap.add_argument("--no-cli", action="store_true", help="do not time the command line on the same file")
    args = ap.parse_args(argv)
    ROWS = args.rows
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"需要 Debian 的 Chromium（{CHROMIUM}）；本脚本不下载浏览器。")
    with tempfile.TemporaryDirectory() as tmp:
        file = xlsx_file(args.rows, Path(tmp))
        print(f"测试文件：{args.rows} 行，{file.stat().st_size / 1e6:.1f} MB")
        if not args.no_cli:
            CLI_S = cli_seconds(file)
            print(f"命令行（zyfw check 文件 -q，新进程，三次的中位）：{CLI_S:.1f} 秒")
        bomb = bomb_file(Path(tmp)) if args.bomb else None
        if bomb is not None:
            print(f"解压炸弹：{bomb.stat().st_size / 1e6:.1f} MB")
        for n in args.users:
            server = Server(extra, Path(tmp) / f"voila_{n}.log")
            try:
                results, fresh = asyncio.run(run(n, file, server, args.timeout, args.fresh_after, bomb))
            finally:
                server.stop()
            report(n, results, fresh, server)


if __name__ == "__main__":
    main(sys.argv[1:])
