"""The annotated guide (book/): generated content, and the full build with warnings as errors.

Fast tests check the page generators (book/_ext/zyfw_guide.py, zyfw_lesson.py — they belong to the
book, not to the package); the ``slow`` tests build the book with ``scripts/build_book.sh``
(``jupyter-book build -W -n --keep-going``) and inspect the HTML. ``ensure_built`` is shared with
test_book_browser.py so the book is built at most once per run.
"""

from __future__ import annotations

import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
import yaml

from zyfw_checks.clauses import all_clauses
from zyfw_checks.params import load_params, notice_text
from zyfw_checks.rules import all_rules

REPO = Path(__file__).resolve().parents[1]
BOOK = REPO / "book"
HTML = BOOK / "_build" / "html"
SCRIPT = REPO / "scripts" / "build_book.sh"
CJK = re.compile(r"[\u4e00-\u9fff]")

if str(BOOK / "_ext") not in sys.path:
    sys.path.insert(0, str(BOOK / "_ext"))
import zyfw_book as book_ext  # noqa: E402
import zyfw_guide as guide  # noqa: E402
import zyfw_lesson as lesson  # noqa: E402

CJK_GAP = re.compile(r"[\u4e00-\u9fff][ \t\n\r]+[\u4e00-\u9fff]")


# ---------------------------------------------------------------- helpers shared with the browser test


def toc_pages() -> list[str]:
    """Every document named in book/_toc.yml (root first), without extension."""
    toc = yaml.safe_load((BOOK / "_toc.yml").read_text(encoding="utf-8"))
    pages = [toc["root"]]

    def walk(items):
        for item in items or []:
            if "file" in item:
                pages.append(item["file"])
            walk(item.get("sections"))
            walk(item.get("chapters"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return pages


def _sources() -> list[Path]:
    return [p for p in BOOK.rglob("*") if p.is_file() and "_build" not in p.parts and "_generated" not in p.parts
            and "__pycache__" not in p.parts]


def build_is_stale() -> str | None:
    """Why book/_build/html does not reflect the current sources (None when it does)."""
    index = HTML / "intro.html"
    stamp = BOOK / "_build" / book_ext.STAMP
    if not index.exists() or not stamp.exists():
        return "还没有构建"
    if stamp.read_text().strip() != book_ext.inputs_fingerprint():
        return "zyfw_checks/ 或 data/ 在上次构建后有改动"
    built = index.stat().st_mtime
    newer = [p for p in _sources() if p.stat().st_mtime > built]
    return f"{newer[0]} 比构建结果新" if newer else None


_BUILD: dict[str, subprocess.CompletedProcess] = {}


def run_build() -> subprocess.CompletedProcess:
    if "done" not in _BUILD:
        _BUILD["inputs"] = book_ext.inputs_fingerprint()  # what the build starts from
        _BUILD["done"] = subprocess.run(
            ["bash", str(SCRIPT)], cwd=REPO, capture_output=True, text=True, timeout=1800,
        )
    return _BUILD["done"]


def ensure_built() -> Path:
    """Build the book (once per test session) unless the existing build is up to date."""
    if "done" in _BUILD or build_is_stale():
        proc = run_build()
        assert proc.returncode == 0, f"构建失败：\n{proc.stdout[-6000:]}\n{proc.stderr[-6000:]}"
    return HTML


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()
        self.chunks: list[str] = []
        self.external: list[str] = []
        self.links: list[str] = []
        self.input_cells = 0
        self._skip = 0
        self._pre = 0

    BLOCKS = {"p", "br", "div", "li", "td", "th", "tr", "h1", "h2", "h3", "h4", "section", "pre", "blockquote",
              "summary", "details", "dt", "dd", "table", "ul", "ol", "nav", "label", "legend", "button", "option"}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in self.BLOCKS:
            self.chunks.append("\x00")
        for key in ("href",):
            if tag == "a" and a.get(key):
                self.links.append(a[key])
        if tag == "div" and "cell_input" in (a.get("class") or ""):
            self.input_cells += 1
        if a.get("id"):
            self.ids.add(a["id"])
        if tag in ("script", "style"):
            self._skip += 1
        if tag == "pre":
            self._pre += 1
        # anything the browser would fetch by itself (links in <a> are only followed when clicked)
        for key in ("src",) if tag != "link" else ("href",):
            url = a.get(key) or ""
            if re.match(r"^(https?:)?//", url) and not re.match(r"^(https?:)?//(localhost|127\.0\.0\.1)", url):
                self.external.append(f"<{tag} {key}={url}>")

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1
        if tag == "pre" and self._pre:
            self._pre -= 1
        if tag in self.BLOCKS:
            self.chunks.append("\x00")

    def handle_data(self, data):
        if not self._skip:
            # preformatted text keeps its layout on purpose: it never counts as a gap between characters
            self.chunks.append(data if not self._pre else "\x00" + data.replace(" ", "\x00").replace("\n", "\x00")
                               .replace("\t", "\x00") + "\x00")

    @property
    def text(self) -> str:
        return re.sub(r"\s*\x00\s*", " ", "".join(self.chunks))

    @property
    def cjk_gaps(self) -> list[str]:
        """Spaces between two Chinese characters inside one block of text (a line break is a block boundary)."""
        return CJK_GAP.findall("".join(self.chunks))


def parse_html(path: Path) -> _Text:
    p = _Text()
    p.feed(path.read_text(encoding="utf-8"))
    return p


# ---------------------------------------------------------------- fast: the generators


def test_page_generators_live_in_the_book_not_the_package():
    assert not (REPO / "zyfw_checks" / "docs.py").exists()
    for py in (REPO / "zyfw_checks").rglob("*.py"):
        assert "zyfw_guide" not in py.read_text(encoding="utf-8"), py


def test_reference_markdown_has_every_rule_with_all_sections():
    md = guide.reference_markdown()
    for r in all_rules():
        entry = guide.rule_entry_markdown(r)
        assert f"({guide.anchor(r.code)})=" in md and f"## {r.code} " in md
        for needle in ("严重程度", "为什么是这个严重程度", "需要的字段", "合规示例", "不合规示例", "不建模的内容"):
            assert needle in entry, (r.code, needle)
        reason = str(r.severity_reason or "").strip()
        if reason:
            assert guide.md_escape(reason) in entry, r.code
        assert guide.quote(r.clause.text) in entry  # the clause, verbatim from clauses.yaml
        assert ":::{original}" in entry and ":::{reading}" in entry
        for law in r.laws:
            text = load_params("laws")["articles"][law].get("text") or ""
            assert (law + "：未能核实原文") in entry if not text.strip() else law in entry


def test_sample_outcomes_come_from_rule_status():
    outcomes = guide.sample_outcomes()
    assert set(outcomes) == {r.code for r in all_rules()}
    for code, (label, row) in outcomes.items():
        assert row.code == code and row.status in ("通过", "有问题", "未评估", "部分未评估")
        assert (REPO / label).exists()
        text = guide.outcome_text(label, row)
        assert (f"{row.count} 处" in text) == (row.status == "有问题"), text


def test_every_clause_section_has_a_clause_page():
    """Rules are listed on clause pages by section; no section may be left without a page."""
    used = set()
    for page in (BOOK / "clauses").glob("*.md"):
        for call in re.findall(r"guide\.clause_rules_markdown\(\[([^\]]*)\]\)", page.read_text(encoding="utf-8")):
            used |= set(re.findall(r'"([^"]+)"', call))
    sections = {c.section for c in all_clauses().values()} | {r.clause.section for r in all_rules()}
    assert sections <= used, f"没有条款页的章节：{sections - used}"


def test_notice_quotes_on_pages_are_verbatim_excerpts():
    text = notice_text()
    calls = 0
    for page in BOOK.rglob("*.md"):
        if "_build" in page.parts:
            continue
        for args in re.findall(r"guide\.notice_quote\(([^)]*)\)", page.read_text(encoding="utf-8")):
            markers = re.findall(r'"([^"]+)"', args)
            excerpt = guide.notice_excerpt(*markers)
            assert excerpt in text and excerpt.startswith(markers[0])
            calls += 1
    assert calls >= 10


def test_every_clause_page_follows_the_structure():
    for page in sorted((BOOK / "clauses").glob("*.md")):
        body = page.read_text(encoding="utf-8")
        heads = re.findall(r"^## (.+)$", body, flags=re.M)
        if page.stem == "attachment":
            assert heads[0] == "原文"
            continue
        assert heads[:3] == ["原文", "实际要求", "对应规则"], (page.name, heads)
        assert body.index("guide.notice_quote(") < body.index("## 实际要求"), page.name
        sections = re.findall(r'"([^"]+)"', re.search(r"clause_rules_markdown\(\[([^\]]*)\]\)", body).group(1))
        if guide.rules_in(sections):  # a live example wherever a rule exists, and only there
            assert "## 示例" in body and "guide.show_examples(" in body, page.name
        else:
            assert "show_examples(" not in body, page.name


def test_no_page_shows_a_code_input_cell():
    for page in BOOK.rglob("*.md"):
        if "_build" in page.parts:
            continue
        body = page.read_text(encoding="utf-8")
        for cell in re.findall(r"```\{code-cell\}[^\n]*\n(.*?)```", body, flags=re.S):
            assert cell.startswith(":tags: [remove-input]"), f"{page.relative_to(BOOK)}：代码单元没有隐藏输入"


def test_quote_keeps_line_breaks_and_escapes_markup():
    s = "《条例》<城乡社区>*第1条*_[x]&y"
    q = guide.quote(s)
    assert q.startswith("> ")
    assert re.sub(r"\\(.)", r"\1", q[2:]) == s
    two = guide.quote("三、工作要求\n（一）加强组织领导。")
    assert two == "> 三、工作要求\\\n> （一）加强组织领导。"  # a hard line break: the heading stays a line


def test_notice_page_has_every_line_verbatim_with_anchors():
    md = guide.notice_markdown()
    unescaped = re.sub(r"\\(.)", r"\1", md)
    main = notice_text()[: notice_text().find("附件：志愿服务组织信息采集表")]
    for line in main.splitlines():
        if line.strip():
            assert line.strip() in unescaped, line[:30]
    for _head, label, doc in guide.NOTICE_SECTIONS + guide.NOTICE_PARAGRAPHS:
        assert f"({label})=" in md
        if doc:
            assert f"{{doc}}`/{doc}`" in md
    assert "```text" not in md.split("(notice-attachment)=")[0]  # paragraphs, not one preformatted block


def test_key_facts_quote_the_notice():
    text = notice_text()
    for what, _value, phrase, doc, anchor in guide.KEY_FACTS:
        assert phrase in text, what
        assert (BOOK / f"{doc}.md").exists() and anchor in {a for _h, a, _d in guide.NOTICE_SECTIONS + guide.NOTICE_PARAGRAPHS}
    pop, need = guide.identified_minimum()
    assert need == -(-pop * 20 // 1_000_000)
    facts = {f[0] for f in guide.KEY_FACTS}
    assert {fact for _w, _t, fact in guide.TIMELINE} <= facts


def test_law_text_says_unverified_where_empty_and_links_escape_once():
    arts = load_params("laws")["articles"]
    for key, a in arts.items():
        md = guide.law_text(key)
        if str(a.get("text") or "").strip():
            assert guide.quote(a["text"]).splitlines()[0] in md
        else:
            assert "未能核实原文" in md
        assert "&amp;amp;" not in md and "<http" not in md  # escaped once, never an autolink


def test_attachment_docx_labels_come_from_the_notice(tmp_path):
    from docx import Document

    path = guide.write_attachment_docx(tmp_path / "form.docx")
    doc = Document(path)
    text = "\n".join(p.text for p in doc.paragraphs) + "\n".join(c.text for t in doc.tables for row in t.rows
                                                                   for c in row.cells)
    for label in ("志愿服务组织信息采集表", "社会组织名称", "业务主管单位", "联系人", "联系电话", "法定代表人签字"):
        assert label in text and label in guide.attachment_text()


# ---------------------------------------------------------------- fast: the lesson kit


def test_lesson_cases_have_stable_ids_and_complete_answers():
    cases = lesson.load_cases()
    assert 10 <= len(cases) <= 16
    assert all(re.fullmatch(r"K\d{2}", c["id"]) for c in cases)
    answers = {c["answer"] for c in cases}
    assert answers == set(lesson.ANSWERS)  # each kind of answer is taught
    assert {"①", "②", "③", "④"} <= {c["category"] for c in cases}
    for c in cases:
        for key in ("story", "deciding", "lookalike", "change", "rule"):
            assert str(c.get(key) or "").strip(), (c["id"], key)
        assert len(lesson.fill(c["deciding"], c)) >= 20, c["id"]  # an answer that names the deciding fact


def test_lesson_stories_agree_with_their_records():
    import datetime as dt

    for c in lesson.load_cases():
        story = lesson.fill(c["story"], c)
        r = c["record"]
        start = dt.datetime.strptime(str(r["开始时间"]), "%Y-%m-%d %H:%M")
        end = dt.datetime.strptime(str(r["结束时间"]), "%Y-%m-%d %H:%M")
        assert end > start, c["id"]
        assert "星期" + "一二三四五六日"[start.weekday()] in story, c["id"]
        hours = lesson.facts(c)["时长"]
        if "小时" in story and "{时长}" in c["story"]:
            assert f"{hours}小时" in story, c["id"]
        fee = float(r.get("参与费用") or 0)
        if fee:
            assert f"{fee:g}元" in story, c["id"]  # a fee in the story is the fee in the record
        elif "免费" in story or "不收费" in story or "不交费" in story:
            assert fee == 0, c["id"]
        assert not re.search(r"\{[^}]*\}", story), c["id"]  # every placeholder filled
        assert not CJK_GAP.search(story), c["id"]


def test_lesson_answers_match_what_the_package_finds():
    results = lesson.check_cases()
    for c in lesson.load_cases():
        f = results[c["id"]]
        found = dict(zip(f["rule"], f["severity"], strict=False))
        if c["answer"] == "不能记录":  # the tool flags it; 存疑 where the record cannot show the deciding fact
            assert found.get(c["rule"]) in ("违规", "存疑"), (c["id"], found)
        elif c["answer"] == "存疑":
            assert found.get(c["rule"]) == "存疑", (c["id"], found)
        else:
            assert not set(found) & set(lesson.ACTIVITY_RULES), (c["id"], found)


def test_lesson_pages_and_downloads(tmp_path):
    from docx import Document

    cases = lesson.load_cases()
    md = lesson.questions_markdown(cases, lesson.check_cases(cases))
    assert md.count(":::{dropdown} 答案") == len(cases) and "zyfw-answer" in md
    assert md.count("自查工具检查这条记录") == len(cases)
    for c in cases:
        assert f"(case-{c['id'].lower()})=" in md
    key = lesson.answer_key_markdown(cases)
    assert all(f"| {c['id']} | {c['answer']} |" in key for c in cases)
    quiz = lesson.quiz_html(cases)
    assert quiz.count("<fieldset") == len(cases) and "http" not in quiz
    paths = lesson.write_downloads(tmp_path, cases)
    questions = "\n".join(p.text for p in Document(paths["questions"]).paragraphs)
    answers = "\n".join(p.text for p in Document(paths["answers"]).paragraphs)
    for c in cases:
        assert c["id"] in questions and c["id"] in answers
        assert lesson.fill(c["deciding"], c) in answers and lesson.fill(c["deciding"], c) not in questions
    table = pd.read_csv(paths["cases"], encoding="utf-8-sig", dtype=str)
    assert list(table["记录编号"]) == [c["id"] for c in cases]
    # the trainer's print kit: both sheets on A4; the student sheet has answer lines under every case
    for doc in (Document(paths["questions"]), Document(paths["answers"])):
        for section in doc.sections:
            assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert questions.count("依据：____") == len(cases)
    assert "依据：____" not in answers
    assert md.count('class="zyfw-answer-line"') == 2 * len(cases)


def test_case_titles_match_their_times():
    """A case titled 午休 (noon) must happen at noon: K11 used to be titled 午休时间的义诊 at 17:00–19:00."""
    for c in lesson.load_cases():
        start = pd.Timestamp(c["record"]["开始时间"]) if "开始时间" in c.get("record", {}) else None
        if start is None:
            continue
        if "午休" in c["title"] or "中午" in c["title"]:
            assert 11 <= start.hour <= 13, (c["id"], c["title"], start)
        if "晚上" in c["title"] or "夜间" in c["title"]:
            assert start.hour >= 18, (c["id"], c["title"], start)
        if "下班" in c["title"]:
            assert 16 <= start.hour <= 19, (c["id"], c["title"], start)


# ---------------------------------------------------------------- fast: the extension


def test_join_cjk_lines_removes_spaces_between_chinese_only():
    j = book_ext.join_cjk_lines
    assert j("<p>志愿服务\n记录</p>") == "<p>志愿服务记录</p>"
    assert j("<p>志愿\n<strong>服务</strong></p>") == "<p>志愿<strong>服务</strong></p>"
    assert j("<p>10 个工作日</p>") == "<p>10 个工作日</p>"  # a digit on one side: kept
    assert j('<p>见 <a href="x">要点</a> 和</p>') == '<p>见<a href="x">要点</a>和</p>'
    assert j("<p>ZYFW\n工具</p>") == "<p>ZYFW\n工具</p>"  # Latin on one side: kept
    assert j("<pre>原文\n第二行</pre>") == "<pre>原文\n第二行</pre>"  # preformatted text untouched
    assert j("<p>第一行<br />\n第二行</p>") == "<p>第一行<br />\n第二行</p>"  # a hard break stays


def test_selfcheck_url_is_set_in_one_place_and_never_localhost_when_public():
    cfg = (BOOK / "_config.yml").read_text(encoding="utf-8")
    assert len(re.findall(r"^\s*zyfw_selfcheck_url:", cfg, flags=re.M)) == 1
    url = yaml.safe_load(cfg)["sphinx"]["config"]["zyfw_selfcheck_url"]
    assert not book_ext.is_local_address(url or "")
    for page in BOOK.rglob("*.md"):
        if "_build" not in page.parts:
            assert "localhost" not in page.read_text(encoding="utf-8"), page
    assert book_ext.is_local_address("http://localhost:8866/") and book_ext.is_local_address("http://127.0.0.1/")
    assert not book_ext.is_local_address("https://zyfw.example.org/app/")
    assert book_ext.app_href("https://x.org/app/", None) == "https://x.org/app/"
    assert book_ext.app_href("app/", lambda p, flag: "../" + p) == "../app/"  # relative to each page


def test_public_build_refuses_a_localhost_app_address(tmp_path, monkeypatch):
    from types import SimpleNamespace

    from sphinx.errors import ConfigError

    monkeypatch.setenv("ZYFW_PUBLIC_BUILD", "1")
    config = SimpleNamespace(zyfw_selfcheck_url="http://localhost:8866/", zyfw_checked_on="", zyfw_feedback="")
    with pytest.raises(ConfigError, match="本机地址"):
        book_ext._on_config(SimpleNamespace(srcdir=str(BOOK), outdir=str(tmp_path / "html")), config)


def test_translate_ui_leaves_no_known_english_string():
    sample = " ".join(book_ext.UI_STRINGS)
    out = book_ext.translate_ui(sample)
    for en in book_ext.UI_STRINGS:
        assert en not in out


def test_search_dictionary_has_the_phrases_readers_type():
    words = {line.split()[0] for line in (BOOK / "search_dict.txt").read_text(encoding="utf-8").splitlines() if line}
    assert {"四类活动", "组织标识", "工作日", "四有", "研学"} <= words


# ---------------------------------------------------------------- slow: the real build


@pytest.mark.slow
def test_book_builds_with_warnings_as_errors():
    proc = run_build()
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, f"构建失败：\n{log[-8000:]}"
    sphinx_warnings = [line for line in log.splitlines() if re.search(r": (WARNING|ERROR|CRITICAL):", line)]
    assert not sphinx_warnings, sphinx_warnings
    # the build records the inputs it was made from (a change by someone else during the build is not its fault)
    stamp = (BOOK / "_build" / book_ext.STAMP).read_text().strip()
    assert stamp in (_BUILD["inputs"], book_ext.inputs_fingerprint()), "构建没有记录它所用的代码和数据"
    assert (HTML / "intro.html").stat().st_mtime >= max(p.stat().st_mtime for p in _sources()) - 1 \
        or build_is_stale() is None


@pytest.mark.slow
def test_every_registered_rule_is_in_the_built_reference_with_its_severity_reason():
    html = ensure_built()
    ref = parse_html(html / f"{guide.REFERENCE_DOC}.html")
    text = re.sub(r"\s+", "", ref.text)
    for r in all_rules():
        assert guide.anchor(r.code) in ref.ids, f"{r.code} 不在规则参考页中"
        assert re.sub(r"\s+", "", f"{r.code} {r.title}") in text
        reason = str(r.severity_reason or "").strip()
        if reason:
            assert re.sub(r"\s+", "", reason) in text, r.code
    assert text.count("示例数据上的结果：") == len(all_rules())


@pytest.mark.slow
def test_readers_pages_are_clean():
    """Every page: Chinese, no code input, no traceback, no localhost link, no space between Chinese characters."""
    html = ensure_built()
    for page in toc_pages():
        out = html / f"{page}.html"
        assert out.exists(), f"{page} 没有生成"
        parsed = parse_html(out)
        assert len(CJK.findall(parsed.text)) > 100, page
        assert "Traceback" not in parsed.text, page
        assert parsed.input_cells == 0, f"{page} 显示了代码输入"
        assert not [u for u in parsed.links if book_ext.is_local_address(u)], f"{page} 链接到本机地址"
        assert parsed.cjk_gaps == [], f"{page} 中文字符之间有空格：{parsed.cjk_gaps[:5]}"
        raw = out.read_text(encoding="utf-8")
        assert "&amp;amp;" not in raw, page
        for en in book_ext.UI_STRINGS:
            assert en not in raw, (page, en)
        assert 'rel="icon"' in raw and "favicon.svg" in raw, page


@pytest.mark.slow
def test_footer_has_checked_date_changelog_and_feedback():
    html = ensure_built()
    raw = (html / "clauses" / "s2-1.html").read_text(encoding="utf-8")
    assert "最后对照通知原文核对" in raw and 'href="../references/changelog.html"' in raw
    assert "zyfw-feedback" in raw


@pytest.mark.slow
def test_built_site_loads_nothing_from_outside():
    html = ensure_built()
    bad = {}
    for page in html.rglob("*.html"):
        ext = parse_html(page).external
        if ext:
            bad[str(page.relative_to(html))] = ext
    assert not bad, bad


@pytest.mark.slow
def test_notice_page_is_paragraphs_with_section_anchors():
    html = ensure_built()
    page = parse_html(html / "notice.html")
    for _head, label, _doc in guide.NOTICE_SECTIONS + guide.NOTICE_PARAGRAPHS:
        assert label in page.ids, label
    raw = (html / "notice.html").read_text(encoding="utf-8")
    body = raw[raw.find("notice-top"):raw.find("notice-attachment")]
    assert "<pre" not in body


@pytest.mark.slow
def test_clause_pages_show_live_findings():
    html = ensure_built()
    text = parse_html(html / "clauses" / "s2-2-records.html").text
    expected = pd.read_csv(REPO / "data" / "samples" / "problems_expected.csv", encoding="utf-8-sig")
    for code in expected["rule"].unique():
        if any(r.code == code and r.clause.section == "二（二）①" for r in all_rules()):
            assert re.search(rf"{code} [1-9]\d* 处", text), code  # each planted problem is found
    assert not re.search(r"(?<!\d)43\d{15}[\dX](?!\d)", text), "页面上出现了未打码的身份证号码"


@pytest.mark.slow
def test_downloads_are_published():
    html = ensure_built()
    names = {p.name for p in (html / "_downloads").rglob("*") if p.is_file()}
    for name in ("attachment_form.docx", *lesson.DOWNLOADS.values()):
        assert name in names, name


def test_build_script_is_offline_and_strict():
    script = SCRIPT.read_text(encoding="utf-8")
    assert "-W" in script and "-n" in script and "--keep-going" in script
    assert "pip install" not in script.replace("请先 pip install", "")


def test_build_script_has_a_public_mode():
    script = SCRIPT.read_text(encoding="utf-8")
    assert "--public" in script and "ZYFW_PUBLIC_BUILD=1" in script


@pytest.mark.slow
def test_public_build_stops_on_a_localhost_app_address(tmp_path):
    import os
    import shutil

    src = tmp_path / "book"
    shutil.copytree(BOOK, src, ignore=shutil.ignore_patterns("_build", "_generated", "__pycache__"))
    cfg = src / "_config.yml"
    cfg.write_text(re.sub(r'zyfw_selfcheck_url: ".*"', 'zyfw_selfcheck_url: "http://localhost:8866/"',
                          cfg.read_text(encoding="utf-8")), encoding="utf-8")
    env = {**os.environ, "ZYFW_PUBLIC_BUILD": "1"}
    bin_dir = Path(sys.executable).parent
    proc = subprocess.run([str(bin_dir / "jupyter-book"), "build", str(src), "--builder", "html", "-W"],
                          capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode != 0
    assert "不能把自查应用地址设为本机地址" in proc.stdout + proc.stderr
