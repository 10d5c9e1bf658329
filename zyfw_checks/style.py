"""The one severity colour scheme, shared by every view (Excel, HTML, app, charts, book).

Every ink is at least 4.5:1 against white and against its own fill (WCAG 2.0 AA, which GB/T 37668-2019
follows), so a severity written in its colour can be read on either; tests/test_a11y.py checks it.
"""

from __future__ import annotations

SEVERITIES = ("违规", "存疑", "提示")
STATUSES = ("有问题", "部分未评估", "未评估", "通过")

# fill: cell/row background; ink: text, bar and border colour.
FILL = {"违规": "#F8CBAD", "存疑": "#FFE699", "提示": "#DDEBF7", "未评估": "#EDEDED", "通过": "#E2EFDA"}
INK = {"违规": "#A50000", "存疑": "#7F6000", "提示": "#2F5597", "未评估": "#595959", "通过": "#375623"}
NEUTRAL = "#595959"
# the focus ring of the app and the guide: 2 px, ≥ 3:1 against white and the page's light fills
FOCUS = "#1A4FA0"


def rank(severity: str) -> int:
    """违规 first, then 存疑, then 提示 (for sorting)."""
    return SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES)


def _luminance(colour: str) -> float:
    h = colour.lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    channels = [int(h[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    """WCAG 2.0 contrast ratio of two ``#rrggbb`` colours (1 to 21)."""
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def css() -> str:
    """CSS classes ``sev-违规`` … for HTML views."""
    return "\n".join(
        f".sev-{k} {{ background: {FILL[k].lower()}; }} .ink-{k} {{ color: {INK[k].lower()}; }}" for k in FILL
    )
