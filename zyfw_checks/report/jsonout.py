"""JSON view: findings, per-rule status, the column mapping, notes and the penalties reference.

For small files; large results stream through the jsonl and parquet views.
"""

from __future__ import annotations

import json

FINDING_KEYS = ["rule", "severity", "row", "record_id", "message", "evidence", "clause"]


def as_dict(result) -> dict:
    from zyfw_checks import penalties

    f = result.findings
    findings = f[FINDING_KEYS].astype(object).where(f[FINDING_KEYS].notna(), None).to_dict("records")
    for item in findings:
        item["row"] = int(item["row"])
    status = result.rule_status()
    t = result.table
    return {
        "findings": findings,
        "rule_status": status.astype(object).where(status.notna(), None).to_dict("records"),
        "not_assessed": [{"rule": n["rule"], "reason_code": n["reason_code"], "reason": n["reason"]}
                         for n in result.skipped],
        "file": t.describe(),  # header row found, each column → field (with unit), ignored columns, rows set aside
        "summary": result.summary(),
        "notes": result.notes,
        "penalties": {**penalties.header(), "articles": penalties.reference(f)} if len(f) else {},
    }


def render(result, **_) -> str:
    return json.dumps(as_dict(result), ensure_ascii=False, indent=2, default=str)
