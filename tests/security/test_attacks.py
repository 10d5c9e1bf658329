"""The attacks of issue 22 ("Why" 1-5), each against a real app server on 127.0.0.1, each failing now.

One server for the module (``scripts/run_app.sh`` with a small session limit and a one-kernel pool);
every page a test opens is ended again through its own close beacon. Loops are bounded, waits timed out.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil
import pytest

from tests.security.client import REPO, Page, Server, connect, frame, read_until, run

pytestmark = pytest.mark.slow

MAX_SESSIONS = 4
POOL = 1
ARTIFACTS = REPO / "artifacts"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    ARTIFACTS.mkdir(exist_ok=True)
    ipython_dir = tmp_path_factory.mktemp("ipython")
    srv = Server(f"--ZyfwService.max_sessions={MAX_SESSIONS}", f"--VoilaConfiguration.default_pool_size={POOL}",
                 "--ZyfwService.client_buffer_mb=1", "--ZyfwService.kernel_memory_mb=5000",
                 "--ZyfwService.ping_interval_s=60",  # the slow reader below is cut by the buffer cap, not by pings
                 log=ARTIFACTS / "security_server.log", env={"IPYTHONDIR": str(ipython_dir)})
    srv.ipython_dir = ipython_dir  # type: ignore[attr-defined]
    yield srv
    srv.stop()


def request(server: Server, path: str, method: str = "GET", headers: dict | None = None,
            data: bytes | None = None, timeout: float = 30) -> tuple[int, dict, bytes]:
    req = urllib.request.Request(server.url.rstrip("/") + path, method=method, headers=headers or {}, data=data)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:  # noqa: S310 (loopback)
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def end(server: Server, page: Page) -> int:
    """The page's own close beacon (its cookies and _xsrf token)."""
    status, _, _ = request(server, f"/voila/api/shutdown/{page.kernel}", "POST", data=b"",
                           headers={"Cookie": page.cookie_header(), "X-XSRFToken": page.cookies["_xsrf"]})
    return status


def kernel_processes(server: Server) -> list[psutil.Process]:
    out = []
    for child in psutil.Process(server.proc.pid).children(recursive=True):
        try:
            if "kernelapp" in " ".join(child.cmdline()):
                out.append(child)
        except psutil.Error:
            continue
    return out


def kernel_pid(server: Server, kernel: str) -> int:
    for proc in kernel_processes(server):
        try:
            if proc.environ().get("ZYFW_KERNEL_ID") == kernel:
                return proc.pid
        except psutil.Error:
            continue
    raise AssertionError("no kernel process for the page")


@pytest.fixture()
def pages(server):
    opened: list[Page] = []

    def open_page() -> Page:
        page = Page(server.url)
        assert page.status == 200 and page.kernel, page.html[:200]
        opened.append(page)
        return page

    yield open_page
    for page in opened:
        end(server, page)


async def _refused(port: int, kernel: str, **kwargs) -> int | None:
    """The HTTP status the websocket handshake was refused with (None: it opened)."""
    from tornado.httpclient import HTTPClientError

    try:
        ws = await connect(port, kernel, **kwargs)
    except HTTPClientError as e:
        return e.code
    ws.close()
    return None


# ------------------------------------------------------------------ Why 1: a kernel id is not a credential

def test_kernel_websocket_needs_the_page_cookie(server, pages):
    victim, attacker = pages(), pages()
    port = server.port
    assert run(_refused(port, victim.kernel)) == 403  # the id alone, as in the issue
    assert run(_refused(port, victim.kernel, cookie=attacker.cookie_header())) == 403  # another page's cookie
    forged = f"{victim.kernel_cookie()}={'0' * 64}"
    assert run(_refused(port, victim.kernel, cookie=forged)) == 403
    assert run(_refused(port, victim.kernel, cookie=victim.cookie_header(), origin=False)) == 403
    assert run(_refused(port, victim.kernel, cookie=victim.cookie_header())) is None  # the page itself


def test_page_cookie_is_httponly_strict_and_secure_behind_https(server, pages):
    page = pages()
    line = next(c for c in page.raw_cookies if c.startswith("zyk_"))
    assert "HttpOnly" in line and "SameSite=Strict" in line and "Secure" not in line
    proxied = Page(server.url, headers={"X-Forwarded-Proto": "https"})
    behind = next(c for c in proxied.raw_cookies if c.startswith("zyk_"))
    assert "Secure" in behind
    assert end(server, proxied) == 204


def test_other_sessions_cannot_be_ended_or_listed(server, pages):
    victim, attacker = pages(), pages()
    pid = kernel_pid(server, victim.kernel)
    forged = {"Cookie": attacker.cookie_header(), "X-XSRFToken": attacker.cookies["_xsrf"]}
    assert request(server, f"/voila/api/shutdown/{victim.kernel}", "POST", forged, b"")[0] == 403
    assert request(server, f"/api/kernels/{victim.kernel}", "DELETE", forged)[0] == 405
    assert request(server, f"/api/kernels/{victim.kernel}", "GET", forged)[0] == 403
    assert request(server, "/api/kernels", "GET", forged)[0] in (400, 403, 404, 405)
    assert psutil.pid_exists(pid)
    own = {"Cookie": victim.cookie_header()}
    status, _, body = request(server, f"/api/kernels/{victim.kernel}", "GET", own)
    assert status == 200 and json.loads(body)["id"] == victim.kernel


def test_query_socket_needs_the_page_cookie(server, pages):
    from tornado.httpclient import HTTPClientError, HTTPRequest
    from tornado.websocket import websocket_connect

    page = pages()

    async def attempt(cookie: str | None) -> int | None:
        headers = {"Origin": f"http://127.0.0.1:{server.port}", **({"Cookie": cookie} if cookie else {})}
        req = HTTPRequest(f"ws://127.0.0.1:{server.port}/voila/query/{page.kernel}", headers=headers,
                          request_timeout=20)
        try:
            ws = await websocket_connect(req)
        except HTTPClientError as e:
            return e.code
        ws.close()
        return None

    assert run(attempt(None)) == 403
    assert run(attempt(page.cookie_header())) is None


def test_one_websocket_per_kernel(server, pages):
    """A second connection (even with the cookie) replaces the first: none can be held open beside the page."""
    page = pages()

    async def twice() -> tuple[object, bool]:
        first = await connect(server.port, page.kernel, cookie=page.cookie_header())
        second = await connect(server.port, page.kernel, cookie=page.cookie_header())
        closed = await asyncio.wait_for(_drain(first), 20)
        await second.write_message(frame("shell", "kernel_info_request", {}), binary=True)
        alive = any(h.get("msg_type") == "kernel_info_reply" for _, h, _ in await read_until(second, "kernel_info_reply"))
        second.close()
        return closed, alive

    closed, alive = run(twice())
    assert closed is None and alive


async def _drain(ws):
    for _ in range(10_000):
        msg = await ws.read_message()
        if msg is None:
            return None
    return "still open"


async def _widgets(ws) -> dict[str, dict]:
    """comm_info, then each widget's state (the slow path the page itself uses)."""
    await ws.write_message(frame("shell", "comm_info_request", {"target_name": "jupyter.widget"}), binary=True)
    reply = [c for _, h, c in await read_until(ws, "comm_info_reply") if "comms" in c]
    comms = list(reply[0]["comms"]) if reply else []
    for cid in comms:
        await ws.write_message(frame("shell", "comm_msg", {"comm_id": cid, "data": {"method": "request_state"}}),
                               binary=True)
    states: dict[str, dict] = {}
    for _ in range(len(comms) * 4 + 50):
        got = await read_until(ws, "comm_msg", 10)
        if not got:
            break
        for _, h, c in got:
            data = c.get("data") or {}
            if h.get("msg_type") == "comm_msg" and data.get("method") == "update" and "_model_name" in data.get("state", {}):
                states[c["comm_id"]] = data["state"]
        if len(states) >= len(comms):
            break
    return states


def test_page_cannot_open_comms_or_rewrite_output_widgets(server, pages):
    """comm_open from the page (the control comm that reads all states) is refused; HTML widgets stay the kernel's."""
    page = pages()

    async def attack():
        ws = await connect(server.port, page.kernel, cookie=page.cookie_header())
        try:
            await ws.write_message(frame("shell", "comm_open", {
                "comm_id": "c0ffee", "target_name": "jupyter.widget.control", "data": {}}), binary=True)
            await ws.write_message(frame("shell", "comm_msg", {
                "comm_id": "c0ffee", "data": {"method": "request_states"}}), binary=True)
            answer = await read_until(ws, "comm_close", 10)
            states = await _widgets(ws)
            html = next(cid for cid, s in states.items() if s["_model_name"] == "HTMLModel")
            await ws.write_message(frame("shell", "comm_msg", {
                "comm_id": html, "data": {"method": "update", "state": {"value": "<img src=x onerror=alert(1)>"},
                                          "buffer_paths": []}}), binary=True)
            after = await _widgets(ws)
            return answer, states, after[html]["value"], states[html]["value"]
        finally:
            ws.close()

    answer, states, after, before = run(attack())
    kinds = [h.get("msg_type") for _, h, _ in answer]
    assert "comm_close" in kinds
    assert not any(c.get("data", {}).get("method") == "update_states" for _, _, c in answer)
    assert len(states) > 50  # the page's own slow path still reads its widgets
    assert after == before and "onerror" not in after


def test_kernel_ids_not_in_process_list_or_log(server, pages):
    page = pages()
    pid = kernel_pid(server, page.kernel)
    # a refused attempt and a shutdown put the id into request lines and messages
    run(_refused(server.port, page.kernel))
    request(server, f"/voila/files/api/kernels/{page.kernel}")
    for proc in psutil.Process(server.proc.pid).children(recursive=True):
        try:
            assert page.kernel not in " ".join(proc.cmdline())
        except psutil.Error:
            continue
    assert psutil.pid_exists(pid)
    end(server, page)
    log = server.log()
    assert page.kernel not in log
    assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", log)


# ------------------------------------------------------------------ Why 2: one message froze the server

def test_offset_bomb_and_legacy_protocol_do_not_stall(server, pages):
    page = pages()
    bomb = (2 * 10**7).to_bytes(8, "little") + (16).to_bytes(8, "little")  # 16 bytes claiming 2e7 offsets

    async def attack():
        refused = await _refused(server.port, page.kernel, cookie=page.cookie_header(), subprotocol=False)
        ws = await connect(server.port, page.kernel, cookie=page.cookie_header())
        try:
            for _ in range(5):
                await ws.write_message(bomb, binary=True)
            answered = await asyncio.to_thread(server.responsive, 5)
            await ws.write_message(frame("shell", "kernel_info_request", {}), binary=True)
            info = [h.get("msg_type") for _, h, _ in await read_until(ws, "kernel_info_reply")]
        finally:
            ws.close()
        return refused, answered, info

    refused, answered, info = run(attack())
    assert refused == 400  # no v1 subprotocol: no connection that Voilà would misread
    assert answered  # another request answered within 5 s while the bombs were handled
    assert "kernel_info_reply" in info  # the connection still works
    assert "not a well-formed v1 frame" in server.log()


@pytest.mark.parametrize(("data", "ok"), [
    (b"", False),
    ((2 * 10**7).to_bytes(8, "little") + (16).to_bytes(8, "little"), False),
    (frame("shell", "comm_msg", {}), True),
    (frame("shell", "comm_msg", {})[:-3], False),  # last offset past the end
])
def test_frame_guard_checks_offsets(data, ok):
    from zyfw_checks.app.serve import join_v1, split_v1

    got = split_v1(data)
    assert (got is not None) is ok
    if ok:
        assert join_v1(*got) == data
    n = 7
    decreasing = n.to_bytes(8, "little") + b"".join(o.to_bytes(8, "little") for o in (64, 70, 66, 70, 70, 70, 70))
    assert split_v1(decreasing + b"\0" * 10) is None


# ------------------------------------------------------------------ Why 3: max_sessions did not hold

def test_forty_simultaneous_pages_start_at_most_max_sessions_kernels(server):
    statuses: list[int] = []
    pages_got: list[Page] = []
    peak = [0]
    lock = threading.Lock()
    stop = threading.Event()

    def visit():
        try:
            p = Page(server.url, timeout=180)
            with lock:
                statuses.append(p.status)
                pages_got.append(p)
        except urllib.error.HTTPError as e:
            with lock:
                statuses.append(e.code)

    def watch():
        while not stop.wait(0.2):
            peak[0] = max(peak[0], len(kernel_processes(server)))

    watcher = threading.Thread(target=watch)
    watcher.start()
    threads = [threading.Thread(target=visit) for _ in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(240)
    stop.set()
    watcher.join(10)
    for p in pages_got:
        end(server, p)
    print("statuses:", {s: statuses.count(s) for s in set(statuses)}, "peak kernels:", peak[0])
    assert len(statuses) == 40
    assert statuses.count(200) <= MAX_SESSIONS and statuses.count(503) >= 40 - MAX_SESSIONS
    # pages + the pool (+ one pool kernel being replaced)
    assert peak[0] <= MAX_SESSIONS + POOL + 1


def test_other_sites_cannot_start_kernels_from_a_visitors_browser(server):
    """A hostile page's fetch(url, {mode: 'no-cors'}), <img> or <iframe>: refused before any kernel starts."""
    before = len(kernel_processes(server))
    for headers in ({"Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "empty", "Sec-Fetch-Site": "cross-site"},
                    {"Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "image", "Sec-Fetch-Site": "cross-site"},
                    {"Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "iframe", "Sec-Fetch-Site": "cross-site"}):
        status, _, body = request(server, "/", headers=headers)
        assert status == 403 and b"kernelId" not in body
    assert len(kernel_processes(server)) <= before
    page = Page(server.url, headers={"Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document"})
    assert page.status == 200 and page.kernel  # a visit in the top window
    end(server, page)


# ------------------------------------------------------------------ Why 4: one page, one template

@pytest.mark.parametrize("query", ["?template=classic", "?template=reveal", "?template=lab&theme=dark"])
def test_template_override_is_ignored(server, query):
    page = Page(server.url + query)
    try:
        assert page.status == 200
        assert "zy-client-msg" in page.html  # the page's own pre-check and disconnect banner
        assert not re.search(r"(src|href)=[\"']https?://", page.html)  # nothing from a CDN
        assert "reveal" not in page.html.lower()
    finally:
        end(server, page)


def test_security_headers(server, pages):
    page = pages()
    headers = {k.lower(): v for k, v in page.headers.items()}
    csp = headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "http" not in csp.replace(
        f"127.0.0.1:{server.port}", "")
    assert headers["x-frame-options"] == "DENY" and headers["referrer-policy"] == "no-referrer"
    assert "server" not in headers
    _, static_headers, _ = request(server, "/voila/static/voila.js")
    assert "Server" not in static_headers and "Content-Security-Policy" in static_headers


# ------------------------------------------------------------------ Why 5: the smaller ones

def test_kernel_errors_and_code_do_not_reach_the_page(monkeypatch):
    """The websocket's write path: error messages, stderr and execute_input are dropped; the rest passes."""
    import types

    import tornado.websocket

    from zyfw_checks.app.serve import ChannelsHandler

    sent: list[bytes] = []
    monkeypatch.setattr(tornado.websocket.WebSocketHandler, "write_message",
                        lambda self, message, binary=False: sent.append(message))
    handler = ChannelsHandler.__new__(ChannelsHandler)
    handler.ws_connection = None
    handler.zy_comms = {}
    handler.application = types.SimpleNamespace(settings={})

    def reply(msg_type: str, content: dict) -> bytes:
        data = frame("iopub", msg_type, content)
        handler.write_message(data, binary=True)
        return data

    reply("error", {"ename": "ValueError", "evalue": "x", "traceback": ["/work/main/.venv/lib/python3.11/..."]})
    reply("stream", {"name": "stderr", "text": 'File "/opt/zyfw_checks/zyfw_checks/app/self_check.py"'})
    reply("execute_input", {"code": "app = display_app()"})
    kept = [reply("stream", {"name": "stdout", "text": "ok"}),
            reply("comm_open", {"comm_id": "w1", "target_name": "jupyter.widget",
                                "data": {"state": {"_model_name": "HTMLModel"}}})]
    handler.write_message(b"\x00" * 16, binary=True)  # malformed: dropped
    assert sent == kept
    assert handler.zy_comms == {"w1": "HTMLModel"}  # learnt: the page may talk to w1, but not rewrite it

def test_foreign_host_is_refused(server):
    status, _, body = request(server, "/", headers={"Host": "rebind.example"})
    assert status == 400 and b"kernelId" not in body
    status, _, _ = request(server, "/voila/static/voila.js", headers={"Host": "rebind.example:80"})
    assert status == 400


def test_big_message_without_channel_is_not_logged_whole(server, pages):
    page = pages()
    junk = json.dumps({"header": {"msg_type": "comm_msg"}, "content": {}, "x": "A" * 1024 * 1024})

    async def send():
        ws = await connect(server.port, page.kernel, cookie=page.cookie_header())
        try:
            await ws.write_message(junk)
            await ws.write_message(junk.encode(), binary=True)
            await ws.write_message(frame("shell", "kernel_info_request", {}), binary=True)
            await read_until(ws, "kernel_info_reply")
        finally:
            ws.close()

    run(send())
    assert max(len(line) for line in server.log().splitlines()) < 1000
    assert "A" * 1000 not in server.log()


def test_message_over_the_upload_limit_closes_the_connection(server, pages):
    from zyfw_checks.app.self_check import max_upload_bytes

    page = pages()
    big = frame("shell", "comm_msg", {"comm_id": "x", "data": {"method": "update", "state": {"value": [
        {"name": "a.csv", "size": 1}]}, "buffer_paths": [["value", 0, "content"]]}},
                buffers=(b"\0" * (max_upload_bytes() + 10 * 1024 * 1024),))

    async def send():
        from tornado.websocket import WebSocketClosedError

        ws = await connect(server.port, page.kernel, cookie=page.cookie_header())
        try:
            await ws.write_message(big, binary=True)
        except WebSocketClosedError:
            return None  # closed by the server while the message was still being sent
        return await asyncio.wait_for(_drain(ws), 30)

    assert run(send()) is None  # closed by the server, whatever "size" claimed
    assert server.responsive(10)


def test_kernel_has_a_memory_cap_and_no_history(server, pages):
    page = pages()
    pid = kernel_pid(server, page.kernel)
    limits = Path(f"/proc/{pid}/limits").read_text()
    line = next(x for x in limits.splitlines() if x.startswith("Max address space"))
    assert line.split()[3] == str(5000 * 1024 * 1024)
    core = next(x for x in limits.splitlines() if x.startswith("Max core file size"))
    assert core.split()[4] == "0"
    history = list(Path(server.ipython_dir).rglob("history.sqlite"))
    assert history == [] or all(p.stat().st_size == 0 for p in history)


def test_a_page_that_stops_reading_is_disconnected(server, pages):
    """The server holds at most client_buffer_mb (1 MB here) for a page that does not read."""
    import base64
    import os
    import socket

    page = pages()
    key = base64.b64encode(os.urandom(16)).decode()
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    try:
        sock.sendall((f"GET /api/kernels/{page.kernel}/channels HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
                      f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                      f"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: v1.kernel.websocket.jupyter.org\r\n"
                      f"Origin: http://127.0.0.1:{server.port}\r\nCookie: {page.cookie_header()}\r\n\r\n").encode())
        assert b" 101 " in sock.recv(1024)
        t0 = time.time()
        sent = 0
        while "Page does not read" not in server.log() and time.time() < t0 + 90 and sent < 20_000:
            for _ in range(100):  # each reply lists the app's ~300 widgets; the replies are never read
                mask = os.urandom(4)
                body = bytes(b ^ mask[i % 4] for i, b in enumerate(frame("shell", "comm_info_request", {})))
                assert 126 <= len(body) < 65536
                try:
                    sock.sendall(bytes([0x82, 0x80 | 126]) + len(body).to_bytes(2, "big") + mask + body)
                except OSError:
                    break
                sent += 1
            time.sleep(0.5)
        print(f"slow reader cut after {time.time() - t0:.1f} s and {sent} requests")
    finally:
        sock.close()
    assert "Page does not read" in server.log()
    # Answered in 0.1 s here, idle and with both cores busy; one CI run once took over 10 s (not reproduced,
    # the pool refilling its one kernel meanwhile). A server stuck on the slow page still fails at 30 s.
    assert server.responsive(30)
