"""JSON view: {"findings": [...], "not_assessed": [...], "summary": {...}, "notes": [...]}."""

from __future__ import annotations

import json

FINDING_KEYS = ["rule", "severity", "row", "record_id", "message", "evidence", "clause"]


def as_dict(result) -> dict:
    from zyfw_checks import penalties

    f = result.findings
    findings = f[FINDING_KEYS].astype(object).where(f[FINDING_KEYS].notna(), None).to_dict("records")
    for item in findings:
        item["row"] = int(item["row"])
    return {
        "findings": findings,
        "not_assessed": [{"rule": n["rule"], "reason": n["reason"]} for n in result.not_assessed],
        "summary": result.summary(),
        "notes": result.notes,
        "penalties": {**penalties.header(), "articles": penalties.reference(f)} if len(f) else {},
    }


def render(result, **_) -> str:
    return json.dumps(as_dict(result), ensure_ascii=False, indent=2)
