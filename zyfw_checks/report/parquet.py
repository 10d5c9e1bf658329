"""Parquet view: the findings table as a Parquet file (columnar, for results of any size)."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

BINARY = True


def table(result) -> pa.Table:
    f = result.findings.copy()
    f["row"] = f["row"].astype("int64")
    return pa.Table.from_pandas(f, preserve_index=False)


def write(result, path: Path) -> int:
    pq.write_table(table(result), path, compression="zstd")
    return len(result.findings)


def render(result, **_) -> bytes:
    sink = pa.BufferOutputStream()
    pq.write_table(table(result), sink, compression="zstd")
    return sink.getvalue().to_pybytes()
