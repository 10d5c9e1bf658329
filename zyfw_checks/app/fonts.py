"""Chinese glyphs in matplotlib charts on a fresh machine (the default DejaVu font has none).

Used by the app's chart until the shared helper ``zyfw_checks.charts`` exists; it prefers that
helper when it is importable so the book and the app pick the same font.
"""

from __future__ import annotations

import functools

# Fonts that carry Simplified Chinese glyphs, most common first (Debian fonts-noto-cjk, Windows, macOS).
CJK_FAMILIES = [
    "Noto Sans CJK SC", "Noto Sans SC", "Noto Serif CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei", "Microsoft YaHei", "SimHei", "PingFang SC", "Heiti SC", "Arial Unicode MS",
]


@functools.cache
def setup_chinese_font() -> str | None:
    """Make matplotlib use an installed CJK font; returns its family name (None if none is installed)."""
    try:
        import warnings

        from zyfw_checks.charts import use_chinese_font  # the book's helper, shared when present

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            found = use_chinese_font()
        if found:
            return found
    except Exception:  # noqa: BLE001 - a missing/changed helper must not break the app; fall back below
        pass
    import matplotlib
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in installed:
            matplotlib.rcParams["font.sans-serif"] = [family, *matplotlib.rcParams["font.sans-serif"]]
            matplotlib.rcParams["font.family"] = "sans-serif"
            matplotlib.rcParams["axes.unicode_minus"] = False
            return family
    return None
