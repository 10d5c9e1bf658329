"""HTML view: a self-contained, printable self-check report (自查报告).

One file with no external resources (no scripts, fonts or images from elsewhere): organisation,
period, counts, then for each rule its count and its first ``PER_RULE`` problems with the clause
(the full list is in the xlsx or JSON Lines output, which the report names), the rules not
assessed, and space for the responsible person's signature and the date. Every value from the user's file passes through
``html.escape``, so a name like ``<script>`` prints as text.
"""

from __future__ import annotations

import datetime as dt
from html import escape

from zyfw_checks.report.facts import organisation, period, status_text
from zyfw_checks.report.schema import footer
from zyfw_checks.style import css

PER_RULE = 50  # problems listed per rule: the report is for reading and printing; the full list is in xlsx/jsonl

CSS = """
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif;
       color: #222; margin: 2em auto; max-width: 60em; line-height: 1.5; padding: 0 1em; }
h1 { font-size: 1.6em; text-align: center; margin-bottom: .2em; }
.sub { text-align: center; color: #555; margin-top: 0; }
h3 { font-size: 1.05em; margin: 1.2em 0 .4em; }
h2 { font-size: 1.2em; border-bottom: 2px solid #4472c4; padding-bottom: .2em; margin-top: 1.6em; }
table { border-collapse: collapse; width: 100%; font-size: .92em; }
th, td { border: 1px solid #999; padding: .25em .45em; vertical-align: top; text-align: left; }
th { background: #d9e1f2; }
table.facts th { width: 9em; }
td.num { text-align: right; white-space: nowrap; }
.clause { color: #444; font-size: .9em; }
.note { color: #555; font-size: .9em; }
.sign { margin-top: 3em; display: flex; gap: 4em; }
.sign div { flex: 1; border-bottom: 1px solid #222; padding-top: 2.5em; }
@media print {
  body { margin: 0; max-width: none; font-size: 10.5pt; }
  h2 { break-after: avoid; }
  tr, .sign { break-inside: avoid; }
  thead { display: table-header-group; }
  a { color: inherit; text-decoration: none; }
}
@page { size: A4; margin: 15mm 12mm; }
"""


def _e(v) -> str:
    if v is None:
        return ""
    try:
        import pandas as pd

        if pd.isna(v):
            return ""
    except (TypeError, ValueError):
        pass
    return escape(str(v), quote=True)


def render(result, **_) -> str:
    s = result.summary()
    t = result.table
    mask = result.masked
    first, last = period(result)
    org = organisation(result)
    f = result.findings
    status = result.rule_status()
    unassessed = status[status["status"].eq("未评估") | status["reason"].ne("")]
    out: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>志愿服务记录自查报告</title>",
        f"<style>{CSS}{css()}</style></head><body>",
        "<h1>志愿服务记录自查报告</h1>",
        '<p class="sub">依据《湖南省民政厅 湖南省文明办关于进一步加强志愿服务规范管理的通知》（湘民发〔2023〕29号）</p>',
        "<h2>一、基本情况</h2>",
        '<table class="facts">',
        f"<tr><th>自查单位</th><td>{_e(org) or '（文件中未填写组织单位）'}</td></tr>",
        f"<tr><th>检查文件</th><td>{_e(t.source)}{'（工作表：' + _e(t.sheet) + '）' if t.sheet else ''}</td></tr>",
        f"<tr><th>服务期间</th><td>{_e(first) + ' 至 ' + _e(last) if first else '（文件中没有可识别的开始时间）'}</td></tr>",
        f"<tr><th>检查记录</th><td>{s['records']} 条</td></tr>",
        f"<tr><th>发现问题</th><td>{s['findings']} 个，涉及 {s['records_with_findings']} 条记录"
        + (f"；无问题记录占 {s['clean_share']:.1%}" if s["clean_share"] is not None else "") + "</td></tr>",
        "<tr><th>按严重程度</th><td>" + "　".join(f"{sev} {n} 个" for sev, n in s["by_severity"].items())
        + "</td></tr>",
        f"<tr><th>个人信息</th><td>{'证件号码、联系电话已打码' if mask else '未打码，请妥善保管本报告'}</td></tr>",
        f"<tr><th>生成时间</th><td>{dt.datetime.now().strftime('%Y-%m-%d %H:%M')}</td></tr>",
        f"<tr><th>检查工具</th><td>{_e(footer())}</td></tr>",
        "</table>",
        '<p class="note">严重程度：“违规”表示数据显示不符合规定；“存疑”需要人工核实；“提示”供参考。'
        "行号是您文件中 Excel 显示的行号。</p>",
        "<h2>二、各规则检查结果</h2>",
        "<table><thead><tr><th>规则</th><th>问题类型</th><th>条款</th><th>严重程度</th><th>结果</th></tr></thead><tbody>",
    ]
    for row in status.itertuples():
        out.append(
            f"<tr><td>{_e(row.code)}</td><td>{_e(row.title)}</td><td>{_e(row.section)}</td>"
            f"<td>{_e(row.severity)}</td><td>{_e(status_text(row))}</td></tr>"
        )
    out.append("</tbody></table>")
    out.append("<h2>三、问题明细</h2>")
    if len(f):
        out.append(f'<p class="note">每条规则列出前 {PER_RULE} 个问题（按行号）。完整清单请保存为 Excel 或 JSON Lines：'
                   f"zyfw check {_e(t.source)} --format xlsx（或 --format jsonl -o 结果.jsonl）。</p>")
        sections = {r.code: r.clause.section for r in result.rules}
        counts = f["rule"].astype(str).value_counts()
        order = {r.code: i for i, r in enumerate(result.rules)}
        shown = f.assign(_r=f["rule"].astype(str).map(order)).sort_values(["_r", "row"], kind="stable")
        shown = shown.groupby("rule", sort=False, observed=True).head(PER_RULE)
        titles = {r.code: r.title for r in result.rules}
        for _, group in shown.groupby("_r", sort=True):
            rule = str(group["rule"].iloc[0])
            n = int(counts.get(rule, 0))
            more = (f"，此处列出前 {len(group)} 个，其余见完整清单" if n > len(group) else "")
            out.append(f"<h3>{_e(rule)} {_e(titles.get(rule, ''))}（{n} 个问题{more}）</h3>")
            out.append(
                "<table><thead><tr><th>行号</th><th>严重程度</th><th>记录编号</th>"
                "<th>问题说明</th><th>依据</th><th>条款</th></tr></thead><tbody>"
            )
            parts = []
            for item in group.itertuples(index=False):  # at most PER_RULE rows per rule
                parts.append(
                    f'<tr class="sev-{_e(item.severity)}"><td class="num">{int(item.row)}</td>'
                    f"<td>{_e(item.severity)}</td><td>{_e(item.record_id)}</td><td>{_e(item.message)}</td>"
                    f'<td>{_e(item.evidence)}</td><td class="clause">湘民发〔2023〕29号 {_e(sections.get(rule, ""))}'
                    f"</td></tr>"
                )
            out.append("".join(parts))
            out.append("</tbody></table>")
        out.append("<h2>四、所涉条款原文</h2><table><thead><tr><th>规则</th><th>条款原文</th></tr></thead><tbody>")
        seen = set(f["rule"])
        for r in result.rules:
            if r.code in seen:
                out.append(f"<tr><td>{_e(r.code)} {_e(r.title)}</td><td class=\"clause\">{_e(r.clause.cite())}</td></tr>")
        out.append("</tbody></table>")
    else:
        out.append("<p>已评估的规则均未发现问题。"
                   + ("但有规则未评估，见下。" if len(unassessed) else "") + "</p>")
    out.append("<h2>" + ("五" if len(f) else "四") + "、未评估的规则</h2>")
    if len(unassessed):
        out.append("<p class=\"note\">下列规则（或其中部分记录）无法检查，不代表已通过。</p>")
        out.append("<table><thead><tr><th>规则</th><th>问题类型</th><th>原因</th></tr></thead><tbody>")
        for n in unassessed.itertuples():
            out.append(f"<tr><td>{_e(n.code)}</td><td>{_e(n.title)}</td><td>{_e(status_text(n))}</td></tr>")
        out.append("</tbody></table>")
    else:
        out.append("<p>全部规则均已评估。</p>")
    if result.notes:
        out.append("<h2>说明</h2><ul>" + "".join(f"<li>{_e(n)}</li>" for n in result.notes) + "</ul>")
    out.append("<h2>整改情况与确认</h2>")
    out.append('<p class="note">（请在此简要说明对上述问题的核实与整改情况）</p>'
               '<div style="border:1px solid #999;height:8em"></div>')
    out.append('<div class="sign"><div>负责人签字：</div><div>日期：　　年　　月　　日</div></div>')
    out.append('<div class="sign"><div>自查单位（盖章）：</div><div></div></div>')
    out.append("</body></html>")
    return "\n".join(out)
