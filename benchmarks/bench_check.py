"""Benchmark: the whole check of N records, end to end, beside a plain pyarrow read of the same file.

    .venv/bin/python benchmarks/bench_check.py                      # heavy CSV + Parquet, 100k and 1M; clean Parquet
    .venv/bin/python benchmarks/bench_check.py --sizes 100000 1000000 2000000 --cases heavy-csv

Cases:
  heavy-csv      the realistic worst case (benchmarks/make_heavy.py): a messy UTF-8 CSV, about 1.6
                 findings per record, 167 distinct activity texts, dates over 2023–2025
  heavy-gbk-csv  the same records as a GBK CSV (what Excel on Chinese Windows saves as “CSV”)
  heavy-parquet  the same records as Parquet
  clean-parquet  compliant records (few findings), as the earlier benchmark
Each (case, N) runs in a fresh subprocess, so peak memory (ru_maxrss) is that run's alone. Measured
in the same process: the pyarrow read of the same file (the yardstick: read once to put the file in
the page cache, then the median of three reads), then load, all record rules, and writing every
finding as JSON Lines (or Parquet, with --write parquet); the ratio is (load + rules + write) / pyarrow read.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def child(path: Path, out: Path) -> dict:
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    from zyfw_checks.engine import check_table
    from zyfw_checks.load import load_table
    from zyfw_checks.report import writer

    def read():
        t0 = time.perf_counter()
        if path.suffix == ".parquet":
            pq.read_table(path)
        else:  # a GBK file is read by pyarrow's own transcoding
            enc = "gb18030" if "gbk" in path.name else "utf8"
            pacsv.read_csv(path, read_options=pacsv.ReadOptions(encoding=enc))
        return time.perf_counter() - t0

    read()  # the file in the page cache, as it is for the check below
    read_s = statistics.median(read() for _ in range(3))
    t1 = time.perf_counter()
    table = load_table(path)
    t2 = time.perf_counter()
    res = check_table(table)
    t3 = time.perf_counter()
    writer(out.suffix.lstrip(".")).write(res, out)
    t4 = time.perf_counter()
    return {
        "records": len(table.df), "read_s": read_s, "load_s": t2 - t1, "rules_s": t3 - t2, "write_s": t4 - t3,
        "total_s": t4 - t1, "ratio": (t4 - t1) / read_s, "findings": int(len(res.findings)),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def make(case: str, n: int, folder: Path) -> Path:
    suffix = ".csv" if case.endswith("csv") else ".parquet"
    path = folder / f"{case}_{n}{suffix}"
    if case.startswith("heavy"):
        extra = ["--encoding", "gbk"] if "gbk" in case else []
        subprocess.run([sys.executable, str(HERE / "make_heavy.py"), str(n), str(path), *extra], check=True)
    else:
        sys.path.insert(0, str(HERE.parent))
        from tools.samples import synthetic_records

        synthetic_records(n, distinct_activities=max(10, n // 20)).to_parquet(path)
    return path


def main(argv: list[str]) -> None:
    if argv and argv[0] == "--child":
        print(json.dumps(child(Path(argv[1]), Path(argv[2]))))
        return
    ap = argparse.ArgumentParser(description="全流程基准：载入 + 全部记录规则 + 写出全部问题，对照同一文件的 pyarrow 读取")
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--cases", nargs="+", default=["heavy-csv", "heavy-parquet", "clean-parquet"])
    ap.add_argument("--write", choices=["jsonl", "parquet"], default="jsonl", help="写出全部问题的格式")
    args = ap.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for case in args.cases:
            for n in args.sizes:
                path = make(case, n, Path(tmp))
                out = subprocess.run([sys.executable, __file__, "--child", str(path), str(Path(tmp) / f"f.{args.write}")],
                                     capture_output=True, text=True, env=dict(os.environ), check=True)
                r = json.loads(out.stdout.strip().splitlines()[-1])
                r.update(case=case, size_mb=path.stat().st_size / 1e6)
                rows.append(r)
                print(json.dumps(r, ensure_ascii=False), file=sys.stderr)
                path.unlink()
    print("| 数据 | 记录数 | 文件 | pyarrow 读取 | 载入+解析 | 全部规则 | 写出问题 | 合计 | 合计/读取 | 问题数 | 峰值内存 |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['case']} | {r['records']:,} | {r['size_mb']:.0f} MB | {r['read_s']:.2f} s | {r['load_s']:.2f} s | "
              f"{r['rules_s']:.2f} s | {r['write_s']:.2f} s | **{r['total_s']:.2f} s** | {r['ratio']:.1f} 倍 | "
              f"{r['findings']:,} | {r['peak_mb']:,.0f} MB |")


if __name__ == "__main__":
    main(sys.argv[1:])
