"""The one severity colour scheme, shared by every view (Excel, HTML, app, charts, book)."""

from __future__ import annotations

SEVERITIES = ("违规", "存疑", "提示")
STATUSES = ("有问题", "部分未评估", "未评估", "通过")

# fill: cell/row background; ink: text, bar and border colour.
FILL = {"违规": "#F8CBAD", "存疑": "#FFE699", "提示": "#DDEBF7", "未评估": "#EDEDED", "通过": "#E2EFDA"}
INK = {"违规": "#C00000", "存疑": "#BF8F00", "提示": "#2F5597", "未评估": "#595959", "通过": "#375623"}
NEUTRAL = "#7F7F7F"


def rank(severity: str) -> int:
    """违规 first, then 存疑, then 提示 (for sorting)."""
    return SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES)


def css() -> str:
    """CSS classes ``sev-违规`` … for HTML views."""
    return "\n".join(
        f".sev-{k} {{ background: {FILL[k].lower()}; }} .ink-{k} {{ color: {INK[k].lower()}; }}" for k in FILL
    )
