"""处罚参考：把“违规”的发现对应到处罚它所违反义务的条文（params/penalties.yaml，条文原文在 laws.yaml）。

Only 违规 findings are referenced, and only under the behaviour whose article sanctions the duty the
rule checks; 存疑 and 提示 are never shown beside a penalty article. Each behaviour lists the duty's articles
(the rules' ``laws``: 条例第二条, 办法第十九条……) apart from the penalty articles (issue 19 “Wording”).
Reference text only, not legal advice.
"""

from __future__ import annotations

import pandas as pd

from zyfw_checks.clauses import get_clause
from zyfw_checks.params import load_params

BREACH = "违规"


def law_title(key: str) -> str:
    """'条例第三十八条' → '《志愿服务条例》第三十八条' (the law's name from laws.yaml ``sources``)."""
    laws = load_params("laws")
    entry = laws["articles"].get(key, {})
    law = entry.get("law", "")
    source = str(laws.get("sources", {}).get(law, ""))
    name = source[: source.index("》") + 1] if "》" in source else law
    return name + key.removeprefix(law)


def reference(findings: pd.DataFrame) -> list[dict]:
    """One entry per behaviour a 违规 finding touches: the rules found, the article keys and their text."""
    spec = load_params("penalties")
    laws = load_params("laws")["articles"]
    if not len(findings):
        return []
    found = set(findings.loc[findings["severity"] == BREACH, "rule"])
    out = []

    def article(k: str) -> dict:
        return {"条文": k, "名称": law_title(k), "内容": laws.get(k, {}).get("text") or "（原文未核实）",
                "出处": laws.get(k, {}).get("url", "")}

    for behaviour, entry in spec["behaviours"].items():
        rules = sorted(found & set(entry.get("rules", [])))
        if not rules:
            continue
        out.append({
            "行为": behaviour,
            "涉及规则": rules,
            # the duty the data shows was not met (the rules' own articles), apart from the article that sanctions it
            "义务条文": [article(k) for k in duty_articles(rules, entry["articles"])],
            "条文": [article(k) for k in entry["articles"]],
        })
    return out


def duty_articles(rules, penalty_articles) -> list[str]:
    """The articles that put the duty on the party (each rule's ``laws``), without the penalty articles."""
    from zyfw_checks.rules import get_rule

    seen: list[str] = []
    for code in rules:
        for k in get_rule(code).laws:
            if k not in penalty_articles and k not in seen:
                seen.append(k)
    return seen


def header() -> dict:
    spec = load_params("penalties")
    return {"依据": get_clause(spec["clause"]).cite(), "说明": spec["disclaimer"]}


def render_text(findings: pd.DataFrame) -> str:
    ref = reference(findings)
    if not ref:
        return ""
    h = header()
    lines = ["", "处罚参考（" + h["说明"] + "）", "  " + h["依据"]]
    for item in ref:
        lines.append(f"  {item['行为']}（{'、'.join(item['涉及规则'])}）：")
        if item["义务条文"]:
            lines.append("    所违反的义务：" + "、".join(a["名称"] for a in item["义务条文"]))
        lines.append("    处罚条文：")
        for art in item["条文"]:
            lines.append(f"      {art['名称']}：{art['内容']}")
    return "\n".join(lines) + "\n"
