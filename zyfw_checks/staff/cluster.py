"""Steps 2 and 3 of the folder check on a Dask cluster (``zyfw check DIR --engine dask``).

The plan is the one :mod:`zyfw_checks.staff.batch` runs on one machine, on a distributed engine:

* **重新分区** — the rows step 1 spilled (``work/rows/*.parquet``) are read as a Dask DataFrame,
  each row gets its part, ``hash(volunteer key) % P`` (rows without a volunteer: by position), and
  ``DataFrame.shuffle(on="_part")`` moves every part's rows to one partition: all the rows of one
  volunteer meet, wherever they came from.
* **检查** — each partition is one task, :func:`zyfw_checks.staff.batch.check_one`: the same
  in-memory engine over the same rules, its findings spilled under ``work/findings/``; the task
  returns only counts, notes and per-organisation aggregates, so nothing large travels back.

Steps 1 and 4 stay on the client (reading each export with the ordinary loader; the sorted
output through the writers of a single-file check). On a real cluster ``work`` must be a folder
every worker can read and write (NFS, a mounted bucket): give it with ``--work-dir``. Without a
scheduler address a local cluster of two worker processes is started for the run.

Installed with the ``cluster`` extra (``pip install 'zyfw_checks[cluster]'``: dask[dataframe] and
distributed).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

from zyfw_checks.load import ROW
from zyfw_checks.staff import batch
from zyfw_checks.staff.batch import BAD_COLUMNS, PART, SEQ, BatchError, PartJob, PartOutcome, check_one

LOCAL_WORKERS = 2


def _dask():
    try:
        import dask
        import dask.dataframe as dd
        import distributed
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise BatchError("用 Dask 检查需要安装：pip install 'zyfw_checks[cluster]'（dask[dataframe] 和 distributed）。") from exc
    return dask, dd, distributed


def part_of(df: pd.DataFrame, key: str | None, parts: int) -> pd.Series:
    """Each row's part: a stable hash of the volunteer (the same on every worker), else by position."""
    seq = df[SEQ].to_numpy(dtype="int64") % parts
    if key is None or key not in df.columns:
        return pd.Series(seq, index=df.index, dtype="int64")
    k = df[key]
    h = (pd.util.hash_pandas_object(k.astype("string"), index=False).to_numpy() % np.uint64(parts)).astype("int64")
    return pd.Series(np.where(k.isna().to_numpy(), seq, h), index=df.index, dtype="int64")


def _bad_cells(work: Path) -> pd.DataFrame | None:
    import pyarrow.parquet as pq

    files = sorted((work / "bad").glob("*.parquet"))
    if not files:
        return None
    return pd.concat([pq.read_table(p).to_pandas() for p in files], ignore_index=True).reindex(columns=BAD_COLUMNS)


def _task(df: pd.DataFrame, job: PartJob, i: int) -> PartOutcome | None:
    df = df.drop(columns=[PART], errors="ignore")
    if not len(df):
        return None
    bad = _bad_cells(job.work)  # a few cells per file: each task keeps those of its own rows
    if bad is not None:
        bad = bad[bad["row"].isin(df[ROW])]
    return check_one(df.reset_index(drop=True), bad, job, i)


def run_folder(folder, output: Path | None = None, fmt: str = "parquet", opts: batch.Options | None = None,
               scheduler: str | None = None) -> batch.BatchResult:
    """:func:`zyfw_checks.staff.batch.run_folder` with steps 2 and 3 on Dask (at ``scheduler``, or a
    local cluster of two worker processes when it is None)."""
    opts = opts or batch.Options()
    _dask()  # a clear message before any work when the extra is not installed

    def runner(work, key, parts, job):
        return check_parts(work, key, parts, job, scheduler=scheduler, progress=opts.progress)

    return batch.run_folder(folder, output, fmt, opts, runner=runner)


def check_parts(work: Path, key: str | None, parts: int, job: PartJob, scheduler: str | None = None,
                progress: bool = True) -> list[PartOutcome]:
    """Shuffle the spilled rows by part and check each partition on the cluster."""
    dask, dd, distributed = _dask()
    rows = sorted((work / "rows").glob("*.parquet"))
    if not rows:
        return []
    if scheduler:
        client = distributed.Client(scheduler)
        cluster = None
    else:
        cluster = distributed.LocalCluster(n_workers=LOCAL_WORKERS, threads_per_worker=1, processes=True,
                                           dashboard_address=None, silence_logs=40)
        client = distributed.Client(cluster)
    try:
        if progress:
            where = scheduler or f"本机 {LOCAL_WORKERS} 个 worker"
            print(f"Dask（{where}）：{job.ing.rows:,} 条记录按志愿者分成 {parts} 份，每份一个任务……", file=sys.stderr)
        ddf = dd.read_parquet([str(p) for p in rows])  # dtypes as spilled; part_table restores the loader's
        ddf = ddf.assign(**{PART: ddf.map_partitions(part_of, key, parts, meta=(PART, "int64"))})
        shuffled = ddf.shuffle(on=PART, npartitions=parts)
        tasks = [dask.delayed(_task)(piece, job, i) for i, piece in enumerate(shuffled.to_delayed())]
        futures = client.compute(tasks)
        if progress:
            distributed.progress(futures, notebook=False)
            print(file=sys.stderr)
        return [o for o in client.gather(futures) if o is not None]
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
