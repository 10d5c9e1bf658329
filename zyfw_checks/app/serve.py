"""The app server: Voilà with the privacy and capacity rules of the self-check service.

    python -m zyfw_checks.app.serve notebooks/self_check.ipynb --port=8866 ...   (scripts/run_app.sh)

What it adds to Voilà 0.5 (settings in ``zyfw_checks/app/config/voila.py``, class ``ZyfwService``):

- **Closing the page ends its kernel.** The page's close beacon (``POST /voila/api/shutdown/<id>``)
  carries the ``_xsrf`` cookie, which Voilà never sets, so every such request was refused (403) and the
  kernel with the uploaded data lived until the idle cull. The page handler sets the cookie.
- **Backstop:** a reaper shuts down every kernel whose page has had no connection for
  ``disconnect_grace_s`` seconds (websocket pings every 10 s notice a closed lid or a lost network within
  30 s), a page that never connected after ``first_connect_s``, and a kernel that asked to end
  (清除本次数据 writes a request into the run folder, see ``service.request_end``).
- **Capacity:** at most ``max_sessions`` pages at once; the next visitor gets a Chinese "busy" page
  that retries by itself, instead of a new kernel. At most ``max_running_checks`` readings, checks or
  reports run at once across all pages (the rest wait in line, see ``service``), each in a worker with
  ``job_memory_mb`` and ``job_timeout_s`` limits.
- **A kernel belongs to the browser it was given to** (``guard``): the page sets an HttpOnly,
  SameSite=Strict cookie whose value is an HMAC of the kernel id under a secret of this process; the
  kernel websocket, the close beacon and ``/voila/query`` refuse a request without it. One websocket per
  kernel (a new one replaces the old); ``/api/kernels/<id>`` is not served; from the page only comm
  messages to the kernel's own widgets pass (``comm_open`` from the page is refused). Frames are checked
  before jupyter_server parses them, and only the v1 kernel protocol is accepted. Kernel ids are
  redacted in the log and kept out of the process list (random connection file names).
- **Headers and hosts**: only the configured Host names are served (DNS rebinding); every response gets
  a Content-Security-Policy of this origin only, Referrer-Policy, X-Frame-Options and no Server
  header; the page ignores ``?template=`` and ``?theme=``.
- **Kernels** start through a small launcher with an address-space limit (``kernel_memory_mb``) and
  IPython's history off.
"""

from __future__ import annotations

import asyncio
import contextvars
import hashlib
import hmac
import json
import logging
import os
import re
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path

import tornado.httputil
import tornado.ioloop
import tornado.web
from jupyter_server.services.kernels.handlers import KernelHandler
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado.websocket import WebSocketClosedError
from traitlets import Bool, Int, List, Unicode
from traitlets.config import Configurable
from voila.app import Voila
from voila.request_info_handler import RequestInfoSocketHandler
from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler
from voila.tornado.handler import TornadoVoilaHandler
from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler

from zyfw_checks.app import service


class ZyfwService(Configurable):
    """Capacity and privacy settings of the self-check service (defaults: 2 cores, 24 GB)."""

    max_sessions = Int(16, config=True, help="Pages (kernels) open at once; the next visitor sees a busy page.")
    max_running_checks = Int(2, config=True, help="Readings/checks/reports running at once; others wait in line.")
    job_memory_mb = Int(3072, config=True, help="Memory one reading/check/report may add before it is stopped.")
    job_timeout_s = Int(300, config=True, help="Seconds one reading/check/report may run before it is stopped.")
    typical_job_s = Int(15, config=True, help="Expected seconds per job for the wait estimate until jobs are timed.")
    disconnect_grace_s = Int(15, config=True, help="Seconds a page may be disconnected before its kernel ends.")
    first_connect_s = Int(120, config=True, help="Seconds a new page has to connect before its kernel ends.")
    reap_interval_s = Int(2, config=True, help="How often the reaper looks at the kernels (seconds).")
    busy_retry_s = Int(30, config=True, help="The busy page reloads itself after this many seconds.")
    ping_interval_s = Int(10, config=True, help="Websocket ping interval (seconds).")
    ping_timeout_s = Int(10, config=True, help="A page that has not answered pings for this long is disconnected "
                         "(tornado caps it at ping_interval_s).")
    kernel_memory_mb = Int(6144, config=True, help="Address space one kernel (and each of its job workers) may "
                           "reserve (RLIMIT_AS); above the job limit, since workers inherit it.")
    client_buffer_mb = Int(96, config=True, help="Bytes the server may hold for one page that does not read them; "
                           "above this the page's connection is closed.")
    allowed_hosts = List(Unicode(), ["127.0.0.1", "localhost", "::1"], config=True,
                         help="Host names (Host header, without port) the server answers; others get 400.")
    log_line_chars = Int(500, config=True, help="Longest log line; longer ones are cut.")
    warm_kernels = Bool(False, config=True, help="Each page's kernel checks the bundled sample once, after its first "
                        "worker started, so later workers inherit the word segmenter and the rules (about 1 s each).")


def busy_page(retry_s: int) -> str:
    """The Chinese page shown instead of starting a kernel when the service is full."""
    return (
        "<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'>"
        f"<meta http-equiv='refresh' content='{int(retry_s)}'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        "<title>志愿服务记录自查 — 使用的人较多</title>"
        "<style>body{font-family:'Noto Sans CJK SC','Microsoft YaHei','PingFang SC',sans-serif;max-width:40em;"
        "margin:4em auto;padding:0 1em;color:#333;line-height:1.7}h1{font-size:1.4em}"
        ".box{background:#f5f7fa;border:1px solid #d8dee8;border-radius:6px;padding:1em 1.4em}</style>"
        "</head><body><div class='box' id='zy-busy'><h1>现在使用的人较多，请稍候</h1>"
        "<p>自查服务同时服务的人数已满。为了保证每个人的检查都能顺利完成，暂时不再接待新的访问。</p>"
        f"<p>本页会在 {int(retry_s)} 秒后自动重试；也可以过几分钟再打开。您还没有上传任何文件。</p>"
        "</div></body></html>"
    )


# ------------------------------------------------------------------ guard: kernels bound to their page

V1 = "v1.kernel.websocket.jupyter.org"
KERNEL_ID_RE = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
COOKIE_PREFIX = "zyk_"
CLIENT_MSG_TYPES = frozenset({"comm_msg", "comm_info_request", "kernel_info_request"})
CLIENT_CHANNELS = frozenset({"shell", "control"})
WIDGET_METHODS = frozenset({"update", "request_state", "custom"})
# widgets that only show what the kernel wrote: the page never changes them
OUTPUT_MODELS = frozenset({"HTMLModel", "HTMLMathModel", "LabelModel", "ImageModel", "OutputModel"})
_SECRET = secrets.token_bytes(32)  # this process only: a restart ends every kernel anyway
_page: contextvars.ContextVar = contextvars.ContextVar("zyfw_page", default=None)


def kernel_mac(kernel_id: str) -> str:
    return hmac.new(_SECRET, b"kernel:" + kernel_id.encode(), hashlib.sha256).hexdigest()


def cookie_name(kernel_id: str) -> str:
    return COOKIE_PREFIX + hmac.new(_SECRET, b"name:" + kernel_id.encode(), hashlib.sha256).hexdigest()[:16]


def kernel_tag(kernel_id: str) -> str:
    """What the log shows instead of a kernel id (stable within one server run, useless outside it)."""
    return "k-" + hmac.new(_SECRET, b"log:" + kernel_id.encode(), hashlib.sha256).hexdigest()[:8]


def owns(handler: tornado.web.RequestHandler, kernel_id: str) -> bool:
    """Whether the request carries the cookie the page of ``kernel_id`` was given."""
    morsel = handler.request.cookies.get(cookie_name(kernel_id))
    return morsel is not None and hmac.compare_digest(morsel.value, kernel_mac(kernel_id))


def split_v1(frame) -> tuple[str, list[memoryview]] | None:
    """The channel and parts of a v1 kernel-protocol frame, or None when the frame is malformed.

    jupyter_server and Voilà trust the frame's offset count (a 16-byte frame can claim 2*10**7 offsets);
    this reads it only when it fits: count <= len/8, offsets increasing and inside the frame. The parts are
    views into the frame (an upload is not copied again).
    """
    if not isinstance(frame, (bytes, bytearray, memoryview)):
        return None
    view = memoryview(frame).cast("B")
    size = len(view)
    if size < 8:
        return None
    n = int.from_bytes(view[:8], "little")
    if n < 6 or 8 * (n + 1) > size:  # channel, header, parent, metadata, content (+ buffers), end
        return None
    offsets = [int.from_bytes(view[8 * (i + 1):8 * (i + 2)], "little") for i in range(n)]
    if offsets[0] < 8 * (n + 1) or offsets[-1] > size or any(b < a for a, b in zip(offsets, offsets[1:], strict=False)):
        return None
    try:
        channel = bytes(view[offsets[0]:offsets[1]]).decode("utf-8")
    except UnicodeDecodeError:
        return None
    return channel, [view[offsets[i]:offsets[i + 1]] for i in range(1, n - 1)]


def _json(part) -> dict | None:
    if len(part) > 4 * 1024 * 1024:  # headers and widget states are small; a buffer is not parsed
        return None
    try:
        value = json.loads(bytes(part))
    except (ValueError, UnicodeDecodeError):
        return None
    return value if isinstance(value, dict) else None


def join_v1(channel: str, parts: list[bytes]) -> bytes:
    """A v1 frame (the inverse of :func:`split_v1`)."""
    pieces = [channel.encode(), *(bytes(p) for p in parts)]
    n = len(pieces) + 1
    offsets, at = [], 8 * (n + 1)
    for p in pieces:
        offsets.append(at)
        at += len(p)
    offsets.append(at)
    head = n.to_bytes(8, "little") + b"".join(o.to_bytes(8, "little") for o in offsets)
    return head + b"".join(pieces)


class ChannelsHandler(VoilaKernelWebsocketHandler):
    """The kernel websocket: the page's own browser only, v1 frames only, widget messages only."""

    def _refuse(self, status: int, why: str) -> None:
        svc = self.settings["zyfw_app"]
        svc.log.warning("Kernel websocket refused (%s)", why)
        raise tornado.web.HTTPError(status)

    async def get(self, kernel_id):
        svc: ZyfwVoila = self.settings["zyfw_app"]
        if kernel_id not in svc.kernel_manager:
            self._refuse(404, "no such kernel")
        if not owns(self, kernel_id):
            self._refuse(403, "no page cookie")
        origin = self.request.headers.get("Origin")
        if not origin or origin.split("://", 1)[-1] != self.request.host:
            self._refuse(403, "origin missing or foreign")
        offered = [p.strip() for p in self.request.headers.get("Sec-WebSocket-Protocol", "").split(",")]
        if V1 not in offered:
            self._refuse(400, "v1 kernel protocol not offered")
        old = svc.sockets.get(kernel_id)
        if old is not None and old is not self:
            svc.log.warning("A second websocket for %s replaces the first", kernel_id)
            old.close(1000, "replaced")
        svc.sockets[kernel_id] = self
        self.zy_comms: dict[str, str | None] = {}  # comm id -> widget model name (None: not yet known)
        self.zy_pending_info: set[str] = set()
        await super().get(kernel_id=kernel_id)

    def select_subprotocol(self, subprotocols):
        return V1 if V1 in subprotocols else None

    def on_close(self):
        svc = self.settings["zyfw_app"]
        if svc.sockets.get(getattr(self, "kernel_id", None)) is self:
            svc.sockets.pop(self.kernel_id, None)
        if getattr(self, "connection", None) is not None:
            super().on_close()

    # ---- page -> kernel
    def on_message(self, ws_message):
        verdict = self.judge_incoming(ws_message)
        if verdict is True:
            return super().on_message(ws_message)
        if verdict:
            self.log.warning("Message from the page dropped: %s", verdict)

    def judge_incoming(self, frame) -> bool | str:
        split = split_v1(frame)
        if split is None:
            return "not a well-formed v1 frame"
        channel, parts = split
        if channel not in CLIENT_CHANNELS or len(parts) < 4:
            return f"channel {channel[:20]!r}"
        header = _json(parts[0])
        msg_type = header.get("msg_type") if header else None
        if msg_type == "comm_open":
            content = _json(parts[3]) or {}
            self._close_comm(header, str(content.get("comm_id", ""))[:64])
            return "comm_open from the page"
        if msg_type not in CLIENT_MSG_TYPES:
            return f"message type {str(msg_type)[:40]!r}"
        if msg_type == "comm_info_request":
            self.zy_pending_info.add(str(header.get("msg_id")))
            return True
        if msg_type == "comm_msg":
            content = _json(parts[3])
            if content is None:
                return "comm_msg content"
            comm_id = content.get("comm_id")
            if comm_id not in self.zy_comms:
                return "comm_msg to a comm the kernel did not open"
            data = content.get("data") or {}
            method = data.get("method") if isinstance(data, dict) else None
            if method not in WIDGET_METHODS:
                return f"widget method {str(method)[:40]!r}"
            if method == "update" and self.zy_comms.get(comm_id) in OUTPUT_MODELS:
                return f"update of an output widget ({self.zy_comms[comm_id]})"
        return True

    def _close_comm(self, parent: dict, comm_id: str) -> None:
        """Answer a refused comm_open at once (the widget manager then loads the kernel's widgets one by one)."""
        header = {"msg_id": secrets.token_hex(16), "msg_type": "comm_close", "username": "server",
                  "session": "server", "date": "", "version": "5.3"}
        parts = [json.dumps(p).encode() for p in (header, parent, {}, {"comm_id": comm_id, "data": {}})]
        try:
            super(VoilaKernelWebsocketHandler, self).write_message(join_v1("iopub", parts), binary=True)
        except WebSocketClosedError:
            pass

    # ---- kernel -> page
    def write_message(self, message, binary=False):
        if isinstance(message, (bytes, bytearray)):
            split = split_v1(message)
            if split is None:
                self.log.warning("Malformed frame from the kernel side dropped")
                return None
            _channel, parts = split
            header = _json(parts[0]) or {}
            msg_type = header.get("msg_type")
            if msg_type in ("execute_input", "error"):  # no code, no tracebacks to the page
                return None
            if msg_type == "stream" and (_json(parts[3]) or {}).get("name") == "stderr":
                return None  # warnings and tracebacks printed by libraries name server paths
            if msg_type in ("comm_open", "comm_msg", "comm_info_reply", "comm_close"):
                self._learn(msg_type, header, _json(parts[3]) or {})
        stream = getattr(self.ws_connection, "stream", None)
        if stream is not None:
            pending = stream._total_write_index - stream._total_write_done_index
            if pending > self.settings["zyfw_app"].service.client_buffer_mb * 1024 * 1024:
                self.log.warning("Page does not read (%d MB pending): connection closed", pending >> 20)
                self.close(1009, "too slow")
                return None
        return super(VoilaKernelWebsocketHandler, self).write_message(message, binary)

    def _learn(self, msg_type: str, header: dict, content: dict) -> None:
        comms = getattr(self, "zy_comms", None)
        if comms is None:
            return
        if msg_type == "comm_info_reply":
            for cid, info in (content.get("comms") or {}).items():
                if isinstance(info, dict) and info.get("target_name") == "jupyter.widget":
                    comms.setdefault(cid, None)
        elif msg_type == "comm_open":
            if content.get("target_name") == "jupyter.widget" and content.get("comm_id"):
                state = (content.get("data") or {}).get("state") or {}
                comms[content["comm_id"]] = state.get("_model_name")
        elif msg_type == "comm_msg":
            cid = content.get("comm_id")
            state = (content.get("data") or {}).get("state") or {}
            if cid in comms and isinstance(state, dict) and state.get("_model_name"):
                comms[cid] = state["_model_name"]
        elif msg_type == "comm_close":
            comms.pop(content.get("comm_id"), None)


class ShutdownHandler(VoilaShutdownKernelHandler):
    """The page's close beacon: only for the page's own kernel."""

    @tornado.web.authenticated
    async def post(self, kernel_id):
        if not KERNEL_ID_RE.fullmatch(kernel_id or "") or not owns(self, kernel_id):
            raise tornado.web.HTTPError(403)
        self.clear_cookie(cookie_name(kernel_id), path="/")
        await super().post(kernel_id)


class KernelModelHandler(tornado.web.RequestHandler):
    """``GET /api/kernels/<id>``, which the page asks once: the id and kernel name, for the page's own kernel.

    Replaces jupyter_server's handler (whose DELETE ended anyone's session); other methods answer 405.
    """

    def get(self, kernel_id):
        svc: ZyfwVoila = self.settings["zyfw_app"]
        if kernel_id not in svc.kernel_manager or not owns(self, kernel_id):
            raise tornado.web.HTTPError(403)
        name = getattr(svc.kernel_manager.get_kernel(kernel_id), "kernel_name", "python3")
        self.set_header("Content-Type", "application/json")
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps({"id": kernel_id, "name": name}))

    def write_error(self, status_code, **kwargs):
        self.finish(json.dumps({"message": tornado.httputil.responses.get(status_code, "error")}))


class QueryHandler(RequestInfoSocketHandler):
    """Voilà's request-info socket (pre-started kernels): only for the page's own kernel."""

    async def get(self, kernel_id, *args, **kwargs):
        if not owns(self, kernel_id):
            self.settings["zyfw_app"].log.warning("Query socket refused (no page cookie)")
            raise tornado.web.HTTPError(403)
        return await super().get(kernel_id, *args, **kwargs)


class BadHostHandler(tornado.web.RequestHandler):
    """Any Host outside ``allowed_hosts`` (DNS rebinding): 400, nothing else."""

    def prepare(self):
        self.set_status(400)
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish("Host not allowed\n")


class SecurityHeaders(tornado.web.OutputTransform):
    """Headers on every response: this origin only, no framing, no referrer, no Server version."""

    def __init__(self, request):
        super().__init__(request)
        self.host = request.host

    def transform_first_chunk(self, status_code, headers, chunk, finishing):
        headers.pop("Server", None)
        ws = f"ws://{self.host} wss://{self.host}"
        # blob: scripts: the download widget (anywidget) loads its module from a blob the page itself made
        headers["Content-Security-Policy"] = (
            "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval' blob:; style-src 'self' 'unsafe-inline'; "
            f"font-src 'self' data:; img-src 'self' data: blob:; connect-src 'self' {ws}; "
            "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
        )
        headers["Referrer-Policy"] = "no-referrer"
        headers["X-Frame-Options"] = "DENY"
        headers["X-Content-Type-Options"] = "nosniff"
        return status_code, headers, chunk


class RedactingFilter(logging.Filter):
    """Kernel ids become :func:`kernel_tag`; lines are cut at ``limit`` characters."""

    def __init__(self, limit: int):
        super().__init__()
        self.limit = limit

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            msg = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string still gets logged
            msg = str(record.msg)
        msg = KERNEL_ID_RE.sub(lambda m: kernel_tag(m.group().lower()), msg)
        if len(msg) > self.limit:
            msg = f"{msg[:self.limit]}… [{len(msg)} chars]"
        record.msg, record.args = msg, None
        return True


# the kernel: ipykernel with an address-space limit and without IPython's history database
KERNEL_LAUNCHER = (
    "import resource, sys\n"
    "cap = int(sys.argv[1]) * 1024 * 1024\n"
    "resource.setrlimit(resource.RLIMIT_AS, (cap, cap))\n"
    "resource.setrlimit(resource.RLIMIT_CORE, (0, 0))\n"
    "from ipykernel import kernelapp\n"
    "kernelapp.launch_new_instance(['-f', sys.argv[2], '--HistoryManager.enabled=False'])\n"
)


class ZyfwKernelManager(AsyncMappingKernelManager):
    """Kernels whose command line names no kernel id, started by :data:`KERNEL_LAUNCHER`."""

    kernel_memory_mb = Int(6144, config=True, help="Set from ZyfwService.kernel_memory_mb.")

    def pre_start_kernel(self, kernel_name, kwargs):
        km, kernel_name, kernel_id = super().pre_start_kernel(kernel_name, kwargs)
        km.connection_file = os.path.join(self.connection_dir, f"kernel-{secrets.token_hex(12)}.json")
        spec = km.kernel_spec
        spec.argv = [sys.executable, "-c", KERNEL_LAUNCHER, str(self.kernel_memory_mb), "{connection_file}"]
        env = dict(kwargs.get("env") or os.environ)
        env["ZYFW_KERNEL_ID"] = kernel_id  # readable by this user only (/proc/<pid>/environ), not in ps
        kwargs["env"] = env
        return km, kernel_name, kernel_id


class PageHandler(TornadoVoilaHandler):
    """Voilà's page: a session slot reserved first, the page's kernel cookie, the busy page when full."""

    @tornado.web.authenticated
    async def get(self, path=None):
        svc: ZyfwVoila = self.settings["zyfw_app"]
        # one page, one template: Voilà reads ?template= and ?theme= (and would start a kernel outside the pool)
        self.request.arguments = {}
        self.request.query_arguments = {}
        # a kernel only for a visit in the top window: not for another site's fetch(no-cors), <img>, <iframe>
        mode = self.request.headers.get("Sec-Fetch-Mode")
        dest = self.request.headers.get("Sec-Fetch-Dest")
        if (mode and mode != "navigate") or (dest and dest != "document"):
            svc.log.warning("Page request refused (Sec-Fetch-Mode %s, Sec-Fetch-Dest %s)", str(mode)[:20],
                            str(dest)[:20])
            raise tornado.web.HTTPError(403)
        _ = self.xsrf_token  # sets the _xsrf cookie: the page's close beacon sends it back
        if not path and not svc.reserve(self):
            svc.log.warning("Service full (%d sessions): busy page", svc.active_sessions())
            self.set_status(503)
            self.set_header("Retry-After", str(svc.service.busy_retry_s))
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.set_header("Cache-Control", "no-cache, no-store, must-revalidate")
            self.finish(busy_page(svc.service.busy_retry_s))
            return
        self.zy_kernel = None
        token = _page.set(self)
        done = False
        try:
            async for html in self.get_generator(path=path):
                if self.zy_kernel is None:
                    raise tornado.web.HTTPError(500, "page without a kernel")
                self.write(html)
                self.flush()
            done = True
        finally:
            _page.reset(token)
            svc.release(self)
            if not done and self.zy_kernel is not None and not svc.sockets.get(self.zy_kernel):
                svc.log.warning("Page rendering failed: its kernel %s is shut down", self.zy_kernel)
                asyncio.ensure_future(svc.kernel_manager.shutdown_kernel(self.zy_kernel, now=True))

    def bind(self, kernel_id: str) -> None:
        """Give this page's browser the cookie for ``kernel_id`` (before the first byte of the page)."""
        self.zy_kernel = kernel_id
        svc: ZyfwVoila = self.settings["zyfw_app"]
        svc.bound(self, kernel_id)
        live = {cookie_name(k) for k in svc.kernel_manager.list_kernel_ids()}
        for name in self.request.cookies:
            if name.startswith(COOKIE_PREFIX) and name not in live:
                self.clear_cookie(name, path="/")
        https = self.request.protocol == "https" or \
            self.request.headers.get("X-Forwarded-Proto", "").lower() == "https"
        self.set_cookie(cookie_name(kernel_id), kernel_mac(kernel_id), path="/", httponly=True,
                        samesite="Strict", secure=https)

    def write_error(self, status_code, **kwargs):
        """No traceback and no template: a short Chinese line."""
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(f"页面暂时无法打开（{status_code}），请稍后刷新重试。\n")


class ZyfwVoila(Voila):
    """Voilà with :class:`ZyfwService`'s settings: busy page, line of jobs, kernels end with their page."""

    name = "zyfw-app"
    classes = [*Voila.classes, ZyfwService]

    def initialize(self, argv=None):
        super().initialize(argv)
        self.service = ZyfwService(parent=self)
        self.voila_configuration.multi_kernel_manager_class = ZyfwKernelManager
        self.config.ZyfwKernelManager.kernel_memory_mb = self.service.kernel_memory_mb
        self.sockets: dict[str, ChannelsHandler] = {}
        self._pages: dict[int, str | None] = {}  # page requests being rendered -> their kernel (once known)
        self._redact_logs()
        self.run_dir = Path(tempfile.mkdtemp(prefix="zyfw_app_"))
        os.chmod(self.run_dir, 0o700)
        # the kernels (started from this process's environment) read their limits from these
        os.environ.update({
            service.ENV_RUN_DIR: str(self.run_dir),
            service.ENV_MAX_RUNNING: str(self.service.max_running_checks),
            service.ENV_JOB_MEMORY_MB: str(self.service.job_memory_mb),
            service.ENV_JOB_TIMEOUT_S: str(self.service.job_timeout_s),
            service.ENV_TYPICAL_JOB_S: str(self.service.typical_job_s),
            service.ENV_WARM: "1" if self.service.warm_kernels else "0",
        })
        self._zero_since: dict[str, float] = {}
        self._first_seen: dict[str, float] = {}
        self._connected: set[str] = set()
        self._taken: set[str] = set()  # pre-started kernels handed to a page

    def _redact_logs(self) -> None:
        flt = RedactingFilter(self.service.log_line_chars)
        loggers = [logging.getLogger(), self.log, *(logging.getLogger(n) for n in
                                                     ("tornado.access", "tornado.application", "tornado.general"))]
        handlers = [h for logger in loggers for h in getattr(logger, "handlers", ())]
        if logging.lastResort is not None:  # loggers without a handler (tornado.access here) end up there
            handlers.append(logging.lastResort)
        for handler in handlers:
            if not any(isinstance(f, RedactingFilter) for f in handler.filters):
                handler.addFilter(flt)

    def init_handlers(self):
        replace = {TornadoVoilaHandler: PageHandler, VoilaKernelWebsocketHandler: ChannelsHandler,
                   VoilaShutdownKernelHandler: ShutdownHandler, RequestInfoSocketHandler: QueryHandler}
        handlers = []
        for item in super().init_handlers():
            if len(item) > 1 and item[1] is KernelHandler:  # the generic API: DELETE ended anyone's session
                item = (item[0], KernelModelHandler, *item[2:])
            if len(item) > 1 and item[1] in replace:
                item = (item[0], replace[item[1]], *item[2:])
            handlers.append(item)
        return handlers

    def start(self):
        """Voilà's start, with the handlers served only for ``allowed_hosts`` and the security headers."""
        self.connection_dir = tempfile.mkdtemp(prefix="voila_", dir=self.connection_dir_root)
        settings = self.init_settings()
        self.app = tornado.web.Application(**settings)
        self.app.settings.update(self.tornado_settings)
        self.app.add_transform(SecurityHeaders)
        hosts = "|".join(re.escape(h.strip("[]").lower()) for h in self.service.allowed_hosts)
        self.app.add_handlers(f"({hosts})$", self.init_handlers())
        self.app.add_handlers(".*$", [(r".*", BadHostHandler)])
        self._redact_logs()
        self.listen()

    # ---- a page and its kernel
    def reserve(self, page) -> bool:
        """Take a session slot for ``page`` before any kernel is started for it (False: full)."""
        if self.active_sessions() >= self.service.max_sessions:
            return False
        self._pages[id(page)] = None
        return True

    def bound(self, page, kernel_id: str) -> None:
        if id(page) in self._pages:
            self._pages[id(page)] = kernel_id
            self._taken.add(kernel_id)

    def release(self, page) -> None:
        self._pages.pop(id(page), None)

    def _watch_pool(self) -> None:
        """Note which pre-started kernels are handed to pages (Voilà does not keep that apart)."""
        km = self.kernel_manager
        take = getattr(km, "get_rendered_notebook", None)
        if take is None:
            return

        async def taking(*args, **kwargs):
            task, rendered, kernel_id = await take(*args, **kwargs)
            self._taken.add(kernel_id)
            page = _page.get()
            if page is not None and page.zy_kernel is None:
                page.bind(kernel_id)
            return task, rendered, kernel_id

        km.get_rendered_notebook = taking

    def _watch_starts(self) -> None:
        """A page that finds the pool empty starts its own kernel: bind that one (pool fills do not come here)."""
        km = self.kernel_manager
        start = km.start_kernel

        async def starting(*args, **kwargs):
            kernel_id = await start(*args, **kwargs)
            page = _page.get()
            if page is not None and page.zy_kernel is None:
                page.bind(kernel_id)
            return kernel_id

        km.start_kernel = starting

    def listen(self):
        from zyfw_checks.app.compat import AppCompatError, check_private_apis

        try:  # the reaper and the session binding read private attributes: say which one is missing, and stop
            check_private_apis(self.kernel_manager)
        except AppCompatError as exc:
            print(str(exc), file=sys.stderr)
            raise SystemExit(2) from None
        self._watch_pool()
        self._watch_starts()
        self.app.settings["zyfw_app"] = self
        self.app.settings["ws_ping_interval"] = self.service.ping_interval_s * 1000
        self.app.settings["ws_ping_timeout"] = self.service.ping_timeout_s * 1000
        reaper = tornado.ioloop.PeriodicCallback(self.reap, self.service.reap_interval_s * 1000)
        reaper.start()
        super().listen()

    def stop(self):
        try:
            super().stop()
        finally:
            shutil.rmtree(self.run_dir, ignore_errors=True)

    # ------------------------------------------------------------ sessions

    def _pool_kernels(self) -> set[str]:
        """Kernels the pre-start pool made that no page has taken yet (ready or still building the app)."""
        started: set[str] = set()
        for data in getattr(self.kernel_manager, "notebook_data", {}).values():
            started |= set(data.get("kernel_ids", ()))
        return started - self._taken

    def _page_kernels(self) -> list[str]:
        pool = self._pool_kernels()
        return [k for k in self.kernel_manager.list_kernel_ids() if k not in pool]

    def active_sessions(self) -> int:
        """Pages with a kernel, plus pages being rendered that have no kernel yet (their slot is reserved)."""
        pages = getattr(self, "_pages", {})
        kernels = set(self._page_kernels()) | {k for k in pages.values() if k}
        return len(kernels) + sum(1 for k in pages.values() if k is None)

    def full(self) -> bool:
        return self.active_sessions() >= self.service.max_sessions

    def _kernel_pid(self, kernel_id: str) -> int | None:
        try:
            km = self.kernel_manager.get_kernel(kernel_id)
        except KeyError:
            return None
        prov = getattr(km, "provisioner", None)
        pid = getattr(prov, "pid", None)
        return int(pid) if pid else None

    async def reap(self) -> None:
        """End kernels whose page is gone or that asked to end (runs every ``reap_interval_s``)."""
        km = self.kernel_manager
        now = time.monotonic()
        ended_dir = self.run_dir / "ended"
        asked = {p.name for p in ended_dir.iterdir()} if ended_dir.is_dir() else set()
        pool = self._pool_kernels()
        for kid in list(km.list_kernel_ids()):
            if kid in pool:  # waiting in the pool: its clock starts when a page takes it
                self._first_seen.pop(kid, None)
                continue
            first = self._first_seen.setdefault(kid, now)
            pid = self._kernel_pid(kid)
            reason = None
            if pid is not None and str(pid) in asked:
                reason = "the session was cleared"
            elif km._kernel_connections.get(kid, 0) > 0:
                self._connected.add(kid)
                self._zero_since.pop(kid, None)
            elif kid in self._connected:
                since = self._zero_since.setdefault(kid, now)
                if now - since >= self.service.disconnect_grace_s:
                    reason = f"its page has been disconnected for {now - since:.0f} s"
            elif now - first >= self.service.first_connect_s:
                reason = f"its page did not connect within {self.service.first_connect_s} s"
            if reason:
                self.log.warning("Shutting down kernel %s: %s", kid, reason)
                sock = getattr(self, "sockets", {}).pop(kid, None)
                if sock is not None:
                    sock.close(1000, "session ended")
                try:
                    await km.shutdown_kernel(kid, now=True)
                except Exception:  # noqa: BLE001 - already gone
                    self.log.debug("kernel %s already gone", kid, exc_info=True)
        live = set(km.list_kernel_ids())
        for d in (self._first_seen, self._zero_since):
            for kid in list(d):
                if kid not in live:
                    d.pop(kid, None)
        self._connected &= live
        self._taken &= live
        live_pids = {str(p) for p in (self._kernel_pid(k) for k in live) if p}
        for name in asked - live_pids:
            (ended_dir / name).unlink(missing_ok=True)


main = ZyfwVoila.launch_instance

if __name__ == "__main__":
    main()
