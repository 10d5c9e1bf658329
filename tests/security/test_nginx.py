"""deploy/nginx/zyfw-app.conf, run by Debian's nginx on loopback ports with a self-signed certificate, in
front of the app: a real upload and check through it in headless Chromium, and the site's refusals.

The site file is used as shipped, with only its ports, name, certificate and log paths replaced.
Skipped when /usr/sbin/nginx, openssl or /usr/bin/chromium is absent (scripts/setup.sh installs them).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.security.client import REPO, Server, free_port

NGINX = "/usr/sbin/nginx"
CHROMIUM = "/usr/bin/chromium"
SITE = REPO / "deploy" / "nginx" / "zyfw-app.conf"
SAMPLE = REPO / "data" / "samples" / "problems.xlsx"
KERNEL_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.skipif(not (Path(NGINX).exists() and shutil.which("openssl") and Path(CHROMIUM).exists()),
                       reason="needs Debian nginx, openssl and chromium"),
]


def site_for_test(app_port: int, https_port: int, http_port: int, cert: Path, key: Path, logs: Path) -> str:
    text = SITE.read_text(encoding="utf-8")
    replaced = {
        "server 127.0.0.1:8866;": f"server 127.0.0.1:{app_port};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "listen [::]:443 ssl http2;": "",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen [::]:80;": "",
        "zicha.example.org;": "127.0.0.1;",
        "/etc/letsencrypt/live/zicha.example.org/fullchain.pem": str(cert),
        "/etc/letsencrypt/live/zicha.example.org/privkey.pem": str(key),
        "/var/log/nginx/": f"{logs}/",
    }
    for old, new in replaced.items():
        assert old in text, f"the site file no longer has {old!r}"
        text = text.replace(old, new)
    return text


@pytest.fixture(scope="module")
def proxy(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("nginx")
    cert, key = tmp / "cert.pem", tmp / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",
                    str(cert), "-days", "1", "-subj", "/CN=127.0.0.1"], check=True, capture_output=True, timeout=60)
    (REPO / "artifacts").mkdir(exist_ok=True)
    https_port, http_port = free_port(), free_port()
    app = Server(log=REPO / "artifacts" / "nginx_app.log")
    try:
        site = site_for_test(app.port, https_port, http_port, cert, key, tmp)
    except AssertionError:
        app.stop()
        raise
    (tmp / "site.conf").write_text(site, encoding="utf-8")
    user = "user root;\n" if os.geteuid() == 0 else ""
    (tmp / "nginx.conf").write_text(
        f"{user}worker_processes 1;\ndaemon off;\npid {tmp}/nginx.pid;\nerror_log {tmp}/main-error.log warn;\n"
        "events { worker_connections 256; }\n"
        f"http {{\n include /etc/nginx/mime.types;\n client_body_temp_path {tmp}/body;\n proxy_temp_path {tmp}/proxy;\n"
        f" fastcgi_temp_path {tmp}/fcgi;\n uwsgi_temp_path {tmp}/uwsgi;\n scgi_temp_path {tmp}/scgi;\n"
        f" access_log {tmp}/main-access.log;\n include {tmp}/site.conf;\n}}\n", encoding="utf-8")
    check = subprocess.run([NGINX, "-t", "-p", str(tmp), "-c", str(tmp / "nginx.conf")], capture_output=True,
                           text=True, timeout=30)
    if check.returncode != 0:
        app.stop()
        pytest.fail(check.stderr)
    proc = subprocess.Popen([NGINX, "-p", str(tmp), "-c", str(tmp / "nginx.conf")], start_new_session=True,
                            stderr=subprocess.DEVNULL)
    url = f"https://127.0.0.1:{https_port}/"
    ctx = ssl.create_default_context()
    ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE
    try:
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                urllib.request.urlopen(url + "voila/static/voila.js", timeout=2, context=ctx)  # noqa: S310
                break
            except OSError:
                time.sleep(0.3)
        else:
            pytest.fail("nginx did not answer within 30 s")
        yield type("Proxy", (), {"url": url, "ctx": ctx, "app": app, "logs": tmp, "http_port": http_port})
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        app.stop()


def _get(proxy, path: str, method: str = "GET", headers: dict | None = None) -> tuple[int, dict]:
    req = urllib.request.Request(proxy.url.rstrip("/") + path, method=method, headers=headers or {})

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect, urllib.request.HTTPSHandler(context=proxy.ctx))
    try:
        with opener.open(req, timeout=60) as r:
            return r.status, dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers)


def test_upload_and_check_through_nginx_in_chromium(proxy):
    from playwright.sync_api import sync_playwright

    from zyfw_checks.engine import check_table
    from zyfw_checks.load import load_table

    expected = check_table(load_table(SAMPLE))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            context = browser.new_context(ignore_https_errors=True, locale="zh-CN")
            page = context.new_page()
            console: list[str] = []
            page.on("console", lambda m: console.append(m.text))
            failed: list[str] = []
            page.on("requestfailed", lambda r: failed.append(r.url))
            page.on("response", lambda r: r.status >= 400 and failed.append(f"{r.status} {r.url}"))
            page.goto(proxy.url, wait_until="domcontentloaded")
            try:
                page.wait_for_selector("button.widget-upload", timeout=90_000)
            except Exception:  # noqa: BLE001 - say why
                pytest.fail(f"no app through nginx; failed requests {failed[:10]}; console {console[-10:]}")
            with page.expect_file_chooser() as fc:
                page.click("button.widget-upload")
            fc.value.set_files(str(SAMPLE))
            page.get_by_text("已读取“problems.xlsx”").wait_for(timeout=90_000)
            page.get_by_role("button", name="开始检查").click()
            page.get_by_text("检查完成").wait_for(timeout=90_000)
            assert page.inner_text("#zy-findings").strip() == str(len(expected.findings))
            cookies = {c["name"]: c for c in context.cookies()}
            kernel_cookie = next(c for n, c in cookies.items() if n.startswith("zyk_"))
            assert kernel_cookie["secure"] and kernel_cookie["httpOnly"] and kernel_cookie["sameSite"] == "Strict"
            assert not [m for m in console if "Content Security Policy" in m], console
            page.close(run_before_unload=True)
            context.close()
        finally:
            browser.close()
    time.sleep(1)
    access = (proxy.logs / "zyfw-app.access.log").read_text(encoding="utf-8")
    assert "/api/kernels/-/channels" in access  # the websocket went through the proxy ...
    assert not KERNEL_ID.search(access)  # ... and no kernel id reached the access log
    assert not KERNEL_ID.search((proxy.logs / "zyfw-app.error.log").read_text(encoding="utf-8"))


def test_site_refuses_what_the_app_does_not_need(proxy):
    assert _get(proxy, "/?template=classic")[0] == 302  # back to the one page
    assert _get(proxy, "/voila/files/notebooks/self_check.ipynb")[0] == 404
    assert _get(proxy, "/login")[0] == 404
    assert _get(proxy, "/api/kernels")[0] == 404
    kid = "3ba29035-f98f-4cfa-a908-342d8895fd60"
    assert _get(proxy, f"/api/kernels/{kid}", "DELETE")[0] == 403
    ws = {"Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13",
          "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}
    assert _get(proxy, f"/api/kernels/{kid}/channels", headers=ws)[0] == 400  # no v1 subprotocol
    status, headers = _get(proxy, "/voila/static/voila.js")
    assert status == 200 and headers.get("Server") == "nginx"  # no version
    assert "max-age" in headers["Strict-Transport-Security"] and headers["X-Frame-Options"] == "DENY"
    plain = urllib.request.Request(f"http://127.0.0.1:{proxy.http_port}/")

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    try:
        urllib.request.build_opener(NoRedirect).open(plain, timeout=10)
        code = 200
    except urllib.error.HTTPError as e:
        code = e.code
    assert code == 301


def test_page_requests_are_rate_limited_per_address(proxy):
    codes = [_get(proxy, "/", "HEAD")[0] for _ in range(12)]  # HEAD: refused by the site, no kernel started
    print("HEAD / codes:", codes)
    assert 429 in codes
