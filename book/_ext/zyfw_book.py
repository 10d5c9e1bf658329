"""Local Sphinx extension of the guide (loaded via ``sphinx: local_extensions`` in _config.yml).

1. ``zyfw_selfcheck_url`` — the self-check app's address, set once in _config.yml. Empty: no app
   link anywhere. A relative path is kept relative on every page. A public build
   (``ZYFW_PUBLIC_BUILD=1``, ``build_book.sh --public``) stops when it is a localhost address. It
   becomes the footer link and the substitution ``{{ selfcheck_link }}``. The footer also carries the
   date the guide was last checked against the notice (``zyfw_checked_on``, linked to the change log)
   and a feedback line (``zyfw_feedback``).
2. The page generators (zyfw_guide.py, zyfw_lesson.py beside this file) are put on the page
   kernels' PYTHONPATH; the package itself never reads the repository's data/.
3. Three kinds of text, one look each: ``{original}`` 原文 (verbatim), ``{reading}`` 本指南的理解,
   ``{default}`` 工具默认值.
4. Chinese text: spaces a source line break leaves between two Chinese characters are removed from
   every page; the search page gets a Chinese query splitter and phrase ranking (_static/zyfw-search.js)
   fed by a per-page text file written at the end of the build.
5. The attachment form (.docx) and the trainers' question sheet / answer key (.docx, case file) are
   generated before reading.
6. Book pages run code from ``zyfw_checks`` on ``data/``; execution is cached by notebook content only.
   So when the package, the data or these generators change, the cache is cleared and every page is
   re-read and re-executed: the rule reference and the examples can never be stale.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import shutil
import sys
from pathlib import Path

from docutils import nodes
from sphinx.errors import ConfigError
from sphinx.util.docutils import SphinxDirective

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
WATCHED = [("zyfw_checks", ("*.py", "*.yaml", "*.txt")), ("data", ("*.xlsx", "*.csv", "*.xls")),
           ("book/_ext", ("*.py", "*.yaml"))]
STAMP = ".zyfw_inputs.sha256"
SEARCH_DATA = "zyfw-search-data.js"

# A Chinese character or full-width punctuation: whitespace between two of them is not a space in print.
CJK = "\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_CJK_GAP = re.compile(rf"(?<=[{CJK}])((?:<(?!br)[^<>]*>)*)[ \t\n]+((?:<(?!br)[^<>]*>)*)(?=[{CJK}])")
_PRE = re.compile(r"(<(pre|script|style|textarea)\b.*?</\2>)", re.S)


def join_cjk_lines(markup: str) -> str:
    """Remove whitespace between two Chinese characters (outside <pre>), also across inline tags.

    Such a space comes from a source line break or a space typed before a link; in Chinese text it
    is never wanted. A <br> (a kept line break) is not crossed.
    """
    parts = _PRE.split(markup)
    out = []
    i = 0
    while i < len(parts):
        out.append(_CJK_GAP.sub(r"\1\2", parts[i]))
        if i + 1 < len(parts):
            out.append(parts[i + 1])
        i += 3
    return "".join(out)


def inputs_fingerprint() -> str:
    """SHA-256 over every file of the package, the data and the generators that book pages read."""
    h = hashlib.sha256()
    for folder, patterns in WATCHED:
        files = sorted({p for pat in patterns for p in (REPO / folder).rglob(pat) if "__pycache__" not in p.parts})
        for p in files:
            h.update(str(p.relative_to(REPO)).encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def is_local_address(url: str) -> bool:
    return bool(re.match(r"^\w+://(localhost|127\.|0\.0\.0\.0|\[?::1\]?)", url.strip(), re.I))


# ---------------------------------------------------------------- the three kinds of text


class _Kind(SphinxDirective):
    """An admonition with a fixed title and class; an optional argument is added to the title."""

    has_content = True
    optional_arguments = 1
    final_argument_whitespace = True
    label = ""
    css = ""

    def run(self):
        title = self.label + (f"：{self.arguments[0]}" if self.arguments else "")
        node = nodes.admonition("", classes=["admonition", "zyfw-kind", self.css])
        text_nodes, messages = self.state.inline_text(title, self.lineno)
        node += nodes.title(title, "", *text_nodes)
        self.state.nested_parse(self.content, self.content_offset, node)
        return [node, *messages]


class Original(_Kind):
    label, css = "原文", "zyfw-original"


class Reading(_Kind):
    label, css = "本指南的理解", "zyfw-reading"


class Default(_Kind):
    label, css = "工具默认值", "zyfw-default"


# ---------------------------------------------------------------- configuration


APP_HREF = "__ZYFW_APP__"  # replaced per page: a relative app address must be relative to each page
CHANGELOG_HREF = "__ZYFW_CHANGELOG__"
CHANGELOG_DOC = "references/changelog"


def app_href(url: str, pathto) -> str:
    """The app address as a link from the current page: absolute URLs as they are, paths relative to the site root."""
    if re.match(r"^[a-z][a-z0-9+.-]*:|^/", url, re.I):
        return url
    return pathto(url, 1)


def footer_html(config) -> str:
    url = str(config.zyfw_selfcheck_url or "").strip()
    parts = []
    if url:
        parts.append(f'<p class="zyfw-selfcheck">检查自己的记录：<a href="{APP_HREF}">志愿服务记录自查应用</a></p>')
    checked = str(config.zyfw_checked_on or "").strip()
    if checked:
        parts.append(f'<p class="zyfw-checked">本指南最后对照通知原文核对：{html.escape(checked)}'
                     f'（<a href="{CHANGELOG_HREF}">更新记录</a>）</p>')
    feedback = str(config.zyfw_feedback or "").strip()
    if feedback:
        parts.append(f'<p class="zyfw-feedback">{html.escape(feedback)}</p>')
    return "\n".join(parts)


def _on_config(app, config) -> None:
    url = str(config.zyfw_selfcheck_url or "").strip()
    if os.environ.get("ZYFW_PUBLIC_BUILD") and is_local_address(url):
        raise ConfigError(f"公开发布的构建不能把自查应用地址设为本机地址（{url}）：请在 _config.yml 的 "
                          "zyfw_selfcheck_url 中填写公开地址或相对路径，或留空以隐藏链接。")
    config.html_theme_options = {**(config.html_theme_options or {}), "extra_footer": footer_html(config)}
    subs = dict(config.myst_substitutions or {})
    subs.update(
        selfcheck_link=(f'<a class="zyfw-app-link" href="{APP_HREF}">志愿服务记录自查应用</a>' if url
                        else "志愿服务记录自查应用（在本机运行，见{doc}`/references/cli`）"),
        checked_on=str(config.zyfw_checked_on or "（未注明）"),
    )
    config.myst_substitutions = subs
    opts = dict(config.html_search_options or {})
    if opts.get("dict") and not Path(opts["dict"]).is_absolute():
        opts["dict"] = str(Path(app.srcdir) / opts["dict"])
    config.html_search_options = opts
    # page kernels import the generators beside this file
    paths = [str(HERE), *[p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]]
    os.environ["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    if str(HERE) not in sys.path:
        sys.path.insert(0, str(HERE))
    _invalidate_if_inputs_changed(app, config)


def _invalidate_if_inputs_changed(app, config) -> None:
    """Runs at config-inited, before myst-nb opens its execution cache, so deleting it is safe."""
    build = Path(app.outdir).parent
    stamp = build / STAMP
    now = inputs_fingerprint()
    app.zyfw_fingerprint = now
    app.zyfw_inputs_changed = not stamp.exists() or stamp.read_text().strip() != now
    if app.zyfw_inputs_changed:
        cache = Path(config.nb_execution_cache_path or build / ".jupyter_cache")
        if cache.exists():
            shutil.rmtree(cache)


def _on_builder(app) -> None:
    import zyfw_guide

    generated = Path(app.srcdir) / "_generated"
    zyfw_guide.write_attachment_docx(generated / "attachment_form.docx")
    # the 通知全文 page includes this file: real sections, so each part has an anchor and a ToC entry
    _write_if_changed(generated / "notice_body.md", zyfw_guide.notice_markdown())
    # the rule reference likewise: one real section per rule, listed in the page's table of contents
    _write_if_changed(generated / "rules_reference.md", zyfw_guide.reference_markdown())
    try:
        import zyfw_lesson
    except ImportError:
        return
    zyfw_lesson.write_downloads(generated)


def _write_if_changed(path: Path, text: str) -> None:
    """Rewrite a generated source only when it changed (Sphinx re-reads pages whose includes are newer)."""
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _on_outdated(app, env, added, changed, removed):
    if getattr(app, "zyfw_inputs_changed", False):
        return [d for d in env.found_docs if d not in added and d not in changed]
    return []


# ---------------------------------------------------------------- pages


def _on_page(app, pagename, templatename, context, doctree) -> None:
    pathto = context["pathto"]
    url = str(app.config.zyfw_selfcheck_url or "").strip()
    links = {APP_HREF: html.escape(app_href(url, pathto)) if url else "",
             CHANGELOG_HREF: pathto(CHANGELOG_DOC) if CHANGELOG_DOC in app.env.found_docs else ""}
    for key in ("body", "theme_extra_footer"):
        if isinstance(context.get(key), str):
            for k, v in links.items():
                context[key] = context[key].replace(k, v)
    if "body" in context:
        context["body"] = join_cjk_lines(context["body"])
    for key in ("title", "pagetitle"):
        if isinstance(context.get(key), str):
            context[key] = join_cjk_lines(context[key])
    if pagename == "search":
        app.add_js_file(SEARCH_DATA)
        app.add_js_file("zyfw-search.js")


# Theme strings the Chinese catalogues of Sphinx, pydata-sphinx-theme and sphinx-book-theme leave in English.
UI_STRINGS = {
    'title="Link to this heading"': 'title="链接到本标题"',
    'title="Toggle primary sidebar"': 'title="打开或关闭目录"',
    'title="Toggle secondary sidebar"': 'title="打开或关闭本页内容"',
    'title="System Settings"': 'title="跟随系统设置"',
    'data-bs-title="Color mode"': 'data-bs-title="颜色模式"',
    'aria-label="Color mode"': 'aria-label="颜色模式"',
    'aria-label="Main"': 'aria-label="主导航"',
    'aria-label="Page"': 'aria-label="本页"',
    # the sidebar's expand arrows have no text (axe: summary-name)
    '<summary><span class="toctree-toggle" role="presentation">':
        '<summary aria-label="展开或收起下级目录"><span class="toctree-toggle" role="presentation">',
}
_IMAGE_ALT = re.compile(r'alt="[^"]*_images/[^"]*"')


def translate_ui(markup: str) -> str:
    for en, zh in UI_STRINGS.items():
        markup = markup.replace(en, zh)
    return _IMAGE_ALT.sub('alt="图表"', markup)


NO_SEARCH_TEXT = "zyfw-answers"  # the answer lines repeated on the home and key-facts pages: not their home


def _page_text(doctree, headings_only: bool = False) -> str:
    """The page's words for the site search's phrase bonus, without the repeated answer blocks; a page whose
    front matter says ``zyfw_search: headings`` (常见问题) is found by its questions, not by every word of it."""
    if headings_only:
        return ""
    doctree = doctree.deepcopy()
    for node in list(doctree.findall(nodes.Element)):
        if NO_SEARCH_TEXT in node.get("classes", []) and node.parent is not None:
            node.parent.remove(node)
    for raw in list(doctree.findall(nodes.raw)):  # an image embedded in raw HTML is not words
        text = raw.astext()
        if "data:" in text:
            raw.parent.replace(raw, nodes.Text(re.sub(r"data:[^\"'\s>]+", "", text)))
    text = doctree.astext()
    text = re.sub(rf"(?<=[{CJK}])\s+(?=[{CJK}])", "", text)
    return re.sub(r"\s+", " ", text).strip()


def _on_finished(app, exception) -> None:
    if exception is not None:
        return
    if app.builder.format == "html":
        env = app.env
        pages = {}
        for doc in sorted(env.found_docs):
            try:
                tree = env.get_doctree(doc)
            except Exception:  # a page that failed to read has no doctree
                continue
            title = env.titles[doc].astext() if doc in env.titles else doc
            heads = [t.astext() for sec in tree.findall(nodes.section) for t in sec.children[:1]
                     if isinstance(t, nodes.title)] + [r.astext() for r in tree.findall(nodes.rubric)]
            only_heads = env.metadata.get(doc, {}).get("zyfw_search") == "headings"
            pages[doc] = {"title": title, "heads": heads, "text": _page_text(tree, only_heads)}
        out = Path(app.outdir) / "_static" / SEARCH_DATA
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text("// 站内搜索用的各页文字（构建时生成）\nvar ZYFW_PAGES = "
                       + json.dumps(pages, ensure_ascii=False) + ";\n", encoding="utf-8")
        for page in Path(app.outdir).rglob("*.html"):
            text = page.read_text(encoding="utf-8")
            new = translate_ui(text)
            if new != text:
                page.write_text(new, encoding="utf-8")
    if getattr(app, "zyfw_fingerprint", None):
        (Path(app.outdir).parent / STAMP).write_text(app.zyfw_fingerprint)


def setup(app):
    app.add_config_value("zyfw_selfcheck_url", "", "html")
    app.add_config_value("zyfw_checked_on", "", "html")
    app.add_config_value("zyfw_feedback", "", "html")
    app.add_directive("original", Original)
    app.add_directive("reading", Reading)
    app.add_directive("default", Default)
    app.connect("config-inited", _on_config)
    app.connect("builder-inited", _on_builder)
    app.connect("env-get-outdated", _on_outdated)
    app.connect("html-page-context", _on_page)
    app.connect("build-finished", _on_finished)
    app.add_js_file("zyfw-menu.js")
    app.add_js_file("zyfw-a11y.js")
    return {"version": "2.0", "parallel_read_safe": True, "parallel_write_safe": True}
