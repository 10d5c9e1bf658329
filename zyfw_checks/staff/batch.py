"""Province scale, out of core: ``zyfw check FOLDER/`` over a folder of exports or a Parquet dataset.

Why partitioning by volunteer is exact
---------------------------------------
Every record rule looks either at one row (dates, hours, texts, platform, ID number) or at the
rows of one volunteer (overlaps and the daily cap of REC004, duplicates of DAT002). So the rows
can be split by a hash of the volunteer key — 志愿者编号, else 证件号码, else 姓名: the first of
these columns the data has, the same choice the rules make (``rules.common.volunteer_key``) —
and each part checked on its own by the in-memory engine (:func:`zyfw_checks.engine.check_table`).
A volunteer's rows all land in one part, in their original order, so the findings are exactly
those of checking everything at once; the tests compare the two.

The four steps
--------------
1. **读取** each file with the ordinary loader (headers, encodings, dates, rows set aside), one
   file at a time, and spill its canonical rows to Parquet in a work folder. Each row keeps its
   file and its Excel row number: inside the engine a row is known by a batch-wide number
   (the Excel row plus the file's offset; the first file's rows keep their own numbers).
2. **重新分区**: DuckDB reads each spilled file and writes its rows out again partitioned by
   ``hash(volunteer key) % P`` (``COPY … TO … (PARTITION_BY (_part))``), one statement per file,
   under a memory limit with a temp folder; P is chosen so a part has about ``part_rows`` rows.
3. **检查** each part with ``check_table``; its findings go back to (file, Excel row) and are
   spilled to Parquet by source file; per-organisation counts for the risk table are summed.
4. **写出**: DuckDB sorts each source file's findings by row and rule — the order of a
   single-file check — and they stream into one Parquet or JSON Lines file through the writers of
   a single-file check (``report.parquet``, ``report.jsonl``): one finding schema.

No step holds more than one file or one part in memory. DuckDB's ``memory_limit`` is lowered
to fit when the process's address space is capped (:func:`memory_budget_mb`). Each export is
read whole by the ordinary loader, so one file must fit in memory: an Excel sheet or Parquet
file holds at most 1,048,576 rows (the loader's limit); a larger CSV should be split first.

When one machine is outgrown
-----------------------------
Step 1 is per file, steps 2 and 4 are SQL over Parquet files and step 3 is a pure function of
one part (:func:`check_one`), so the run maps onto a cluster engine as it is.
:func:`zyfw_checks.staff.cluster.run_folder` (``zyfw check DIR --engine dask [--scheduler ADDRESS]``)
runs steps 2 and 3 on Dask: a shuffle on the part number, one task per part. With Spark the same plan is
``.repartition(P, "志愿者编号")`` then ``groupBy("_part").applyInPandas(...)`` with a wrapper that
calls :func:`check_one`; any hash works as long as one volunteer's rows get one part.
"""

from __future__ import annotations

import gc
import math
import re
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from zyfw_checks.engine import FINDING_COLUMNS, CheckResult, check_table
from zyfw_checks.errors import KitError
from zyfw_checks.load import CSV_EXT, EXCEL_EXT, PARQUET_EXT, ROW, LoadError, Table, load_table
from zyfw_checks.registry import PartialSkip
from zyfw_checks.rules import rules_for
from zyfw_checks.rules.common import VOLUNTEER_KEYS

FILE = "_file"  # index of the source file in the batch
SEQ = "_seq"  # position of the row in the batch (files in order, rows in file order)
PART = "_part"
OUTPUT_COLUMNS = ["file", *FINDING_COLUMNS]
BAD_COLUMNS = ["row", "field", "header", "value", "type", "hint"]
DEFAULT_PART_ROWS = 250_000  # rows per part: a part's check stays well under 1 GB
DEFAULT_MEMORY_MB = 1024  # DuckDB's memory_limit during the repartition and the final sort
_CROSS_REF = r"第(\d+)行"


class BatchError(KitError):
    """A folder that cannot be checked (the message says why, in Chinese)."""


def _duckdb():
    try:
        import duckdb
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise BatchError("检查文件夹需要 DuckDB：请运行 pip install 'zyfw_checks[batch]'（或 pip install duckdb）。") from exc
    return duckdb


def list_inputs(folder: Path) -> list[Path]:
    """The record files of a folder, in name order (sub-folders of a Parquet dataset included)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise BatchError(f"“{folder}”不是文件夹。")
    exts = EXCEL_EXT | CSV_EXT | PARQUET_EXT
    files = sorted(
        (p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in exts
         and not p.name.startswith(("~$", ".")) and not any(part.startswith(".") for part in p.relative_to(folder).parts)),
        key=lambda p: p.relative_to(folder).as_posix(),
    )
    if not files:
        raise BatchError(f"文件夹“{folder}”里没有 .xlsx、.xls、.csv 或 .parquet 记录文件。")
    return files


@dataclass
class Options:
    part_rows: int = DEFAULT_PART_ROWS
    memory_mb: int = DEFAULT_MEMORY_MB
    threads: int = 2
    mask: bool = True
    work_dir: Path | None = None  # default: a temporary folder beside the output, removed at the end
    keep_work: bool = False
    progress: bool = True


@dataclass
class BatchResult:
    folder: str
    files: pd.DataFrame  # one row per input file: 文件, 工作表, 记录数, 起始编号, 状态, 说明
    records: int
    findings: int
    status: pd.DataFrame  # rule_status() of the whole batch
    notes: list[str]
    by_severity: dict[str, int]
    risk: pd.DataFrame | None = None
    output: Path | None = None
    parts: int = 0
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def has_violation(self) -> bool:
        return self.by_severity.get("违规", 0) > 0


# ---------------------------------------------------------------- step 1: read each file


@dataclass
class _Ingest:
    names: list[str] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)
    offsets: list[int] = field(default_factory=list)
    mappings: list[dict] = field(default_factory=list)
    dtypes: dict = field(default_factory=dict)
    order: list[str] = field(default_factory=list)  # column order (first file first)
    present: list[set] = field(default_factory=list)
    rows: int = 0
    files: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _spill(df: pd.DataFrame, path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = df.copy(deep=False)
    for col in out.columns:
        if out[col].dtype == object:
            out[col] = out[col].astype("string[pyarrow]")
    pq.write_table(pa.Table.from_pandas(out, preserve_index=False), path, compression="zstd", row_group_size=128_000)


def ingest(files: list[Path], root: Path, work: Path, bar=None) -> _Ingest:
    """Load every file with the ordinary loader and spill its canonical rows (step 1)."""
    (work / "rows").mkdir(parents=True, exist_ok=True)
    (work / "bad").mkdir(parents=True, exist_ok=True)
    ing = _Ingest()
    offset = 0
    for path in files:
        name = path.relative_to(root).as_posix()
        if bar is not None:
            bar.set_postfix_str(name[-30:])
        try:
            t = load_table(path)
        except LoadError as exc:
            ing.files.append({"文件": name, "工作表": "", "记录数": 0, "状态": "无法读取", "说明": str(exc)})
            if bar is not None:
                bar.update(1)
            continue
        k = len(ing.names)
        df = t.df
        max_row = int(df[ROW].max()) if len(df) else 0
        df[ROW] = df[ROW].astype("int64") + offset
        df[FILE] = np.int32(k)
        df[SEQ] = np.arange(ing.rows, ing.rows + len(df), dtype="int64")
        for col in list(df.columns):
            if col in ing.dtypes and df[col].dtype != ing.dtypes[col]:  # same field, same type in every file
                try:
                    df[col] = df[col].astype(ing.dtypes[col])
                except (ValueError, TypeError):
                    ing.notes.append(f"“{name}”的“{t.mapping.get(col, col)}”列与前面文件的同一字段类型不同，"
                                     "这个文件的这一列未检查。")
                    df = df.drop(columns=col)
            if col not in ing.dtypes and col in df.columns:
                ing.dtypes[col] = df[col].dtype
                ing.order.append(col)
        _spill(df, work / "rows" / f"f{k:05d}.parquet")
        if len(t.bad_cells):
            bad = t.bad_cells.reindex(columns=BAD_COLUMNS).copy()
            bad["row"] = bad["row"].astype("int64") + offset
            for col in BAD_COLUMNS[1:]:
                bad[col] = bad[col].astype("string[pyarrow]")
            _spill(bad, work / "bad" / f"f{k:05d}.parquet")
        ing.names.append(name)
        ing.sheets.append(t.sheet or "")
        ing.offsets.append(offset)
        ing.mappings.append(dict(t.mapping))
        ing.present.append(set(df.columns))
        skipped = sum(t.skipped_counts().values())
        ing.files.append({"文件": name, "工作表": t.sheet or "", "记录数": len(df), "状态": "已读取",
                          "说明": "；".join(t.notes + ([f"另有 {skipped} 行按规定未作为记录检查（合计行、空行、未通过审核等）"]
                                                    if skipped else []))})
        ing.rows += len(df)
        offset += max_row
        del t, df
        gc.collect()
        if bar is not None:
            bar.update(1)
    return ing


def merged_mapping(mappings: list[dict]) -> tuple[dict, list[str]]:
    """One header per field for the messages: the files' own header when they agree, else the field name."""
    out: dict[str, str] = {}
    differ = []
    fields = {f for m in mappings for f in m}
    for f in sorted(fields):
        heads = {m[f] for m in mappings if f in m}
        if len(heads) == 1:
            out[f] = heads.pop()
        else:
            out[f] = f
            differ.append(f)
    return out, differ


def volunteer_column(columns) -> str | None:
    """The column the rules take as the volunteer (志愿者编号, else 证件号码, else 姓名)."""
    return next((c for c in VOLUNTEER_KEYS if c in columns), None)


# ---------------------------------------------------------------- step 2: repartition (DuckDB)


def memory_budget_mb(wanted: int) -> int:
    """DuckDB's memory_limit: ``wanted``, or less when the process's address space is capped
    (``ulimit -v`` / ``prlimit --as``) and what is left of it is smaller — half of what is left, so
    DuckDB spills to its temp folder instead of failing to allocate."""
    import resource

    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    if soft == resource.RLIM_INFINITY:
        return int(wanted)
    try:
        status = Path("/proc/self/status").read_text()
        used = int(re.search(r"VmSize:\s+(\d+) kB", status).group(1)) * 1024
    except (OSError, AttributeError):
        return int(wanted)
    return max(64, min(int(wanted), (soft - used) // (2 * 1024 * 1024)))


def _libc():
    import ctypes
    import ctypes.util

    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:  # pragma: no cover - not glibc
        return None


def release_memory(setup: bool = False) -> None:
    """Give freed memory back to the system between parts (glibc only; a no-op elsewhere).

    ``setup``: big arrays always get their own mapping (``M_MMAP_THRESHOLD`` fixed at 128 KiB, so
    glibc does not raise it and keep freed arrays in the heap); after each part, ``malloc_trim``."""
    libc = _libc()
    if libc is None or not hasattr(libc, "malloc_trim"):
        return
    if setup:
        libc.mallopt(-3, 128 * 1024)  # M_MMAP_THRESHOLD
    libc.malloc_trim(0)


def _connect(work: Path, opts: Options):
    duckdb = _duckdb()
    (work / "tmp").mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(config={
        "memory_limit": f"{memory_budget_mb(opts.memory_mb)}MB", "threads": int(opts.threads),
        "temp_directory": str(work / "tmp"), "preserve_insertion_order": False,
    })
    con.execute("SET enable_progress_bar = false")
    return con


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(path: Path) -> str:
    return "'" + path.as_posix().replace("'", "''") + "'"


def _part_expr(key: str | None, parts: int) -> str:
    """Part of a row: ``hash(volunteer) % P``; rows without a volunteer are spread by position
    (no per-volunteer rule reads them)."""
    if key is None:
        return f"{SEQ} % {parts}"
    return f"CASE WHEN {_q(key)} IS NULL THEN {SEQ} % {parts} ELSE hash({_q(key)}) % {parts} END"


def _copy_opts(tag: str) -> str:
    return (f"FORMAT parquet, PARTITION_BY ({PART}), COMPRESSION zstd, OVERWRITE_OR_IGNORE, "
            f"FILENAME_PATTERN '{tag}_{{i}}'")


def partition_sql(rows: Path, out: Path, key: str | None, parts: int, tag: str = "f00000") -> str:
    """The repartition statement (step 2) for one spilled file: its rows go to ``out/_part=N/``.

    One statement per file keeps DuckDB's buffers to one file's rows, whatever the total; the
    files' pieces of a part sit side by side (``FILENAME_PATTERN``)."""
    return (f"COPY (SELECT *, {_part_expr(key, parts)} AS {PART} FROM read_parquet({_lit(rows)})) "
            f"TO {_lit(out)} ({_copy_opts(tag)})")


def repartition(con, work: Path, key: str | None, parts: int, ing: _Ingest, bar=None) -> None:
    con.execute(f"SET partitioned_write_flush_threshold = {max(10_000, min(524_288, 2_000_000 // max(1, parts)))}")
    for k in range(len(ing.names)):
        tag = f"f{k:05d}"
        rows = work / "rows" / f"{tag}.parquet"
        fkey = key if key in ing.present[k] else None
        con.execute(partition_sql(rows, work / "parts", fkey, parts, tag))
        bad = work / "bad" / f"{tag}.parquet"
        if bad.exists():
            con.execute(
                f"COPY (SELECT b.*, {_part_expr(fkey, parts)} AS {PART} FROM read_parquet({_lit(bad)}) b "
                f"JOIN read_parquet({_lit(rows)}) r ON b.row = r.{ROW}) TO {_lit(work / 'badparts')} ({_copy_opts(tag)})")
        rows.unlink()
        if bar is not None:
            bar.update(1)


# ---------------------------------------------------------------- step 3: check each part


def _read_dir(path: Path) -> pd.DataFrame:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pieces = [pq.read_table(p) for p in sorted(path.glob("*.parquet"))]  # one piece per source file
    tbl = pa.concat_tables(pieces, promote_options="permissive") if len(pieces) > 1 else pieces[0]
    strings = {pa.string(): pd.StringDtype("pyarrow"), pa.large_string(): pd.StringDtype("pyarrow")}
    return tbl.to_pandas(types_mapper=strings.get)


def part_table(df: pd.DataFrame, ing: _Ingest, mapping: dict, bad: pd.DataFrame | None, source: str) -> Table:
    """A part's rows as the loader would have given them (original order, dtypes, bad cells)."""
    df = df.sort_values(SEQ, kind="stable").reset_index(drop=True)
    cols = [c for c in ing.order if c in df.columns]
    df = df[cols]
    for col in cols:
        if df[col].dtype != ing.dtypes[col]:
            df[col] = df[col].astype(ing.dtypes[col])
    t = Table(df=df, kind="records", source=source, mapping=mapping)
    if bad is not None and len(bad):
        b = bad.reindex(columns=BAD_COLUMNS).copy()
        b["row"] = b["row"].astype("int64")
        t.bad_cells = b
    return t


def check_part(table: Table, mask: bool = True) -> CheckResult:
    """Check one part (a function of its rows only: the unit of work on a cluster)."""
    keep = table.df[[FILE, SEQ]]
    table.df = table.df.drop(columns=[FILE, SEQ])
    result = check_table(table, mask=mask)
    table.df[FILE] = keep[FILE].to_numpy()
    return result


def locate(gid: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Batch-wide row numbers → (file index, Excel row in that file)."""
    k = np.searchsorted(offsets, gid, side="left") - 1
    return k, gid - offsets[k]


def translate_refs(message: pd.Series, own: np.ndarray, offsets: np.ndarray, names: list[str]) -> pd.Series:
    """“第N行” in a message names a batch-wide row: say the row of its own file (and the file, if another).

    Column-wise over the messages that hold such a reference: each pass rewrites the first
    remaining reference of every message (a message has one or two) and marks it as done."""
    import pyarrow as pa
    import pyarrow.compute as pc

    done = "\u0000"
    s = message.astype("string[pyarrow]")
    arr = pa.array(s.to_numpy(dtype=object, na_value=None), type=pa.string())
    has = np.asarray(pc.fill_null(pc.match_substring_regex(arr, _CROSS_REF), False).to_numpy(zero_copy_only=False))
    if not has.any():
        return s
    idx = np.flatnonzero(has)
    sub = pc.take(arr, pa.array(idx)).to_numpy(zero_copy_only=False).astype(object)
    own_sub = np.asarray(own)[idx]
    quoted = np.asarray(["“" + n + "”" for n in names], dtype=object)
    for _ in range(8):
        m = pc.extract_regex(pa.array(sub, type=pa.string()), r"(?s)^(?P<a>.*?)第(?P<n>\d+)行(?P<b>.*)$")
        valid = np.asarray(pc.is_valid(m).to_numpy(zero_copy_only=False), dtype=bool)
        if not valid.any():
            break
        v = np.flatnonzero(valid)
        mm = pc.take(m, pa.array(v))
        k, row = locate(np.asarray(pc.cast(mm.field("n"), pa.int64()).to_numpy(zero_copy_only=False)), offsets)
        where = np.where(k != own_sub[v], quoted[k], "").astype(object)
        new = pc.binary_join_element_wise(
            mm.field("a"), pa.array(where, type=pa.string()), "第", pa.array(row.astype(str).astype(object)),
            done + "行", mm.field("b"), "")
        sub[v] = new.to_numpy(zero_copy_only=False)
    fixed = pc.replace_substring(pa.array(sub, type=pa.string()), done, "")
    out = s.copy()
    out.iloc[idx] = pd.arrays.ArrowStringArray(fixed)
    return out


def to_files(findings: pd.DataFrame, ing: _Ingest) -> pd.DataFrame:
    """A part's findings with ``file`` and the row of that file (the engine saw batch-wide numbers)."""
    offsets = np.asarray(ing.offsets, dtype="int64")
    f = findings.copy()
    k, row = locate(f["row"].to_numpy(dtype="int64"), offsets)
    f["row"] = row
    f.insert(0, "file", pd.Categorical.from_codes(k.astype("int32"), categories=pd.Index(ing.names)))
    f["sheet"] = np.asarray(ing.sheets, dtype=object)[k]
    if len(ing.names) > 1 and len(f):
        f["message"] = translate_refs(f["message"], k, offsets, ing.names)
    f[FILE] = k.astype("int32")
    return f


def _spill_findings(f: pd.DataFrame, path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = pd.DataFrame({c: f[c] for c in [*OUTPUT_COLUMNS, FILE]})
    tbl = pa.Table.from_pandas(out, preserve_index=False)
    text = {c for c in OUTPUT_COLUMNS if c != "row"}  # categoricals and Arrow texts: plain strings in C++
    schema = pa.schema([pa.field(fd.name, pa.string() if fd.name in text else fd.type) for fd in tbl.schema])
    pq.write_table(tbl.cast(schema), path, compression="zstd")


_COUNT = r"(?<!\d)(\d+)(?=\s*条)"  # a count in a note: “123 条记录……”


def merge_partial(partials: list[PartialSkip]) -> list[PartialSkip]:
    """One partial skip per (rule, reason, wording): row counts summed, the count in the text updated."""
    groups: dict[tuple, list[PartialSkip]] = defaultdict(list)
    for p in partials:
        groups[(p.rule, str(p.reason), re.sub(r"\d+", "#", p.text))].append(p)
    out = []
    for ps in groups.values():
        first = ps[0]
        if len(ps) == 1 or first.rows is None:
            out.append(first)
            continue
        total = sum(p.rows or 0 for p in ps)
        text = re.sub(rf"(?<!\d){first.rows}(?=\s*[条行])", str(total), first.text, count=1)
        out.append(PartialSkip(first.rule, first.reason, text, total, None, all(p.full for p in ps)))
    return out


def merge_notes(notes: list[str]) -> list[str]:
    """Notes of the parts: the same note once; notes that differ only in their counts (“N 条”), summed."""
    groups: dict[str, list[str]] = {}
    for n in notes:
        groups.setdefault(re.sub(_COUNT, "#", n), []).append(n)
    out = []
    for template, items in groups.items():
        if len(items) == 1 or "#" not in template or re.sub(_COUNT, "#", items[0]) != template:
            out.append(items[0])
            continue
        counts = np.array([[int(x) for x in re.findall(_COUNT, s)] for s in items]).sum(axis=0)
        pieces = iter(counts.tolist())
        out.append(re.sub(_COUNT, lambda _m, it=pieces: str(next(it)), items[0]))
    return out


def batch_status(rules, counts: dict[str, int], skipped: list[dict], partial: list[PartialSkip],
                 records: int | None = None) -> pd.DataFrame:
    """rule_status() of the whole batch, computed by the engine's own method from the summed counts."""
    cats = [r.code for r in rules]
    codes = np.repeat(np.arange(len(cats), dtype="int16"), [int(counts.get(c, 0)) for c in cats])
    f = pd.DataFrame({"rule": pd.Categorical.from_codes(codes, categories=cats)})
    stub = CheckResult(table=Table(df=pd.DataFrame(), kind="records", source=""), findings=f, skipped=skipped,
                       rules=rules, notes=[], partial=partial, n_records=records)
    out = stub.rule_status()
    out["count"] = out["code"].map(lambda c: int(counts.get(c, 0))).astype("int64")
    return out


@dataclass
class PartJob:
    """What checking one part needs besides its rows (small and picklable: sent to cluster workers)."""

    ing: _Ingest
    mapping: dict
    source: str
    work: Path  # on a cluster: a folder every worker and the client can reach
    mask: bool = True


@dataclass
class PartOutcome:
    """A part's summable results (its findings are spilled to ``work/findings/``)."""

    counts: dict[str, int]
    severity: dict[str, int]
    partial: list
    notes: list[str]
    skipped: list[dict]
    aggregate: dict


def check_one(df: pd.DataFrame, bad: pd.DataFrame | None, job: PartJob, i: int) -> PartOutcome:
    """Step 3 for one part, wherever it runs: rebuild the table, check it, spill its findings by
    source file (``findings/fNNNNN/pIIIII.parquet``), return the counts."""
    from zyfw_checks.staff import risk

    ing = job.ing
    table = part_table(df, ing, job.mapping, bad, job.source)
    res = check_part(table, mask=job.mask)
    f = res.findings
    counts = {str(k): int(n) for k, n in f["rule"].value_counts().items()} if len(f) else {}
    sev = {str(k): int(n) for k, n in f["severity"].value_counts().items()} if len(f) else {}
    agg = risk.aggregate(table.df, f, file_label=np.asarray(ing.names, dtype=object)[table.df[FILE].to_numpy()])
    if len(f):
        located = to_files(f, ing)
        for k, piece in located.groupby(FILE, sort=False):  # spilled by source file for step 4
            (job.work / "findings" / f"f{k:05d}").mkdir(parents=True, exist_ok=True)
            _spill_findings(piece, job.work / "findings" / f"f{k:05d}" / f"p{i:05d}.parquet")
    return PartOutcome(counts, sev, list(res.partial), list(res.notes), list(res.skipped), agg)


# ---------------------------------------------------------------- step 4: sorted output


def _sorted_findings(con, work: Path, n_files: int, bar=None):
    """Each source file's findings (spilled per part under ``findings/fNNNNN/``) sorted by row and
    rule — the order of a single-file check — as Arrow tables, one file at a time."""
    import pyarrow as pa

    cols = ", ".join(_q(c) for c in OUTPUT_COLUMNS)
    for k in range(n_files):
        d = work / "findings" / f"f{k:05d}"
        if d.exists():
            sql = f"SELECT {cols} FROM read_parquet({_lit(d / '*.parquet')}) ORDER BY row, rule"
            for chunk in con.sql(sql).to_arrow_reader(50_000):
                yield pa.Table.from_batches([chunk])
            shutil.rmtree(d, ignore_errors=True)
            release_memory()
        if bar is not None:
            bar.update(1)


def write_findings(con, work: Path, out: Path, fmt: str, n_files: int, bar=None) -> None:
    """Step 4: the sorted findings of every file streamed into the one output, through the same
    writer as a single-file check (``report.parquet`` / ``report.jsonl``: one finding schema). A sort
    never holds more than one file's findings."""
    import pyarrow.parquet as pq

    from zyfw_checks.report import jsonl, parquet, schema

    consts = schema.provenance()
    target = out.with_name(out.name + ".part")
    writer = None
    try:
        with open(target, "wb") as fh:
            pieces = _sorted_findings(con, work, n_files, bar)
            if fmt == "parquet":
                for piece in pieces:
                    tbl = parquet.with_schema(piece, consts)
                    if writer is None:
                        writer = pq.ParquetWriter(fh, tbl.schema, compression="zstd")
                    writer.write_table(tbl)
                if writer is not None:
                    writer.close()
                    writer = None
            else:
                jsonl.stream(pieces, fh, consts)
    except BaseException:
        if writer is not None:
            try:
                writer.close()
            except (OSError, ValueError):
                pass
        target.unlink(missing_ok=True)
        raise
    target.replace(out)


def _empty_output(out: Path, fmt: str) -> None:
    if fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        from zyfw_checks.report import parquet, schema

        empty = pa.table({c: pa.array([], type=pa.int64() if c == "row" else pa.string()) for c in OUTPUT_COLUMNS})
        pq.write_table(parquet.with_schema(empty, schema.provenance()), out)
    else:
        out.write_text("", encoding="utf-8")


# ---------------------------------------------------------------- the whole run


def _bar(total: int, desc: str, unit: str, on: bool):
    if not on:
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit=unit, file=sys.stderr, dynamic_ncols=True)


def _say(msg: str, on: bool) -> None:
    if on:
        print(msg, file=sys.stderr)


def run_folder(folder, output: Path | None = None, fmt: str = "parquet", opts: Options | None = None,
               runner=None) -> BatchResult:
    """Check every record file of ``folder`` in bounded memory; findings go to ``output``.

    Steps 2 and 3 run here (DuckDB, then one part after another) unless ``runner`` is given:
    ``runner(work, key, parts, job) -> list[PartOutcome]`` does both elsewhere, from the rows step 1
    spilled under ``work/rows/`` (:func:`zyfw_checks.staff.cluster.run_folder` passes the Dask one).
    Returns the batch's per-rule status, counts, notes and the per-organisation aggregates.
    """
    import pyarrow as pa

    from zyfw_checks.staff import risk

    opts = opts or Options()
    folder = Path(folder)
    files = list_inputs(folder)
    if fmt not in ("parquet", "jsonl"):
        raise BatchError(f"检查文件夹时结果只能保存为 parquet 或 jsonl（大批量），不支持 {fmt}。")
    if output is not None:
        output = Path(output)
        if output.resolve().is_relative_to(folder.resolve()):
            raise BatchError(f"输出文件“{output}”在被检查的文件夹里；为保护原始数据，请保存到文件夹以外。")
        output.parent.mkdir(parents=True, exist_ok=True)
    pa.set_memory_pool(pa.system_memory_pool())  # returns freed memory at once: keeps the process small
    release_memory(setup=True)
    base = opts.work_dir or Path(tempfile.mkdtemp(prefix="zyfw_batch_", dir=(output.parent if output else None)))
    work = Path(base)
    if work.exists() and any(work.iterdir()) and opts.work_dir is not None:
        raise BatchError(f"工作文件夹“{work}”不是空的，请换一个（它会在结束时被删除）。")
    work.mkdir(parents=True, exist_ok=True)
    timings: dict[str, float] = {}
    try:
        t0 = time.perf_counter()
        bar = _bar(len(files), "读取文件", "个", opts.progress)
        ing = ingest(files, folder, work, bar)
        if bar is not None:
            bar.close()
        timings["读取"] = time.perf_counter() - t0
        if not ing.names:
            raise BatchError(f"文件夹“{folder}”里没有一个文件能读取：" + "；".join(f["说明"] for f in ing.files[:3]))
        columns = set().union(*ing.present)
        key = volunteer_column(columns)
        notes = list(ing.notes)
        lacking = [n for n, p in zip(ing.names, ing.present, strict=True) if key and key not in p]
        if lacking:
            notes.append(f"按“{key}”区分志愿者；{len(lacking)} 个文件没有这一列（如“{lacking[0]}”），这些记录不参加"
                         "同一志愿者的时间重叠、每日上限和重复记录检查。")
        mapping, differ = merged_mapping(ing.mappings)
        if differ:
            notes.append(f"各文件对{'、'.join(differ[:5])}等字段的表头写法不同，问题说明中统一用标准字段名称。")
        parts = max(1, math.ceil(ing.rows / max(1, opts.part_rows)))
        t0 = time.perf_counter()
        if runner is None:
            _say(f"重新分区：{ing.rows:,} 条记录按志愿者分成 {parts} 份（DuckDB，内存上限 {opts.memory_mb} MB）……",
                 opts.progress)
            con = _connect(work, opts)
            bar = _bar(len(ing.names), "重新分区", "个文件", opts.progress)
            repartition(con, work, key, parts, ing, bar)
            if bar is not None:
                bar.close()
            con.close()
            shutil.rmtree(work / "rows", ignore_errors=True)
            timings["重新分区"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        (work / "findings").mkdir()
        rules = rules_for("records")
        counts: dict[str, int] = defaultdict(int)
        sev: dict[str, int] = defaultdict(int)
        partial: list[PartialSkip] = []
        part_notes: list[str] = []
        skipped: list[dict] = []
        aggs = []
        job = PartJob(ing=ing, mapping=mapping, source=folder.name, work=work, mask=opts.mask)
        outcomes: list[PartOutcome] = []
        if runner is not None:
            outcomes = runner(work, key, parts, job)
            n_parts = parts
        else:
            part_dirs = sorted((work / "parts").glob(f"{PART}=*"), key=lambda p: int(p.name.split("=")[1]))
            n_parts = len(part_dirs)
            bar = _bar(len(part_dirs), "检查分区", "份", opts.progress)
            for i, pdir in enumerate(part_dirs):
                bdir = work / "badparts" / pdir.name
                bad = _read_dir(bdir).drop(columns=[PART], errors="ignore") if bdir.exists() else None
                outcomes.append(check_one(_read_dir(pdir), bad, job, i))
                gc.collect()
                release_memory()
                if bar is not None:
                    bar.update(1)
                    bar.set_postfix_str(f"问题 {sum(sum(o.counts.values()) for o in outcomes):,}")
            if bar is not None:
                bar.close()
        for o in outcomes:
            for code, n in o.counts.items():
                counts[code] += n
            for s_, n in o.severity.items():
                sev[s_] += n
            partial += o.partial
            part_notes += o.notes
            skipped = o.skipped
            aggs.append(o.aggregate)
        shutil.rmtree(work / "parts", ignore_errors=True)
        shutil.rmtree(work / "rows", ignore_errors=True)
        timings["检查"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        total = int(sum(counts.values()))
        if output is not None:
            _say(f"写出结果：{total:,} 个问题按文件、行号排序后保存到 {output} ……", opts.progress)
            if total:
                con = _connect(work, opts)
                bar = _bar(len(ing.names), "写出结果", "个文件", opts.progress)
                write_findings(con, work, output, fmt, len(ing.names), bar)
                if bar is not None:
                    bar.close()
                con.close()
            else:
                _empty_output(output, fmt)
        timings["写出"] = time.perf_counter() - t0
        status = batch_status(rules, counts, skipped, merge_partial(partial), records=ing.rows)
        risk_frame = risk.risk_table(risk.combine(aggs))
        return BatchResult(
            folder=str(folder), files=pd.DataFrame(ing.files), records=ing.rows, findings=total, status=status,
            notes=notes + merge_notes(part_notes), by_severity={s: int(sev.get(s, 0)) for s in ("违规", "存疑", "提示")},
            risk=risk_frame, output=output, parts=n_parts, timings=timings,
        )
    finally:
        if not opts.keep_work:
            shutil.rmtree(work, ignore_errors=True)
