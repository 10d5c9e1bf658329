"""A loopback attacker's (and the page's own) client for the app server: pages, cookies, v1 frames.

Everything here talks only to 127.0.0.1 servers the tests start, with timeouts on every wait.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.request
import uuid
from http.cookies import SimpleCookie
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
V1 = "v1.kernel.websocket.jupyter.org"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``scripts/run_app.sh`` on a free loopback port, in its own process group (stopped with it)."""

    def __init__(self, *args: str, log: Path, env: dict | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log_path = log
        self._log = open(log, "w")  # noqa: SIM115 (closed in stop)
        self.proc = subprocess.Popen([str(REPO / "scripts" / "run_app.sh"), str(self.port), "self_check", *args],
                                     cwd=REPO, stdout=self._log, stderr=subprocess.STDOUT,
                                     start_new_session=True, env={**os.environ, **(env or {})})
        deadline = time.time() + 90
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited early ({self.proc.returncode}); see {log}")
            try:
                urllib.request.urlopen(self.url + "voila/static/voila.js", timeout=2)  # noqa: S310 (loopback)
                return
            except OSError:
                time.sleep(0.5)
        self.stop()
        raise RuntimeError("server did not start within 90 s")

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        except ProcessLookupError:
            pass
        self._log.close()

    def responsive(self, timeout: float = 10) -> bool:
        """Whether another request is answered within ``timeout`` seconds."""
        try:
            with urllib.request.urlopen(self.url + "voila/static/voila.js", timeout=timeout) as r:  # noqa: S310
                return r.status == 200
        except OSError:
            return False


class Page:
    """What a browser gets from ``GET /``: the kernel id in the HTML and the cookies."""

    def __init__(self, url: str, timeout: float = 120, headers: dict | None = None):
        req = urllib.request.Request(url, headers=headers or {})
        with urllib.request.urlopen(req, timeout=timeout) as r:  # noqa: S310 (loopback)
            self.status = r.status
            self.headers = r.headers
            self.html = r.read().decode()
        m = re.search(r'"kernelId": "([0-9a-f-]+)"', self.html)
        self.kernel = m.group(1) if m else None
        jar = SimpleCookie()
        for value in self.headers.get_all("Set-Cookie") or []:
            jar.load(value)
        self.cookies = {k: v.value for k, v in jar.items()}
        self.raw_cookies = self.headers.get_all("Set-Cookie") or []

    def cookie_header(self, only: tuple[str, ...] | None = None) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items() if only is None or k in only)

    def kernel_cookie(self) -> str:
        return next(k for k in self.cookies if k.startswith("zyk_"))


def frame(channel: str, msg_type: str, content: dict, buffers: tuple[bytes, ...] = ()) -> bytes:
    """A v1 kernel-protocol frame, as the page's JavaScript builds it."""
    header = {"msg_id": uuid.uuid4().hex, "username": "test", "session": uuid.uuid4().hex, "msg_type": msg_type,
              "version": "5.3", "date": ""}
    parts = [channel.encode(), *(json.dumps(p).encode() for p in (header, {}, {}, content)), *buffers]
    n = len(parts) + 1
    offsets, at = [], 8 * (n + 1)
    for p in parts:
        offsets.append(at)
        at += len(p)
    offsets.append(at)
    return n.to_bytes(8, "little") + b"".join(o.to_bytes(8, "little") for o in offsets) + b"".join(parts)


def unframe(data: bytes) -> tuple[str, dict, dict]:
    """(channel, header, content) of a v1 frame the server sent (the server's frames are trusted here)."""
    n = int.from_bytes(data[:8], "little")
    off = [int.from_bytes(data[8 * (i + 1):8 * (i + 2)], "little") for i in range(n)]
    return (data[off[0]:off[1]].decode(), json.loads(data[off[1]:off[2]]), json.loads(data[off[4]:off[5]]))


async def connect(port: int, kernel: str, *, cookie: str | None = None, origin: bool = True,
                  subprotocol: bool = True, timeout: float = 20):
    """Open the kernel websocket (raises on refusal)."""
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    headers = {}
    if cookie:
        headers["Cookie"] = cookie
    if origin:
        headers["Origin"] = f"http://127.0.0.1:{port}"
    req = HTTPRequest(f"ws://127.0.0.1:{port}/api/kernels/{kernel}/channels", headers=headers,
                      request_timeout=timeout, connect_timeout=timeout)
    return await websocket_connect(req, subprotocols=[V1] if subprotocol else None)


async def read_until(ws, want: str, limit: float = 20) -> list[tuple[str, dict, dict]]:
    """Messages until one of type ``want`` (or the time limit, or the connection closing)."""
    seen = []
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            raw = await asyncio.wait_for(ws.read_message(), max(0.1, deadline - time.monotonic()))
        except TimeoutError:
            break
        if raw is None:
            break
        if isinstance(raw, bytes):
            seen.append(unframe(raw))
            if seen[-1][1].get("msg_type") == want:
                break
    return seen


def run(coro):
    """Run a coroutine in a fresh thread's event loop (Playwright's sync API may own this thread's)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()
