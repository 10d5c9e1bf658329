"""The built guide in a real browser: Debian's headless Chromium via Playwright, served from localhost.

Checks that every page in _toc.yml renders with Chinese text; that the Chinese site search puts the
right page first for the phrases readers type; that the phone menu opens at 390 px; that the
trainers' page prints a question sheet without answers and a separate answer key, and its quiz
scores; that no visible UI string is English; and that no request leaves localhost. Saves
screenshots into artifacts/. Never downloads a browser: it uses /usr/bin/chromium or skips.
"""

from __future__ import annotations

import functools
import http.server
import re
import threading
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, urlparse

import pytest

from tests.test_book import CJK, REPO, ensure_built, lesson, toc_pages


def lesson_cases() -> list[dict]:
    return lesson.load_cases()

# What readers type → the page that must come first (the page that is the home of that fact).
SEARCHES = {
    "10个工作日": "clauses/s2-2-records",
    "四类活动": "clauses/s2-2-activities",
    "组织标识": "clauses/s2-1",
    "6月30日": "clauses/s2-1",
    "9月前": "clauses/s2-2-targets",
    "10月底": "clauses/s2-2-targets",
    "四有": "clauses/s2-4",
    "工作日": "clauses/s2-2-records",
    "研学": "clauses/s2-2-activities",
    "标识": "clauses/s2-1",
    "REC002": "reference/rules",  # a rule code: its entry in the rule reference
    "ACT004": "reference/rules",
}

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


def test_footer_has_the_checked_date_and_a_working_changelog_link(site, browser_page):
    page, _ = browser_page
    page.goto(f"{site}/clauses/s2-2-records.html", wait_until="load")
    footer = page.locator(".extra_footer")
    assert "最后对照通知原文核对" in footer.inner_text()
    footer.locator("a", has_text="更新记录").click()
    page.wait_for_load_state("load")
    assert page.url.endswith("references/changelog.html")
    assert "localhost" not in page.content()


def _first_result(page, site: str, query: str) -> list[str]:
    page.goto(f"{site}/search.html?q={quote(query)}", wait_until="load")
    results = page.locator("#search-results ul.search li > a")
    results.first.wait_for(timeout=20_000)
    return [urlparse(results.nth(i).get_attribute("href")).path.removesuffix(".html")
            for i in range(min(3, results.count()))]


@pytest.mark.parametrize("query", list(SEARCHES))
def test_chinese_search_puts_the_right_page_first(site, browser_page, query):
    page, _ = browser_page
    top = _first_result(page, site, query)
    assert top[0] == SEARCHES[query], f"“{query}”的第一个结果是 {top[0]}（前三：{top}）"
    first = page.locator("#search-results ul.search li").first
    first.locator("p.context").wait_for(timeout=20_000)  # the result shows where the words stand
    hits = first.locator("p.context").inner_text()
    assert CJK.search(hits), hits


def test_search_splitter_without_index_entries_still_finds_unspaced_phrases(site, browser_page):
    """The splitter alone (no index entry holds this phrase) finds an unspaced Chinese phrase."""
    page, _ = browser_page
    page.goto(f"{site}/search.html?q={quote('慈善超市分拣')}", wait_until="load")
    split = page.evaluate("splitQuery('慈善超市分拣衣物10个工作日')")
    assert "10" in split and "工作日" in split and all(len(t) >= 2 or t.isdigit() for t in split), split
    results = page.locator("#search-results ul.search li > a")
    results.first.wait_for(timeout=20_000)
    assert "cases/trainers" in results.first.get_attribute("href")


@contextmanager
def _phone(browser_page, block_patch: bool = False):
    page, _ = browser_page
    context = page.context.browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN",
                                               is_mobile=True, has_touch=True)
    if block_patch:
        context.route(re.compile(r".*zyfw-menu\.js.*"), lambda route: route.abort())
    try:
        yield context.new_page()
    finally:
        context.close()


def _open_menu(phone, site: str) -> bool:
    phone.goto(f"{site}/clauses/s2-2-records.html", wait_until="load")
    button = phone.locator(".primary-toggle >> visible=true")
    assert button.count() == 1, "手机页面上应当正好有一个可见的目录按钮"
    button.first.tap()
    phone.wait_for_timeout(300)
    return phone.locator("#pst-primary-sidebar-modal").evaluate("d => d.open")


def test_phone_menu_opens_at_390px(site, browser_page):
    with _phone(browser_page) as phone:
        assert _open_menu(phone, site), "点目录按钮后目录没有打开"
        links = phone.locator("#pst-primary-sidebar-modal a.reference >> visible=true")
        assert links.count() >= len(toc_pages()) - 1
        ARTIFACTS.mkdir(exist_ok=True)
        phone.screenshot(path=str(ARTIFACTS / "book-phone-menu.png"))
        links.filter(has_text="要点速览").first.click()
        phone.wait_for_load_state("load")
        assert phone.url.endswith("guide/keyfacts.html")
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 400, f"手机页面有横向滚动（{width}px）"


def test_phone_page_contents_opens_at_390px(site, browser_page):
    """The 本页内容 button (the secondary sidebar) has the same theme bug and the same fix."""
    with _phone(browser_page) as phone:
        phone.goto(f"{site}/clauses/s2-1.html", wait_until="load")
        button = phone.locator(".secondary-toggle >> visible=true")
        assert button.count() == 1
        button.first.tap()
        phone.wait_for_timeout(300)
        assert phone.locator("#pst-secondary-sidebar-modal").evaluate("d => d.open")
        assert phone.locator("#pst-secondary-sidebar-modal a >> visible=true").count() >= 3


def test_phone_menu_needs_the_patch(site, browser_page):
    """Without _static/zyfw-menu.js the theme's button does nothing (the bug this patch exists for)."""
    with _phone(browser_page, block_patch=True) as phone:
        assert not _open_menu(phone, site), "主题已修复这个问题：可以删除 _static/zyfw-menu.js"


def test_every_page_fits_a_phone(site, browser_page):
    """No page scrolls sideways at 390 px (wide tables scroll inside their own box)."""
    with _phone(browser_page) as phone:
        wide = {}
        for doc in toc_pages():
            phone.goto(f"{site}/{doc}.html", wait_until="load")
            width = phone.evaluate("document.documentElement.scrollWidth")
            if width > 400:
                wide[doc] = width
        assert not wide, f"在手机上横向超出的页面：{wide}"
        phone.goto(f"{site}/notice.html", wait_until="load")
        assert phone.locator("#notice-s2-2-four").count() == 1


def test_trainers_page_prints_questions_without_answers_and_a_separate_key(site, browser_page):
    page, _ = browser_page
    page.goto(f"{site}/cases/trainers.html", wait_until="load")
    assert page.locator(".zyfw-answer").count() >= 10
    page.emulate_media(media="print")
    try:
        assert page.locator(".zyfw-answer >> visible=true").count() == 0, "打印的题目单里出现了答案"
        assert page.locator(".zyfw-quiz >> visible=true").count() == 0
        assert page.locator("section#quiz >> visible=true").count() == 0
        key = page.locator(".zyfw-answer-key")
        assert key.is_visible() and key.evaluate("e => getComputedStyle(e).breakBefore") == "page"
        assert page.locator(".bd-sidebar-primary >> visible=true").count() == 0
        # a student sheet: no lesson plan or trainer's note, and lines to write the answer on under every case
        assert page.locator("section#lesson-plan >> visible=true").count() == 0
        assert page.locator(".zyfw-trainer-only >> visible=true").count() == 0
        assert page.locator(".zyfw-answer-lines >> visible=true").count() == len(lesson_cases())
        ARTIFACTS.mkdir(exist_ok=True)
        page.pdf(path=str(ARTIFACTS / "book-trainers-print.pdf"), prefer_css_page_size=True)
    finally:
        page.emulate_media(media="screen")


def test_quiz_scores_in_the_page(site, browser_page):
    page, _ = browser_page
    page.goto(f"{site}/cases/trainers.html", wait_until="load")
    quiz = page.locator(".zyfw-quiz")
    first = quiz.locator("fieldset").first
    # exactly one of the three options is right, and the feedback says so
    outcomes = []
    for option in first.locator("input[type=radio]").all():
        option.check()
        outcomes.append(first.locator(".zyfw-feedback").inner_text())
    assert sum(o.startswith("答对了") for o in outcomes) == 1, outcomes
    assert "已答 1 题" in quiz.locator(".zyfw-quiz-score").inner_text()
    quiz.locator(".zyfw-quiz-reset").click()
    assert "已答 0 题" in quiz.locator(".zyfw-quiz-score").inner_text()


def test_no_english_ui_strings(site, browser_page):
    page, _ = browser_page
    for doc in ("intro", "clauses/s2-1", "search"):
        page.goto(f"{site}/{doc}.html", wait_until="load")
        attrs = page.evaluate("""() => [...document.querySelectorAll('[title],[aria-label],[data-bs-title],[placeholder]')]
            .filter(e => !e.closest('.bd-article'))
            .flatMap(e => ['title', 'aria-label', 'data-bs-title', 'placeholder'].map(a => e.getAttribute(a)))
            .filter(Boolean)""")
        english = sorted({a for a in attrs if re.search(r"[A-Za-z]{3,}", a) and not CJK.search(a)})
        assert not english, f"{doc}：{english}"
        visible = page.locator(".bd-header, .bd-sidebar-primary, .header-article, .prev-next-area").all_inner_texts()
        words = sorted({w for t in visible for w in re.findall(r"[A-Za-z]{4,}", t)} - {"Python", "Ctrl"})
        assert not words, f"{doc}：{words}"


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


# What people ask, in their own words → the 常见问题 page (or the page it answers from) is among the first three.
USER_SEARCHES = {
    "记时长": {"guide/faq"},
    "不能记录": {"guide/faq"},
    "几天": {"guide/faq"},
    "要不要": {"guide/faq"},
    "不能记时长": {"guide/faq", "clauses/s2-2-activities"},
    "哪些活动不能记录": {"guide/faq", "clauses/s2-2-activities"},
}


@pytest.mark.parametrize("query", list(USER_SEARCHES))
def test_search_finds_the_faq_for_users_words(site, browser_page, query):
    page, _ = browser_page
    top = _first_result(page, site, query)
    assert USER_SEARCHES[query] & set(top), f"“{query}”的前三个结果：{top}"


def test_phone_key_facts_answers_first_screen_cards_and_tap_targets(site, browser_page):
    """At 390 × 844: the six answers are on the first screen of the key-facts and home pages; no table is wider
    than its box (tables are cards); every control of the page is at least 44 px tall."""
    answers = ("10 个工作日", "4 类", "6月30日", "每百万人口 20 个", "9月前", "10月底前")
    with _phone(browser_page) as phone:
        for doc in ("guide/keyfacts", "intro"):
            phone.goto(f"{site}/{doc}.html", wait_until="load")
            box = phone.locator(".zyfw-answers").first
            bottom = box.evaluate("e => e.getBoundingClientRect().bottom + window.scrollY")
            text = box.inner_text()
            for a in answers:
                assert a in text, (doc, a)
            assert bottom <= 844, f"{doc}: the answers end at {bottom:.0f} px, below the first screen"
            wide = phone.evaluate("""() => [...document.querySelectorAll('.bd-article table')]
                .filter(t => t.getBoundingClientRect().width > 0)
                .filter(t => t.scrollWidth > t.parentElement.clientWidth + 1
                             || t.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
                .map(t => t.className + ' ' + t.scrollWidth)""")
            assert wide == [], (doc, wide)
            small = phone.evaluate("""() => [...document.querySelectorAll('button, select, input, summary')]
                .filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; })
                .filter(e => e.getBoundingClientRect().height < 43.5)
                .map(e => e.outerHTML.slice(0, 80) + ' ' + e.getBoundingClientRect().height.toFixed(0))""")
            assert small == [], (doc, small)
            if doc == "guide/keyfacts":
                ARTIFACTS.mkdir(exist_ok=True)
                phone.screenshot(path=str(ARTIFACTS / "book_phone_keyfacts.png"))
        # the working-day calendar is text: every day of the limit is numbered, readable at 390 px
        phone.goto(f"{site}/clauses/s2-2-records.html", wait_until="load")
        cal = phone.locator("table.zyfw-cal")
        assert "第10个工作日" in cal.inner_text() and "10月7日" in cal.inner_text()
        assert cal.evaluate("t => t.scrollWidth <= t.parentElement.clientWidth + 1")
        size = cal.locator("td").first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
        assert size >= 14


def test_elder_mode_in_the_guide_enlarges_text_and_persists(site, browser_page):
    with _phone(browser_page) as phone:
        phone.goto(f"{site}/guide/keyfacts.html", wait_until="load")
        size = lambda: phone.evaluate("parseFloat(getComputedStyle(document.querySelector('.bd-article p')).fontSize)")  # noqa: E731
        assert size() >= 16
        phone.locator(".zyfw-elder-btn >> visible=true").first.click()
        assert size() >= 24  # about 18 pt
        phone.goto(f"{site}/clauses/s2-1.html", wait_until="load")
        assert size() >= 24, "大字模式 was not kept on the next page"
        assert phone.locator(".zyfw-elder-btn >> visible=true").first.get_attribute("aria-pressed") == "true"
        phone.locator(".zyfw-elder-btn >> visible=true").first.click()
        assert size() < 24
