"""Local Sphinx extension of the guide (loaded via ``sphinx: local_extensions`` in _config.yml).

1. ``zyfw_selfcheck_url`` — the self-check app's address, set once in _config.yml — becomes the
   link in every page's footer and the substitutions ``{{ selfcheck_link }}`` / ``{{ selfcheck_url }}``.
2. The attachment form (志愿服务组织信息采集表) is written as .docx from the notice text before reading.
3. Book pages run code from ``zyfw_checks`` on ``data/``; execution is cached by notebook content only.
   So when any file of the package or the data changes, the cache is cleared and every page is
   re-read and re-executed: the rule reference and the examples can never be stale.
"""

from __future__ import annotations

import hashlib
import html
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
WATCHED = [("zyfw_checks", ("*.py", "*.yaml", "*.txt")), ("data", ("*.xlsx", "*.csv", "*.xls"))]
STAMP = ".zyfw_inputs.sha256"


def inputs_fingerprint() -> str:
    """SHA-256 over every file of the package and the data that book pages read."""
    h = hashlib.sha256()
    for folder, patterns in WATCHED:
        files = sorted({p for pat in patterns for p in (REPO / folder).rglob(pat) if "__pycache__" not in p.parts})
        for p in files:
            h.update(str(p.relative_to(REPO)).encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def _on_config(app, config) -> None:
    url = config.zyfw_selfcheck_url
    link = (f'<p class="zyfw-selfcheck">检查自己的记录：<a href="{html.escape(url)}">志愿服务记录自查应用</a>'
            f'（{html.escape(url)}）</p>')
    config.html_theme_options = {**(config.html_theme_options or {}), "extra_footer": link}
    subs = dict(config.myst_substitutions or {})
    subs.update(selfcheck_url=url, selfcheck_link=f"[志愿服务记录自查应用]({url})")
    config.myst_substitutions = subs
    opts = dict(config.html_search_options or {})
    if opts.get("dict") and not Path(opts["dict"]).is_absolute():
        opts["dict"] = str(Path(app.srcdir) / opts["dict"])
    config.html_search_options = opts
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
    from zyfw_checks.docs import write_attachment_docx

    write_attachment_docx(Path(app.srcdir) / "_generated" / "attachment_form.docx")


def _on_outdated(app, env, added, changed, removed):
    if getattr(app, "zyfw_inputs_changed", False):
        return [d for d in env.found_docs if d not in added and d not in changed]
    return []


def _on_finished(app, exception) -> None:
    if exception is None and getattr(app, "zyfw_fingerprint", None):
        (Path(app.outdir).parent / STAMP).write_text(app.zyfw_fingerprint)


def setup(app):
    app.add_config_value("zyfw_selfcheck_url", "http://localhost:8866/", "html")
    app.connect("config-inited", _on_config)
    app.connect("builder-inited", _on_builder)
    app.connect("env-get-outdated", _on_outdated)
    app.connect("build-finished", _on_finished)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
