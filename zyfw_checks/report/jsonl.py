"""JSON Lines view: one finding per line, written in chunks (for results of any size).

Each line has the finding's keys (rule, severity, row, record_id, message, evidence, clause,
title, sheet); the per-rule status and notes are in the json view, or printed by the CLI.
"""

from __future__ import annotations

from collections import deque
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from zyfw_checks.report.jsonout import FINDING_KEYS

CHUNK = 25_000  # pieces of ~12 MB: building lines costs the same, and two threads hold fewer of them
THREADS = 2  # the machines this is measured on have two cores; more only holds more chunks in memory
KEYS = [*FINDING_KEYS, "title", "sheet"]


def _escaped(arr: pa.Array) -> pa.Array:
    """JSON string escapes; only the values that hold a quote, backslash or control character are
    rewritten."""
    need = pc.fill_null(pc.match_substring_regex(arr, r'["\\\x00-\x1f]'), False)
    if not pc.any(need).as_py():
        return arr
    esc = pc.filter(arr, need)
    for old, new in (("\\", "\\\\"), ('"', '\\"'), ("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t")):
        esc = pc.replace_substring(esc, old, new)
    esc = pc.replace_substring_regex(esc, r"[\x00-\x1f]", " ")
    return pc.replace_with_mask(arr, need, esc.cast(arr.type))


def _quoted(arr: pa.Array) -> pa.Array:
    """JSON string literals ("…" with escapes), null as null."""
    arr = _escaped(arr)
    return pc.if_else(pc.is_null(arr), pa.scalar("null"), pc.binary_join_element_wise('"', arr, '"', ""))


def _column(s) -> tuple[pa.Array, bool]:
    """A findings column as JSON text, without a detour through Python objects, and whether it still
    needs its quotes (a text column without blanks gets them from the line's literal parts, saving a
    copy). A categorical's few distinct texts are escaped once and then spread."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        cats = _quoted(pa.array([str(c) for c in s.cat.categories], type=pa.string()))
        codes = s.cat.codes.to_numpy()
        return pc.fill_null(pc.take(cats, pa.array(codes, mask=codes < 0)), "null"), False
    arr = s.array
    if hasattr(arr, "_pa_array"):
        arr = pc.cast(arr._pa_array.combine_chunks(), pa.string())
    else:
        arr = pa.array(s.to_numpy(dtype=object, na_value=None), type=pa.string())
    if arr.null_count:
        return _quoted(arr), False
    return _escaped(arr), True


def _lines(frame) -> pa.Array:
    """The JSON text of each finding, built column-wise in one join (no per-row Python)."""
    parts, literal = [], ""
    for i, key in enumerate(KEYS):
        literal += ("{" if i == 0 else ",") + f'"{key}":'
        if key == "row":
            col, bare = pa.array(frame[key].astype("int64").to_numpy()).cast(pa.string()), False
        else:
            col, bare = _column(frame[key])
        parts += [literal + '"' if bare else literal, col]
        literal = '"' if bare else ""
    return pc.binary_join_element_wise(*parts, literal + "}\n", "")


def _text(frame) -> memoryview | None:
    """The file text of one chunk: every line ends in a newline, so the character data of the
    array of lines is that text, as is."""
    lines = _lines(frame)
    lines = lines.combine_chunks() if isinstance(lines, pa.ChunkedArray) else lines
    if not len(lines):
        return None
    _, off_buf, data = lines.buffers()
    width = np.int64 if pa.types.is_large_string(lines.type) else np.int32
    offsets = np.frombuffer(off_buf, dtype=width)[lines.offset:lines.offset + len(lines) + 1]
    return memoryview(data)[int(offsets[0]):int(offsets[-1])]


def write(result, path: Path) -> int:
    """Write every finding to ``path``; returns the number written. Arrow's kernels let go of the
    GIL, so two threads build the next chunks while this one writes (in order)."""
    f = result.findings
    ahead: deque = deque()  # at most THREADS + 1 chunks in flight, so memory stays bounded
    with open(path, "wb") as fh, ThreadPoolExecutor(THREADS) as pool:
        for start in range(0, len(f), CHUNK):
            ahead.append(pool.submit(_text, f.iloc[start:start + CHUNK]))
            if len(ahead) > THREADS:
                _put(fh, ahead.popleft().result())
        while ahead:
            _put(fh, ahead.popleft().result())
    return len(f)


def _put(fh, text: memoryview | None) -> None:
    if text is not None:
        fh.write(text)


def render(result, **_) -> str:
    f = result.findings
    return "".join(_lines(f).to_pylist()) if len(f) else ""
