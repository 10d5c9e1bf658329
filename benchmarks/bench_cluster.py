"""The folder check on one machine (DuckDB) and on Dask (a local cluster of two worker processes),
on the same folder of findings-heavy exports; time and peak memory of the whole process tree.

    .venv/bin/python benchmarks/bench_cluster.py --files 4 --rows 250000 --part-rows 100000

Prints one line per engine: records, parts, seconds per step, records per second, peak resident
memory of the client and of the largest worker (sampled every 0.2 s with psutil).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent


def _sample(stop: threading.Event, peaks: dict) -> None:
    me = psutil.Process()
    while not stop.is_set():
        try:
            peaks["client"] = max(peaks.get("client", 0), me.memory_info().rss)
            for child in me.children(recursive=True):
                try:
                    peaks["worker"] = max(peaks.get("worker", 0), child.memory_info().rss)
                except psutil.Error:
                    pass
        except psutil.Error:
            pass
        time.sleep(0.2)


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=4)
    ap.add_argument("--rows", type=int, default=250_000, help="每个文件的记录数")
    ap.add_argument("--part-rows", type=int, default=100_000)
    ap.add_argument("--engines", nargs="+", default=["duckdb", "dask"])
    args = ap.parse_args(argv)
    sys.path.insert(0, str(HERE.parent))
    from zyfw_checks.staff import batch, cluster

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        sys.path.insert(0, str(HERE))
        from make_heavy import heavy

        for i in range(args.files):  # a seed per file: different records, volunteer numbers shared
            df = heavy(args.rows, seed=20231109 + i)
            df["记录编号"] = f"F{i:02d}" + df["记录编号"].astype(str)
            df.to_parquet(folder / f"org{i:02d}.parquet", index=False)
        for engine in args.engines:
            peaks: dict = {}
            stop = threading.Event()
            t = threading.Thread(target=_sample, args=(stop, peaks), daemon=True)
            t.start()
            t0 = time.perf_counter()
            run = cluster.run_folder if engine == "dask" else batch.run_folder
            r = run(folder, Path(tmp) / f"out_{engine}.parquet", "parquet",
                    batch.Options(part_rows=args.part_rows, progress=False))
            total = time.perf_counter() - t0
            stop.set()
            t.join()
            print(json.dumps({
                "engine": engine, "records": r.records, "parts": r.parts, "findings": r.findings,
                "seconds": round(total, 1), "steps": {k: round(v, 1) for k, v in r.timings.items()},
                "records_per_s": round(r.records / total), "client_peak_mb": round(peaks.get("client", 0) / 2**20),
                "worker_peak_mb": round(peaks.get("worker", 0) / 2**20),
            }, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1:])
