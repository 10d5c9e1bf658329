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
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

import tornado.ioloop
import tornado.web
from traitlets import Int
from traitlets.config import Configurable
from voila.app import Voila
from voila.tornado.handler import TornadoVoilaHandler

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
    ping_timeout_s = Int(30, config=True, help="A page that has not answered pings for this long is disconnected.")


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


class PageHandler(TornadoVoilaHandler):
    """Voilà's page, plus the ``_xsrf`` cookie for the close beacon and the busy page when full."""

    @tornado.web.authenticated
    async def get(self, path=None):
        _ = self.xsrf_token  # sets the _xsrf cookie: the page's close beacon sends it back
        svc: ZyfwVoila = self.settings["zyfw_app"]
        if not path and svc.full():
            svc.log.warning("Service full (%d sessions): busy page", svc.active_sessions())
            self.set_status(503)
            self.set_header("Retry-After", str(svc.service.busy_retry_s))
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.set_header("Cache-Control", "no-cache, no-store, must-revalidate")
            self.finish(busy_page(svc.service.busy_retry_s))
            return
        await super().get(path)


class ZyfwVoila(Voila):
    """Voilà with :class:`ZyfwService`'s settings: busy page, line of jobs, kernels end with their page."""

    name = "zyfw-app"
    classes = [*Voila.classes, ZyfwService]

    def initialize(self, argv=None):
        super().initialize(argv)
        self.service = ZyfwService(parent=self)
        self.run_dir = Path(tempfile.mkdtemp(prefix="zyfw_app_"))
        os.chmod(self.run_dir, 0o700)
        # the kernels (started from this process's environment) read their limits from these
        os.environ.update({
            service.ENV_RUN_DIR: str(self.run_dir),
            service.ENV_MAX_RUNNING: str(self.service.max_running_checks),
            service.ENV_JOB_MEMORY_MB: str(self.service.job_memory_mb),
            service.ENV_JOB_TIMEOUT_S: str(self.service.job_timeout_s),
            service.ENV_TYPICAL_JOB_S: str(self.service.typical_job_s),
        })
        self._zero_since: dict[str, float] = {}
        self._first_seen: dict[str, float] = {}
        self._connected: set[str] = set()
        self._taken: set[str] = set()  # pre-started kernels handed to a page

    def init_handlers(self):
        handlers = []
        for item in super().init_handlers():
            if len(item) > 1 and item[1] is TornadoVoilaHandler:
                item = (item[0], PageHandler, *item[2:])
            handlers.append(item)
        return handlers

    def _watch_pool(self) -> None:
        """Note which pre-started kernels are handed to pages (Voilà does not keep that apart)."""
        km = self.kernel_manager
        take = getattr(km, "get_rendered_notebook", None)
        if take is None:
            return

        async def taking(*args, **kwargs):
            task, rendered, kernel_id = await take(*args, **kwargs)
            self._taken.add(kernel_id)
            return task, rendered, kernel_id

        km.get_rendered_notebook = taking

    def listen(self):
        self._watch_pool()
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
        return len(self._page_kernels())

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
