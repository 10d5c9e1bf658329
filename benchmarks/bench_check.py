"""Benchmark: load + all record rules on N synthetic records (not a test; figures go in the README).

    .venv/bin/python benchmarks/bench_check.py 100000 1000000

The records have n/20 distinct activity texts (an organisation's real export repeats each
activity's wording across its participants). Each N runs in a fresh subprocess so the peak memory (ru_maxrss) is that run's alone. Reported:
reading the Parquet file with pandas alone (best of three warm reads), the kit's load (header mapping, parsing), the rules,
and the ratio rules / plain Parquet read.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def one(n: int, path: Path) -> dict:
    import pandas as pd

    from zyfw_checks.engine import check_table
    from zyfw_checks.load import load_table

    pd.read_parquet(path)  # warm-up: imports and the OS file cache, so the reads below compare like with like
    reads = []
    for _ in range(3):
        t0 = time.perf_counter()
        pd.read_parquet(path)
        reads.append(time.perf_counter() - t0)
    read_s = min(reads)
    t1 = time.perf_counter()
    table = load_table(path)
    t2 = time.perf_counter()
    res = check_table(table)
    t3 = time.perf_counter()
    return {
        "records": n,
        "parquet_read_s": round(read_s, 2),
        "load_s": round(t2 - t1, 2),
        "rules_s": round(t3 - t2, 2),
        "total_s": round(t3 - t1, 2),
        "rules_over_read": round((t3 - t2) / read_s, 2),
        "findings": int(len(res.findings)),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def main(argv: list[str]) -> None:
    if argv and argv[0] == "--child":
        print(json.dumps(one(int(argv[1]), Path(argv[2]))))
        return
    sizes = [int(a) for a in argv] or [100_000, 1_000_000]
    from zyfw_checks.samples import synthetic_records

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            path = Path(tmp) / f"records_{n}.parquet"
            t = time.perf_counter()
            synthetic_records(n, distinct_activities=max(10, n // 20)).to_parquet(path)
            print(f"生成 {n:,} 条记录：{time.perf_counter() - t:.1f} s", file=sys.stderr)
            out = subprocess.run([sys.executable, __file__, "--child", str(n), str(path)], capture_output=True,
                                 text=True, env=dict(os.environ), check=True)
            rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    print("| 记录数 | 读 Parquet (s) | 载入+解析 (s) | 全部规则 (s) | 载入+规则 (s) | 规则/读取 | 峰值内存 (MB) | 问题数 |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['records']:,} | {r['parquet_read_s']} | {r['load_s']} | {r['rules_s']} | {r['total_s']} | "
              f"{r['rules_over_read']} | {r['peak_rss_mb']:,} | {r['findings']} |")


if __name__ == "__main__":
    main(sys.argv[1:])
