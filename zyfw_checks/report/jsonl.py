"""JSON Lines view, and the one chunked writer of findings as JSON text (the ``json`` view and the
folder check write through it too).

Each line is one finding with the keys of :func:`zyfw_checks.report.schema.finding_keys` — the
source file, the engine's finding columns, and ``schema_version``, ``kit_version`` and
``params_date`` on every line (no header line, so every reader sees one homogeneous table). The
per-rule status and notes are in the json view, or printed by the CLI.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from zyfw_checks.report import schema
from zyfw_checks.threads import workers

CHUNK = 25_000  # pieces of ~12 MB: building lines costs the same, and two threads hold fewer of them
_CONTROL = [c for c in range(0x20) if chr(c) not in "\n\r\t"]


def _escaped(arr: pa.Array) -> pa.Array:
    """JSON string escapes; only the values that hold a quote, backslash or control character are
    rewritten."""
    need = pc.fill_null(pc.match_substring_regex(arr, r'["\\\x00-\x1f]'), False)
    if not pc.any(need).as_py():
        return arr
    esc = pc.filter(arr, need)
    for old, new in (("\\", "\\\\"), ('"', '\\"'), ("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t")):
        esc = pc.replace_substring(esc, old, new)
    if pc.any(pc.fill_null(pc.match_substring_regex(esc, r"[\x00-\x1f]"), False)).as_py():
        for c in _CONTROL:  # rare: each remaining control character as \\u00XX, as json.dumps writes it
            esc = pc.replace_substring(esc, chr(c), f"\\u{c:04x}")
    return pc.replace_with_mask(arr, need, esc.cast(arr.type))


def _quoted(arr: pa.Array) -> pa.Array:
    """JSON string literals ("…" with escapes), null as null."""
    arr = _escaped(arr)
    return pc.if_else(pc.is_null(arr), pa.scalar("null"), pc.binary_join_element_wise('"', arr, '"', ""))


def _as_arrow_text(s) -> pa.Array:
    if isinstance(s, pa.ChunkedArray):
        s = s.combine_chunks()
    if isinstance(s, pa.Array):
        if pa.types.is_dictionary(s.type):
            s = s.dictionary_decode()
        return s if pa.types.is_string(s.type) or pa.types.is_large_string(s.type) else pc.cast(s, pa.string())
    arr = s.array
    if hasattr(arr, "_pa_array"):
        return pc.cast(arr._pa_array.combine_chunks(), pa.string())
    return pa.array(s.to_numpy(dtype=object, na_value=None), type=pa.string())


def _column(s) -> tuple[pa.Array, bool]:
    """A findings column as JSON text, without a detour through Python objects, and whether it still
    needs its quotes (a text column without blanks gets them from the line's literal parts, saving a
    copy). A categorical's few distinct texts are escaped once and then spread."""
    if isinstance(s, pd.Series) and isinstance(s.dtype, pd.CategoricalDtype):
        cats = _quoted(pa.array([str(c) for c in s.cat.categories], type=pa.string()))
        codes = s.cat.codes.to_numpy()
        return pc.fill_null(pc.take(cats, pa.array(codes, mask=codes < 0)), "null"), False
    arr = _as_arrow_text(s)
    if arr.null_count:
        return _quoted(arr), False
    return _escaped(arr), True


def _const(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def _lines(frame, consts: dict, end: str = "}\n") -> pa.Array:
    """The JSON text of each finding, built column-wise in one join (no per-row Python). ``frame``
    maps each key to a pandas Series or Arrow array; ``consts`` gives keys whose value is the same on
    every line (provenance, and the file when one file was checked)."""
    parts, literal = [], ""
    for i, key in enumerate(schema.finding_keys()):
        literal += ("{" if i == 0 else ",") + f'"{key}":'
        if key in consts:
            literal += _const(consts[key])
            continue
        col = frame[key]
        if key == "row":
            rows = col.to_numpy() if isinstance(col, (pa.Array, pa.ChunkedArray)) else col.to_numpy()
            col, bare = pa.array(np.asarray(rows).astype("int64")).cast(pa.string()), False
        else:
            col, bare = _column(col)
        parts += [literal + '"' if bare else literal, col]
        literal = '"' if bare else ""
    return pc.binary_join_element_wise(*parts, literal + end, "")


def _text(frame, consts: dict, end: str = "}\n") -> memoryview | None:
    """The file text of one chunk: every line ends in ``end``, so the character data of the array of
    lines is that text, as is."""
    lines = _lines(frame, consts, end)
    lines = lines.combine_chunks() if isinstance(lines, pa.ChunkedArray) else lines
    if not len(lines):
        return None
    _, off_buf, data = lines.buffers()
    width = np.int64 if pa.types.is_large_string(lines.type) else np.int32
    offsets = np.frombuffer(off_buf, dtype=width)[lines.offset:lines.offset + len(lines) + 1]
    return memoryview(data)[int(offsets[0]):int(offsets[-1])]


def consts_of(result) -> dict:
    """The keys every line of one result shares: provenance, and the file checked."""
    return {**schema.provenance(), "file": result.table.source}


def frames(findings: pd.DataFrame, chunk: int | None = None) -> Iterable[pd.DataFrame]:
    n = chunk or CHUNK
    for start in range(0, len(findings), n):
        yield findings.iloc[start:start + n]


def stream(pieces: Iterable, fh, consts: dict, sep: str = "\n") -> int:
    """Write the findings of ``pieces`` (frames or Arrow tables, in order) as JSON objects, each
    followed by ``sep`` — a newline for JSON Lines, ``",\\n"`` between the elements of a JSON array
    (the last element then ends in a newline only). Arrow's kernels let go of the GIL, so two
    threads build the next chunks while this one writes, in order; at most workers() + 1 chunks are
    in flight, so memory stays bounded. Returns the number of findings written."""
    end = "}" + sep
    ahead: deque = deque()
    pending: list = [None]
    count = 0

    def put(text):
        if text is None:
            return
        if pending[0] is not None:
            fh.write(pending[0])
        pending[0] = text

    threads = workers()
    with ThreadPoolExecutor(threads) as pool:
        for piece in pieces:
            count += len(piece) if not isinstance(piece, pa.RecordBatch) else piece.num_rows
            ahead.append(pool.submit(_text, piece, consts, end))
            if len(ahead) > threads:
                put(ahead.popleft().result())
        while ahead:
            put(ahead.popleft().result())
    last = pending[0]
    if last is not None and sep != "\n":  # the last element: a newline in place of its separator
        fh.write(last[:len(last) - len(sep.encode())])
        fh.write(b"\n")
    elif last is not None:
        fh.write(last)
    return count


def write(result, dest) -> int:
    """Write every finding to ``dest`` (a path, or a binary file such as standard output)."""
    if isinstance(dest, (str, Path)):
        with open(dest, "wb") as fh:
            return stream(frames(result.findings), fh, consts_of(result))
    return stream(frames(result.findings), dest, consts_of(result))


def render(result, **_) -> str:
    import io

    buf = io.BytesIO()
    write(result, buf)
    return buf.getvalue().decode("utf-8")
