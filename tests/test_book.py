"""The annotated guide (book/): generated content, and the full build with warnings as errors.

Fast tests check the generators in :mod:`zyfw_checks.docs`; the ``slow`` tests build the book with
``scripts/build_book.sh`` (``jupyter-book build -W -n --keep-going``) and inspect the HTML.
``ensure_built`` is shared with test_book_browser.py so the book is built at most once per run.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
import yaml

from zyfw_checks import docs
from zyfw_checks.clauses import all_clauses
from zyfw_checks.params import load_params, notice_text
from zyfw_checks.rules import all_rules

REPO = Path(__file__).resolve().parents[1]
BOOK = REPO / "book"
HTML = BOOK / "_build" / "html"
SCRIPT = REPO / "scripts" / "build_book.sh"
CJK = re.compile(r"[\u4e00-\u9fff]")

_spec = importlib.util.spec_from_file_location("zyfw_book_ext", BOOK / "_ext" / "zyfw_book.py")
book_ext = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(book_ext)


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
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag in ("script", "style"):
            self._skip += 1
        # anything the browser would fetch by itself (links in <a> are only followed when clicked)
        for key in ("src",) if tag != "link" else ("href",):
            url = a.get(key) or ""
            if re.match(r"^(https?:)?//", url) and not re.match(r"^(https?:)?//(localhost|127\.0\.0\.1)", url):
                self.external.append(f"<{tag} {key}={url}>")

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.chunks.append(data)

    @property
    def text(self) -> str:
        return " ".join(self.chunks)


def parse_html(path: Path) -> _Text:
    p = _Text()
    p.feed(path.read_text(encoding="utf-8"))
    return p


# ---------------------------------------------------------------- fast: the generators


def test_reference_markdown_has_every_rule_with_all_sections():
    md = docs.reference_markdown()
    for r in all_rules():
        entry = docs.rule_entry_markdown(r)
        assert f"({docs.anchor(r.code)})=" in md and f"## {r.code} " in md
        for needle in ("严重程度", "条款原文", "需要的字段", "合规示例", "不合规示例", "不建模的内容"):
            assert needle in entry, (r.code, needle)
        assert docs.quote(r.clause.text) in entry  # the clause, verbatim from clauses.yaml
        for law in r.laws:
            text = load_params("laws")["articles"][law].get("text") or ""
            assert (law + "：未能核实原文") in entry if not text.strip() else law in entry


def test_every_clause_section_has_a_clause_page():
    """Rules are listed on clause pages by section; no section may be left without a page."""
    used = set()
    for page in (BOOK / "clauses").glob("*.md"):
        for call in re.findall(r"docs\.clause_rules_markdown\(\[([^\]]*)\]\)", page.read_text(encoding="utf-8")):
            used |= set(re.findall(r'"([^"]+)"', call))
    sections = {c.section for c in all_clauses().values()} | {r.clause.section for r in all_rules()}
    assert sections <= used, f"没有条款页的章节：{sections - used}"


def test_notice_quotes_on_pages_are_verbatim_excerpts():
    text = notice_text()
    calls = 0
    for page in BOOK.rglob("*.md"):
        if "_build" in page.parts:
            continue
        for args in re.findall(r"docs\.notice_quote\(([^)]*)\)", page.read_text(encoding="utf-8")):
            markers = re.findall(r'"([^"]+)"', args)
            excerpt = docs.notice_excerpt(*markers)
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
        assert "## 示例" in body and "docs.show_examples(" in body, page.name
        assert body.index("docs.notice_quote(") < body.index("## 实际要求"), page.name


def test_quote_escapes_markup_and_keeps_text():
    s = "《条例》<城乡社区>*第1条*_[x]"
    q = docs.quote(s)
    assert q.startswith("> ")
    assert re.sub(r"\\(.)", r"\1", q[2:]) == s


def test_cases_page_from_a_case_set(tmp_path):
    labels = ["无", "①", "②", "③", "④"]
    rows = [{"编号": f"C{i:03d}", "姓名": "张三", "证件号码": "430102196801010117", "联系电话": "13820240311",
             "活动名称": f"活动{i}", "服务内容": f"内容{i}", "标注": labels[i % 5], "标注理由": f"理由{i}"}
            for i in range(60)]
    path = tmp_path / "cases.csv"
    pd.DataFrame(rows).to_csv(path, index=False, encoding="utf-8-sig")
    md = docs.cases_markdown(path, n=40)
    assert md.count("能否记录为志愿服务？") == 40
    assert md.count(":::{dropdown} 答案") == 40 and md.count("\n:::\n") >= 40
    assert "理由" in md and "C0" not in md  # ids are not shown, labels only inside the answers
    assert "张三" not in md and "430102" not in md and "13820240311" not in md  # no personal data
    for label in labels[1:]:
        assert f"属于第{label}类" in md
        assert all_clauses()[f"二（二）-四类{label}"].text[:10] in md


@pytest.mark.skipif(not docs.CASES.exists(), reason="标注案例集 data/cases/act_cases.csv 尚未加入")
def test_real_case_set_gives_at_least_30_cases():
    md = docs.cases_markdown()
    assert md.count(":::{dropdown} 答案") >= 30


def test_law_text_says_unverified_where_empty():
    arts = load_params("laws")["articles"]
    for key, a in arts.items():
        md = docs.law_text(key)
        if str(a.get("text") or "").strip():
            assert docs.quote(a["text"]).splitlines()[0] in md
        else:
            assert "未能核实原文" in md


def test_attachment_docx_labels_come_from_the_notice(tmp_path):
    from docx import Document

    path = docs.write_attachment_docx(tmp_path / "form.docx")
    doc = Document(path)
    text = "\n".join(p.text for p in doc.paragraphs) + "\n".join(c.text for t in doc.tables for row in t.rows
                                                                   for c in row.cells)
    for label in ("志愿服务组织信息采集表", "社会组织名称", "业务主管单位", "联系人", "联系电话", "法定代表人签字"):
        assert label in text and label in docs.attachment_text()


def test_chinese_font_is_registered():
    from zyfw_checks import charts

    if not charts.NOTO_CJK.exists():
        pytest.skip("fonts-noto-cjk 未安装")
    name = charts.use_chinese_font()
    assert name and "CJK" in name


def test_selfcheck_url_is_set_in_one_place():
    cfg = (BOOK / "_config.yml").read_text(encoding="utf-8")
    assert len(re.findall(r"^\s*zyfw_selfcheck_url:", cfg, flags=re.M)) == 1
    url = yaml.safe_load(cfg)["sphinx"]["config"]["zyfw_selfcheck_url"]
    for page in BOOK.rglob("*.md"):
        if "_build" not in page.parts:
            assert url not in page.read_text(encoding="utf-8"), f"{page} 中写死了自查应用地址"


# ---------------------------------------------------------------- slow: the real build


@pytest.mark.slow
def test_book_builds_with_warnings_as_errors():
    proc = run_build()
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, f"构建失败：\n{log[-8000:]}"
    sphinx_warnings = [line for line in log.splitlines() if re.search(r": (WARNING|ERROR|CRITICAL):", line)]
    assert not sphinx_warnings, sphinx_warnings
    assert build_is_stale() is None, f"构建结果已过期：{build_is_stale()}（构建期间有文件改动？）"


@pytest.mark.slow
def test_every_registered_rule_is_in_the_built_reference():
    html = ensure_built()
    ref = parse_html(html / f"{docs.REFERENCE_DOC}.html")
    for r in all_rules():
        assert docs.anchor(r.code) in ref.ids, f"{r.code} 不在规则参考页中"
        assert f"{r.code} {r.title}" in re.sub(r"\s+", " ", ref.text)


@pytest.mark.slow
def test_every_toc_page_is_built_with_chinese_text_and_app_link():
    html = ensure_built()
    url = yaml.safe_load((BOOK / "_config.yml").read_text(encoding="utf-8"))["sphinx"]["config"]["zyfw_selfcheck_url"]
    for page in toc_pages():
        out = html / f"{page}.html"
        assert out.exists(), f"{page} 没有生成"
        parsed = parse_html(out)
        assert len(CJK.findall(parsed.text)) > 100, page
        assert url in out.read_text(encoding="utf-8"), f"{page} 没有自查应用链接"
        assert "Traceback" not in parsed.text, page


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
def test_clause_pages_show_live_findings():
    html = ensure_built()
    text = parse_html(html / "clauses" / "s2-2-records.html").text
    expected = pd.read_csv(REPO / "data" / "samples" / "problems_expected.csv", encoding="utf-8-sig")
    for code in expected["rule"].unique():
        if any(r.code == code and r.clause.section == "二（二）①" for r in all_rules()):
            assert f"{code} 发现 0 处" not in text, code
    assert not re.search(r"(?<!\d)43\d{15}[\dX](?!\d)", text), "页面上出现了未打码的身份证号码"


def test_build_script_is_offline_and_strict():
    script = SCRIPT.read_text(encoding="utf-8")
    assert "-W" in script and "-n" in script and "--keep-going" in script
    assert "pip install" not in script.replace("请先 pip install", "")
    assert sys.executable  # the script prefers .venv/bin when present
