"""处罚参考：把发现的问题对应到《志愿服务条例》第三十六、三十八、三十九条（params/penalties.yaml）。

Reference text only, not legal advice: the article texts come from params/laws.yaml by key.
"""

from __future__ import annotations

import pandas as pd

from zyfw_checks.clauses import get_clause
from zyfw_checks.params import load_params


def reference(findings: pd.DataFrame) -> list[dict]:
    """One entry per behaviour the findings touch: the article keys, their text, and the rules found."""
    spec = load_params("penalties")
    laws = load_params("laws")["articles"]
    serious = findings[findings["severity"] != "提示"] if len(findings) else findings  # a 提示 is not a breach
    found = set(serious["rule"]) if len(serious) else set()
    out = []
    for behaviour, entry in spec["behaviours"].items():
        rules = sorted(found & set(entry.get("rules", [])))
        if not rules:
            continue
        out.append({
            "行为": behaviour,
            "涉及规则": rules,
            "条文": [{"条文": k, "内容": laws.get(k, {}).get("text") or "（原文未核实）",
                      "出处": laws.get(k, {}).get("url", "")} for k in entry["articles"]],
        })
    return out


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
        for art in item["条文"]:
            lines.append(f"    《志愿服务条例》{art['条文'].removeprefix('条例')}：{art['内容']}")
    return "\n".join(lines) + "\n"
