"""The built guide in a real browser: Debian's headless Chromium via Playwright, served from localhost.

Checks that every page in _toc.yml renders with Chinese text, that the site search finds 工作日 and
研学, and that no request leaves localhost; saves screenshots of the home page and a clause page
into artifacts/. Never downloads a browser: it uses /usr/bin/chromium or skips.
"""

from __future__ import annotations

import functools
import http.server
import re
import threading
from pathlib import Path
from urllib.parse import quote, urlparse

import pytest

from tests.test_book import CJK, REPO, ensure_built, toc_pages

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = REPO / "artifacts"
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="需要 Debian 的 chromium（/usr/bin/chromium）"),
]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep the test output readable
        pass


@pytest.fixture(scope="session")
def site():
    root = ensure_built()
    handler = functools.partial(_Quiet, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)  # port 0: a free port
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def browser_page(site):
    sync_api = pytest.importorskip("playwright.sync_api")
    requests: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        page = context.new_page()
        page.on("request", lambda req: requests.append(req.url))
        try:
            yield page, requests
        finally:
            context.close()
            browser.close()


def _article_text(page) -> str:
    return page.locator("main").inner_text()


def test_every_toc_page_renders_chinese(site, browser_page):
    page, _ = browser_page
    for doc in toc_pages():
        resp = page.goto(f"{site}/{doc}.html", wait_until="load")
        assert resp is not None and resp.ok, f"{doc}: HTTP {resp.status if resp else '无响应'}"
        text = _article_text(page)
        assert len(CJK.findall(text)) > 100, f"{doc} 中文内容太少"
        assert page.locator("main h1 >> visible=true").count() == 1, doc
        assert "Traceback" not in text, doc


def test_footer_links_to_the_selfcheck_app(site, browser_page):
    page, _ = browser_page
    page.goto(f"{site}/clauses/s2-2-records.html", wait_until="load")
    link = page.locator(".extra_footer a")
    assert link.count() == 1 and link.inner_text() == "志愿服务记录自查应用"


@pytest.mark.parametrize("word", ["工作日", "研学"])
def test_search_finds_chinese_words(site, browser_page, word):
    page, _ = browser_page
    page.goto(f"{site}/search.html?q={quote(word)}", wait_until="load")
    results = page.locator("#search-results ul.search li")
    results.first.wait_for(timeout=20_000)
    assert results.count() >= 1
    assert word in page.locator("#search-results").inner_text()


def test_screenshots_and_no_request_leaves_localhost(site, browser_page):
    page, requests = browser_page
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(f"{site}/intro.html", wait_until="networkidle")
    page.screenshot(path=str(ARTIFACTS / "book-home.png"))
    page.goto(f"{site}/clauses/s2-2-records.html", wait_until="networkidle")
    page.screenshot(path=str(ARTIFACTS / "book-clause-s2-2-records.png"), full_page=True)
    assert (ARTIFACTS / "book-home.png").stat().st_size > 10_000
    for doc in toc_pages():  # so this test alone also covers every page (the others add search pages)
        page.goto(f"{site}/{doc}.html", wait_until="networkidle")
    assert len(requests) > len(toc_pages())
    outside = sorted({u for u in requests
                      if urlparse(u).scheme in ("http", "https", "ws", "wss")
                      and urlparse(u).hostname not in LOCAL_HOSTS})
    assert not outside, f"请求离开了本机：{outside}"
    assert not [u for u in requests if not re.match(r"^(https?://(127\.0\.0\.1|localhost)|data:|blob:|about:)", u)]
