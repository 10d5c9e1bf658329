"""Terminal view: a readable Chinese report (counts per rule, then every finding)."""

from __future__ import annotations

import textwrap

from zyfw_checks.report.facts import mapping_text, status_text
from zyfw_checks.report.schema import footer
from zyfw_checks.style import SEVERITIES

TITLE = "志愿服务记录自查报告（湘民发〔2023〕29号）"


def render(result, limit: int | None = 200, title: str = TITLE, unit: str = "条记录", **_) -> str:
    """The report for any table kind; ``title`` and ``unit`` name what was checked."""
    from zyfw_checks import penalties

    s = result.summary()
    t = result.table
    out = [
        title,
        f"文件：{t.source}" + (f"　工作表：{t.sheet}" if t.sheet else "") + (f"　表头在第 {t.header_row} 行" if t.header_row else ""),
        f"检查：{s['records']} {unit}　发现问题：{s['findings']} 个（涉及 {s['records_with_findings']} {unit}）　"
        + "　".join(f"{k} {v}" for k, v in s["by_severity"].items()),
        f"识别的字段：{mapping_text(t)}",
    ]
    if t.ignored_columns:
        out.append(f"未使用的列（未参与检查）：{'、'.join(map(str, t.ignored_columns))}")
    for note in result.notes:
        out.append(f"说明：{note}")
    out.append("")
    out.append("各规则结果：")
    status = result.rule_status()
    for r in status.itertuples():
        out.append(f"  {r.code} {r.title}：{status_text(r)}")
    f = result.findings
    if len(f):
        out.append("")
        out.append("问题明细（行号即您文件中 Excel 显示的行号）：")
        order = {sev: i for i, sev in enumerate(SEVERITIES)}
        shown = f.sort_values(["row", "rule"], key=lambda c: c.map(order) if c.name == "severity" else c)
        if limit is not None and len(shown) > limit:
            shown = shown.head(limit)
        for item in shown.itertuples():
            out.append(f"第{item.row}行　{item.rule}〔{item.severity}〕{item.title}：{item.message}")
            out.append(textwrap.indent(f"依据：{item.evidence}", "      "))
        if limit is not None and len(f) > limit:
            out.append(f"……另有 {len(f) - limit} 个问题未在屏幕上列出；请用 --format xlsx 或 json 并 -o 保存完整结果。")
        out.append("")
        out.append("条款原文：")
        for r in result.rules:
            if r.code in set(f["rule"]):
                out.append(f"  {r.code}：{r.clause.cite()}")
    else:
        out.append("")
        out.append("已评估的规则均未发现问题。" + ("但有规则未评估，见上。" if status["status"].eq("未评估").any() else ""))
    return "\n".join(out) + "\n" + penalties.render_text(f) + f"\n{footer()}\n"
