"""JSON Lines view: one finding per line, written in chunks (for results of any size).

Each line has the finding's keys (rule, severity, row, record_id, message, evidence, clause,
title, sheet); the per-rule status and notes are in the json view, or printed by the CLI.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from zyfw_checks.report.jsonout import FINDING_KEYS

CHUNK = 200_000
KEYS = [*FINDING_KEYS, "title", "sheet"]


def _lines(frame) -> pa.Array:
    """The JSON text of each finding, built column-wise (no per-row Python)."""
    parts = []
    for i, key in enumerate(KEYS):
        col = pa.array(frame[key].to_numpy(dtype=object, na_value=None), type=pa.string()) if key != "row" \
            else pa.array(frame[key].astype("int64").to_numpy()).cast(pa.string())
        if key != "row":
            esc = pc.replace_substring(col, "\\", "\\\\")
            esc = pc.replace_substring(esc, '"', '\\"')
            esc = pc.replace_substring(esc, "\n", "\\n")
            esc = pc.replace_substring(esc, "\r", "\\r")
            esc = pc.replace_substring(esc, "\t", "\\t")
            col = pc.if_else(pc.is_null(esc), pa.scalar("null"), pc.binary_join_element_wise('"', esc, '"', ""))
        parts.append(pc.binary_join_element_wise(("{" if i == 0 else ",") + f'"{key}":', col, ""))
    return pc.binary_join_element_wise(*parts, "}\n", "")


def write(result, path: Path) -> int:
    """Write every finding to ``path``; returns the number written."""
    f = result.findings
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        for start in range(0, len(f), CHUNK):
            fh.write("".join(_lines(f.iloc[start:start + CHUNK]).to_pylist()))
    return len(f)


def render(result, **_) -> str:
    f = result.findings
    return "".join(_lines(f).to_pylist()) if len(f) else ""
