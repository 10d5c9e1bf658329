"""JSON Lines view: one finding per line, written in chunks (for results of any size).

Each line has the finding's keys (rule, severity, row, record_id, message, evidence, clause,
title, sheet); the per-rule status and notes are in the json view, or printed by the CLI.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from zyfw_checks.report.jsonout import FINDING_KEYS

CHUNK = 200_000
KEYS = [*FINDING_KEYS, "title", "sheet"]


def _quoted(arr: pa.Array) -> pa.Array:
    """JSON string literals ("…" with escapes), null as null; replacement passes only when needed."""
    esc = arr
    if pc.any(pc.fill_null(pc.match_substring_regex(arr, r'["\\\x00-\x1f]'), False)).as_py():
        for old, new in (("\\", "\\\\"), ('"', '\\"'), ("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t")):
            esc = pc.replace_substring(esc, old, new)
        esc = pc.replace_substring_regex(esc, r"[\x00-\x1f]", " ")
    return pc.if_else(pc.is_null(esc), pa.scalar("null"), pc.binary_join_element_wise('"', esc, '"', ""))


def _column(s) -> pa.Array:
    """A findings column as JSON literals, without a detour through Python objects; a categorical's
    few distinct texts are escaped once and then spread."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        cats = _quoted(pa.array([str(c) for c in s.cat.categories], type=pa.string()))
        codes = s.cat.codes.to_numpy()
        return pc.fill_null(pc.take(cats, pa.array(codes, mask=codes < 0)), "null")
    arr = s.array
    if hasattr(arr, "_pa_array"):
        return _quoted(pc.cast(arr._pa_array.combine_chunks(), pa.string()))
    return _quoted(pa.array(s.to_numpy(dtype=object, na_value=None), type=pa.string()))


def _lines(frame) -> pa.Array:
    """The JSON text of each finding, built column-wise (no per-row Python)."""
    parts = []
    for i, key in enumerate(KEYS):
        if key == "row":
            col = pa.array(frame[key].astype("int64").to_numpy()).cast(pa.string())
        else:
            col = _column(frame[key])
        parts.append(pc.binary_join_element_wise(("{" if i == 0 else ",") + f'"{key}":', col, ""))
    return pc.binary_join_element_wise(*parts, "}\n", "")


def write(result, path: Path) -> int:
    """Write every finding to ``path``; returns the number written."""
    f = result.findings
    with open(path, "wb") as fh:
        for start in range(0, len(f), CHUNK):
            lines = _lines(f.iloc[start:start + CHUNK])
            lines = lines.combine_chunks() if isinstance(lines, pa.ChunkedArray) else lines
            # every line ends in a newline, so the array's character data is the file's text, as is
            lines = pc.cast(lines, pa.large_string()) if len(lines) else lines
            _, off_buf, data = lines.buffers()
            offsets = np.frombuffer(off_buf, dtype=np.int64)[lines.offset:lines.offset + len(lines) + 1]
            if len(lines):
                fh.write(memoryview(data)[int(offsets[0]):int(offsets[-1])])
    return len(f)


def render(result, **_) -> str:
    f = result.findings
    return "".join(_lines(f).to_pylist()) if len(f) else ""
