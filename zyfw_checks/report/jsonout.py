"""JSON view: one document — provenance, summary, per-rule status, the column mapping, notes, the
penalties reference, then every finding — streamed through the chunked JSON Lines writer, so a
large result never becomes a Python object tree.

The document's shape is the root of ``finding.schema.json``; each element of ``findings`` is the
same finding as a JSON Lines line.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

from zyfw_checks.report import jsonl, schema


def header(result) -> dict:
    """Everything in the document but the findings (small, whatever the size of the result)."""
    from zyfw_checks import penalties

    f = result.findings
    status = result.rule_status()
    return {
        **schema.provenance(),
        "summary": result.summary(),
        "file": result.table.describe(),  # header row found, each column → field (with unit), ignored columns, rows set aside
        "rule_status": status.astype(object).where(status.notna(), None).to_dict("records"),
        "not_assessed": [{"rule": n["rule"], "reason_code": n["reason_code"], "reason": n["reason"]}
                         for n in result.skipped],
        "notes": result.notes,
        "penalties": {**penalties.header(), "articles": penalties.reference(f)} if len(f) else {},
    }


def write(result, dest) -> int:
    """Write the document to ``dest`` (a path or a binary file); returns the number of findings."""
    if isinstance(dest, (str, Path)):
        with open(dest, "wb") as fh:
            return write(result, fh)
    head = json.dumps(header(result), ensure_ascii=False, indent=2, default=str)
    dest.write((head[:-2] + ',\n  "findings": [').encode("utf-8"))  # head ends in "\n}"
    if len(result.findings):
        dest.write(b"\n")
    n = jsonl.stream(jsonl.frames(result.findings), dest, jsonl.consts_of(result), sep=",\n")
    dest.write(b"]\n}\n")
    return n


def render(result, **_) -> str:
    buf = io.BytesIO()
    write(result, buf)
    return buf.getvalue().decode("utf-8")


def as_dict(result) -> dict:
    """The document as Python data (for small results: the staff tables' JSON)."""
    return json.loads(render(result))
