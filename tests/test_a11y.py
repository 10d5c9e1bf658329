"""Accessibility to GB/T 37668-2019 / WCAG 2.0 A and AA: axe-core in Debian's Chromium on the guide and the app.

axe-core comes from the npm registry through ``scripts/setup.sh`` (``.venv/share/axe/axe.min.js``) and is
injected into each page from that file: nothing is downloaded while the tests run. Every page of the guide
and the app (before a check, after it, with the column mapping open) is scanned at 390 and 1280 px with
the ``wcag2a`` and ``wcag2aa`` rules and must have no violation. The unit tests show that the scan does
find violations (a nameless control, a wrong language, low contrast), so a 0 here means something.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.test_app_browser import server  # noqa: F401 - the app server fixture (scripts/run_app.sh)
from tests.test_book_browser import site  # noqa: F401 - the built guide on a localhost port

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
TAGS = ["wcag2a", "wcag2aa"]
WIDTHS = (390, 1280)


def axe_path() -> Path | None:
    """axe.min.js as scripts/setup.sh installs it (the project's .venv, or the venv running the tests)."""
    for base in (REPO / ".venv", Path(sys.prefix)):
        p = base / "share" / "axe" / "axe.min.js"
        if p.exists():
            return p
    return None


AXE = axe_path()

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium not installed"),
    pytest.mark.skipif(AXE is None, reason="axe-core not installed: run scripts/setup.sh"),
]


def axe_violations(page, context: str = "document") -> list[dict]:
    """Run axe (WCAG 2.0 A/AA) in the page; a list of {id, impact, help, nodes: [html…]}."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    out = page.evaluate(
        """async ([ctx, tags]) => {
            const r = await axe.run(ctx === 'document' ? document : ctx,
                                    {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                           nodes: v.nodes.slice(0, 5).map(n => n.html.slice(0, 200))}));
        }""",
        [context, TAGS],
    )
    return out


def _describe(violations: list[dict]) -> str:
    return "\n".join(f"{v['id']} ({v['impact']}): {v['help']} — {v['nodes']}" for v in violations)


@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield b
        b.close()


def _context(browser, width: int):
    return browser.new_context(viewport={"width": width, "height": 844 if width < 600 else 1000}, locale="zh-CN",
                               is_mobile=width < 600, has_touch=width < 600, accept_downloads=True)


# ---------------------------------------------------------------- the scan finds what it should


GOOD = """<!doctype html><html lang="zh-CN"><head><title>测试</title></head><body>
<header><p>页眉</p></header><main><h1>标题</h1>
<label for="a">规则</label><select id="a"><option>全部</option></select>
<button type="button">开始检查</button><p style="color:#8A6500">存疑</p></main></body></html>"""


def test_a_clean_page_has_no_violation(chromium):
    page = chromium.new_page()
    page.set_content(GOOD)
    assert axe_violations(page) == []
    page.close()


@pytest.mark.parametrize(("broken", "rule"), [
    (GOOD.replace('<label for="a">规则</label>', ""), "select-name"),          # a nameless dropdown
    (GOOD.replace('<button type="button">开始检查</button>', "<button></button>"), "button-name"),
    (GOOD.replace(' lang="zh-CN"', ""), "html-has-lang"),
    (GOOD.replace("#8A6500", "#BF8F00"), "color-contrast"),                     # the old 存疑 colour, 2.9:1
])
def test_the_scan_finds_an_introduced_violation(chromium, broken, rule):
    page = chromium.new_page()
    page.set_content(broken)
    found = {v["id"] for v in axe_violations(page)}
    page.close()
    assert rule in found, found


def test_the_palette_meets_contrast():
    """Every severity/status ink is ≥ 4.5:1 on white and on its own fill (one palette everywhere)."""
    from zyfw_checks.style import FILL, INK, contrast

    for key, ink in INK.items():
        assert contrast(ink, "#FFFFFF") >= 4.5, (key, ink)
        assert contrast(ink, FILL[key]) >= 4.5, (key, ink, FILL[key])
        assert contrast("#000000", FILL[key]) >= 4.5


# ---------------------------------------------------------------- the guide


def test_guide_pages_have_no_violation(chromium, site):  # noqa: F811
    from tests.test_book import toc_pages

    found: dict[str, str] = {}
    for width in WIDTHS:
        context = _context(chromium, width)
        page = context.new_page()
        for doc in [*toc_pages(), "search"]:
            page.goto(f"{site}/{doc}.html", wait_until="load")
            v = axe_violations(page)
            if v:
                found[f"{doc} @{width}"] = _describe(v)
        context.close()
    assert not found, "\n\n".join(f"{k}:\n{v}" for k, v in found.items())


# ---------------------------------------------------------------- the app


def _open_app(browser, url: str, width: int):
    context = _context(browser, width)
    page = context.new_page()
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector("button.widget-upload", timeout=90_000)
    return page


def test_app_has_no_violation_before_and_after_a_check(chromium, server):  # noqa: F811
    from tests.test_app_browser import SAMPLE, _upload

    found: dict[str, str] = {}
    for width in WIDTHS:
        page = _open_app(chromium, server.url, width)
        v = axe_violations(page)
        if v:
            found[f"start @{width}"] = _describe(v)
        _upload(page, SAMPLE)
        page.get_by_text("已读取“problems.xlsx”").wait_for(timeout=60_000)
        assert page.evaluate("document.documentElement.lang") == "zh-CN"
        page.get_by_role("button", name="列对应关系（点此展开）").click()
        page.get_by_label("姓名", exact=False).first.wait_for(timeout=10_000)  # the dropdowns have names
        assert page.locator(".zy-app select:visible").count() >= 14
        v = axe_violations(page)
        if v:
            found[f"mapping open @{width}"] = _describe(v)
        page.get_by_role("button", name="开始检查").click()
        page.get_by_text("检查完成").wait_for(timeout=60_000)
        v = axe_violations(page)
        if v:
            found[f"results @{width}"] = _describe(v)
        page.locator("details.zy-status-table summary").click()  # the rule table open too
        v = axe_violations(page)
        if v:
            found[f"results, rule table open @{width}"] = _describe(v)
        assert page.locator(".zy-status").get_attribute("role") == "status"
        page.context.close()
    assert not found, "\n\n".join(f"{k}:\n{v}" for k, v in found.items())


def test_app_mapping_reached_with_tab_and_focus_ring_is_visible(chromium, server):  # noqa: F811
    """列对应关系 can be reached and opened with the keyboard; the focused control has a 2 px ring ≥ 3:1."""
    from tests.test_app_browser import SAMPLE, _upload
    from zyfw_checks.style import contrast

    page = _open_app(chromium, server.url, 1280)
    try:
        _upload(page, SAMPLE)
        page.get_by_text("已读取“problems.xlsx”").wait_for(timeout=60_000)
        page.locator("body").click(position={"x": 5, "y": 5})
        for _ in range(40):
            page.keyboard.press("Tab")
            if "列对应关系" in page.evaluate("document.activeElement.textContent || ''"):
                break
        else:
            raise AssertionError("列对应关系 cannot be reached with Tab")
        ring = page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
            return [s.outlineStyle, parseFloat(s.outlineWidth), s.outlineColor]; }""")
        assert ring[0] != "none" and ring[1] >= 2, ring
        rgb = [int(x) for x in ring[2][ring[2].index("(") + 1:ring[2].index(")")].split(",")[:3]]
        assert contrast("#" + "".join(f"{c:02x}" for c in rgb), "#ffffff") >= 3, ring
        page.keyboard.press("Enter")
        page.get_by_role("button", name="列对应关系（点此收起）").wait_for(timeout=10_000)
        assert page.locator(".zy-app select:visible").count() >= 14
    finally:
        page.context.close()
