"""Parquet view: the findings table as a Parquet file (columnar, for results of any size).

The columns are the finding schema's keys (``schema.finding_keys()``); the constant ones (file of a
single-file check, provenance) are dictionary-encoded, so they cost next to nothing. The file's
key-value metadata holds the same provenance under ``zyfw``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from zyfw_checks.report import schema

BINARY = True
META_KEY = b"zyfw"


def _constant(value: str, n: int) -> pa.DictionaryArray:
    return pa.DictionaryArray.from_arrays(pa.array(np.zeros(n, dtype="int8")), pa.array([value], type=pa.string()))


def with_schema(tbl: pa.Table, consts: dict) -> pa.Table:
    """An Arrow table of findings in the schema's column order, constants filled in, row as int64."""
    n = tbl.num_rows
    cols, names = [], []
    for key in schema.finding_keys():
        if key in consts:
            col = _constant(str(consts[key]), n)
        else:
            col = tbl.column(key)
            if key == "row":
                col = col.cast(pa.int64())
        cols.append(col)
        names.append(key)
    meta = {META_KEY: json.dumps(schema.provenance(), ensure_ascii=False).encode("utf-8")}
    return pa.Table.from_arrays(cols, names=names).replace_schema_metadata(meta)


def table(result) -> pa.Table:
    from zyfw_checks.report.jsonl import consts_of

    f = result.findings.copy()
    f["row"] = f["row"].astype("int64")
    return with_schema(pa.Table.from_pandas(f, preserve_index=False), consts_of(result))


def write(result, path: Path) -> int:
    pq.write_table(table(result), path, compression="zstd")
    return len(result.findings)


def render(result, **_) -> bytes:
    sink = pa.BufferOutputStream()
    pq.write_table(table(result), sink, compression="zstd")
    return sink.getvalue().to_pybytes()
