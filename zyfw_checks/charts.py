"""Matplotlib charts that show Chinese glyphs on a fresh machine.

matplotlib's bundled DejaVu font has no CJK glyphs, so every Chinese label would be drawn as
empty boxes. :func:`use_chinese_font` registers Debian's Noto Sans CJK (package
``fonts-noto-cjk``) or, failing that, another CJK font found on the system, and says so
clearly (a warning naming the package to install) when there is none.
"""

from __future__ import annotations

import functools
import warnings
from pathlib import Path

import pandas as pd

from zyfw_checks.style import INK, SEVERITIES, rank

# matplotlib is imported by the functions that draw (the app counts findings with findings_per_rule and
# must not pay for importing matplotlib).

NOTO_CJK = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
# Other files that carry CJK glyphs, tried in order when Noto CJK is not where Debian puts it.
FALLBACK_HINTS = ("NotoSansCJK", "NotoSansSC", "SourceHanSans", "wqy-microhei", "wqy-zenhei",
                  "msyh", "simhei", "simsun", "PingFang", "DroidSansFallback")
TEST_TEXT = "志愿服务记录"


class NoChineseFont(UserWarning):
    """No font with Chinese glyphs was found; labels will show as boxes."""


def _candidates() -> list[Path]:
    from matplotlib import font_manager

    found = [NOTO_CJK] if NOTO_CJK.exists() else []
    system = font_manager.findSystemFonts()
    for hint in FALLBACK_HINTS:
        found += [Path(f) for f in system if hint.lower() in Path(f).name.lower()]
    return found


def _covers_chinese(path: Path) -> str | None:
    """The family name of the font file if it has glyphs for :data:`TEST_TEXT`."""
    from matplotlib import font_manager

    try:
        font_manager.fontManager.addfont(str(path))
        prop = font_manager.FontProperties(fname=str(path))
        from matplotlib.ft2font import FT2Font

        ft = FT2Font(str(path))
        if all(ft.get_char_index(ord(ch)) for ch in TEST_TEXT):
            return prop.get_name()
    except (OSError, RuntimeError, ValueError):
        return None
    return None


@functools.cache
def use_chinese_font() -> str | None:
    """Register a CJK font with matplotlib and make it the default; returns its family name.

    Returns ``None`` (and warns with :class:`NoChineseFont`) when no such font is installed.
    """
    import matplotlib

    for path in _candidates():
        name = _covers_chinese(path)
        if name:
            matplotlib.rcParams["font.family"] = "sans-serif"
            matplotlib.rcParams["font.sans-serif"] = [name, *matplotlib.rcParams["font.sans-serif"]]
            matplotlib.rcParams["axes.unicode_minus"] = False  # CJK fonts often lack U+2212
            return name
    warnings.warn(
        "未找到含中文字形的字体，图中的中文将显示为方框。Debian/Ubuntu 请安装 fonts-noto-cjk"
        "（sudo apt-get install fonts-noto-cjk），然后重新运行。",
        NoChineseFont,
        stacklevel=2,
    )
    return None


def findings_per_rule(result) -> pd.DataFrame:
    """Findings counted per rule and per each finding's own severity (a rule's findings may be milder than its
    default: REC001's blank 评价 is 存疑), one row per (rule, severity), 违规 first."""
    f = result.findings
    if not len(f):
        return pd.DataFrame(columns=["rule", "title", "severity", "count"])
    out = f.groupby(["rule", "title", "severity"], observed=True).size().rename("count").reset_index()
    out = out.astype({"rule": str, "title": str, "severity": str})
    out["rank"] = out["severity"].map(rank)
    return out.sort_values(["rank", "rule"]).drop(columns="rank").reset_index(drop=True)


def findings_alt(result, title: str = "各规则发现的问题") -> str:
    """The chart's text alternative: every bar's numbers in words."""
    counts = findings_per_rule(result)
    if not len(counts):
        return f"{title}：没有发现问题。"
    parts = [f"{r.rule} {r.title} {int(r.count)} 处（{r.severity}）" for r in counts.itertuples(index=False)]
    return f"{title}（条形图）：" + "；".join(parts) + "。"


def findings_by_rule(result, title: str | None = None):
    """Horizontal bar chart: number of findings per rule, stacked by each finding's own severity, in the one
    palette of ``zyfw_checks.style``."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    use_chinese_font()
    counts = findings_per_rule(result)
    colours = {s: INK[s] for s in SEVERITIES}
    rules = counts.drop_duplicates("rule")[["rule", "title"]] if len(counts) else counts
    fig, ax = plt.subplots(figsize=(7, 0.45 * max(len(rules), 2) + 1.2))
    if counts.empty:
        ax.text(0.5, 0.5, "没有发现问题", ha="center", va="center", fontsize=14)
        ax.set_axis_off()
    else:
        labels = (rules["rule"] + " " + rules["title"]).tolist()
        wide = counts.pivot_table(index="rule", columns="severity", values="count", aggfunc="sum", fill_value=0)
        wide = wide.reindex(rules["rule"])
        left = pd.Series(0, index=wide.index)
        for sev in SEVERITIES:
            if sev in wide.columns:
                ax.barh(labels, wide[sev].to_numpy(), left=left.to_numpy(), color=colours[sev])
                left = left + wide[sev]
        ax.invert_yaxis()
        ax.set_xlabel("问题数")
        handles = [Patch(color=colour, label=sev) for sev, colour in colours.items()]
        ax.legend(handles=handles, title="严重程度", loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
        ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_title(title or f"{result.table.source}：各规则发现的问题")
    fig.tight_layout()
    return fig


def workday_deadline(end: str, n: int | None = None, days_after: int = 26):
    """Calendar strip after an activity's end date: which days count towards the n-working-day limit.

    The working-day status comes from :mod:`zyfw_checks.workdays` (State Council schedule with 调休).
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    from zyfw_checks.params import threshold
    from zyfw_checks.workdays import calendar

    use_chinese_font()
    n = int(n or threshold("record_deadline_workdays"))
    cal = calendar()
    end_ts = pd.Timestamp(end).normalize()
    days = pd.Series(pd.date_range(end_ts + pd.Timedelta(days=1), periods=days_after, freq="D"))
    work = cal.is_workday(days).to_numpy()
    deadline = cal.add_workdays(pd.Series([end_ts]), n).iloc[0]
    weekend = days.dt.weekday.to_numpy() >= 5
    fig, ax = plt.subplots(figsize=(10, 2.6))
    count = 0
    for i, (day, is_work, is_weekend) in enumerate(zip(days, work, weekend, strict=True)):
        if is_work:
            count += 1
            colour = "#f5b041" if is_weekend else "#58d68d"  # 调休上班 vs ordinary working day
        else:
            colour = "#d5d8dc"
        edge = "#c0392b" if day == deadline else "white"
        ax.add_patch(plt.Rectangle((i, 0), 0.95, 1, facecolor=colour, edgecolor=edge, linewidth=3))
        ax.text(i + 0.47, 0.68, f"{day.month}/{day.day}", ha="center", fontsize=8)
        ax.text(i + 0.47, 0.38, "一二三四五六日"[day.weekday()], ha="center", fontsize=8)
        if is_work and count <= n:
            ax.text(i + 0.47, 0.1, str(count), ha="center", fontsize=8, fontweight="bold")
    ax.set_xlim(0, len(days))
    ax.set_ylim(0, 1.1)
    ax.set_axis_off()
    handles = [Patch(color=colour, label=label) for label, colour in
               (("工作日", "#58d68d"), ("调休上班（周末）", "#f5b041"), ("休息日/节假日", "#d5d8dc"))]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.02), ncol=3, frameon=False, fontsize=9)
    ax.set_title(f"活动 {end_ts:%Y-%m-%d} 结束：第{n}个工作日是 {deadline:%Y-%m-%d}（红框），当天记录仍合规")
    fig.tight_layout()
    return fig
