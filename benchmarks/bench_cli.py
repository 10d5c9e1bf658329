"""Whole-process benchmark: what a user waits for, from the shell.

    .venv/bin/python benchmarks/bench_cli.py                                  # 1M heavy: jsonl, parquet, json; 150k: xlsx
    .venv/bin/python benchmarks/bench_cli.py --sizes 100000 --formats jsonl --repeat 3

Each measurement is a fresh process: ``zyfw check FILE --format F -o OUT`` (``python -m
zyfw_checks.cli``) against ``pandas.read_csv(FILE, dtype=str, engine="pyarrow")`` on the same
findings-heavy CSV (``benchmarks/make_heavy.py``), alternating (read, check F1, read, check F2, …),
``--repeat`` rounds; the figures are medians, and the ratio is median check / median read.
Startup and imports count on both sides. Peak memory is the process's maximum resident set
(``/usr/bin/time -f %M``, else ``ru_maxrss`` of the child). Also measured once per run: the
startup of an empty interpreter, of ``import pandas`` and of the kit's imports for a check, so a
gap between this and the in-process benchmark (``bench_check.py``) can be told apart.
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
ROOT = HERE.parent
READ = "import pandas as pd, sys; pd.read_csv(sys.argv[1], dtype=str, engine='pyarrow')"
IMPORTS = {
    "python": "pass",
    "pandas": "import pandas",
    "zyfw check 的导入": "import zyfw_checks.cli, zyfw_checks.engine, zyfw_checks.load, zyfw_checks.report.jsonl",
}


def _env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def timed(cmd: list[str]) -> tuple[float, float, float]:
    """(seconds, peak MB, CPU seconds: user + system) of one fresh process."""
    gnu_time = Path("/usr/bin/time")
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        full = [str(gnu_time), "-f", "%M %U %S", "-o", tf.name, *cmd] if gnu_time.exists() else cmd
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        proc = subprocess.run(full, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=_env(), cwd=ROOT)
        seconds = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        peak = after.ru_maxrss / 1024
        if gnu_time.exists():
            fields = Path(tf.name).read_text().split()[-3:]
            try:
                peak = int(fields[0]) / 1024
                cpu = float(fields[1]) + float(fields[2])
            except (IndexError, ValueError):
                pass
    if proc.returncode not in (0, 1):  # 1: the file has 违规, as the heavy file does
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr.decode()[-2000:]}")
    return seconds, peak, cpu


def make(n: int, folder: Path) -> Path:
    path = folder / f"heavy_{n}.csv"
    if not path.exists():
        subprocess.run([sys.executable, str(HERE / "make_heavy.py"), str(n), str(path)], check=True, env=_env())
    return path


def run(n: int, formats: list[str], repeat: int, folder: Path) -> list[dict]:
    path = make(n, folder)
    reads: list[tuple[float, float, float]] = []
    checks: dict[str, list[tuple[float, float, float]]] = {f: [] for f in formats}
    sizes: dict[str, float] = {}
    timed([sys.executable, "-c", READ, str(path)])  # the file in the page cache for both sides
    for _ in range(repeat):
        for fmt in formats:
            reads.append(timed([sys.executable, "-c", READ, str(path)]))
            out = folder / f"out.{fmt}"
            checks[fmt].append(timed([sys.executable, "-m", "zyfw_checks.cli", "check", str(path), "--format", fmt,
                                      "-o", str(out)]))
            sizes[fmt] = out.stat().st_size / 1e6
            out.unlink()
            print(json.dumps({"records": n, "format": fmt, "check_s": round(checks[fmt][-1][0], 2),
                              "read_s": round(reads[-1][0], 2)}), file=sys.stderr)
    read_s = statistics.median(r[0] for r in reads)
    read_cpu = statistics.median(r[2] for r in reads)
    rows = []
    for fmt in formats:
        check_s = statistics.median(c[0] for c in checks[fmt])
        check_cpu = statistics.median(c[2] for c in checks[fmt])
        rows.append({"records": n, "file_mb": path.stat().st_size / 1e6, "format": fmt, "check_s": check_s,
                     "read_s": read_s, "ratio": check_s / read_s, "check_cpu_s": check_cpu, "read_cpu_s": read_cpu,
                     "cpu_ratio": check_cpu / read_cpu, "load": os.getloadavg()[0],
                     "check_peak_mb": max(c[1] for c in checks[fmt]),
                     "read_peak_mb": max(r[1] for r in reads), "out_mb": sizes[fmt], "runs": len(checks[fmt])})
    return rows


def startup(repeat: int) -> dict[str, float]:
    return {name: statistics.median(timed([sys.executable, "-c", code])[0] for _ in range(repeat))
            for name, code in IMPORTS.items()}


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(description="整个进程的基准：zyfw check 对照 pandas.read_csv（pyarrow），交替运行，取中位数")
    ap.add_argument("--sizes", type=int, nargs="+", default=[1_000_000])
    ap.add_argument("--formats", nargs="+", default=["jsonl", "parquet", "json"])
    ap.add_argument("--xlsx-size", type=int, default=150_000, help="xlsx 单独在这个记录数上测（0：不测）")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--work", type=Path, default=None, help="放测试文件的文件夹（默认临时文件夹）")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.work or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        boot = startup(args.repeat)
        rows = []
        for n in args.sizes:
            rows += run(n, args.formats, args.repeat, folder)
        if args.xlsx_size:
            rows += run(args.xlsx_size, ["xlsx", "html"], args.repeat, folder)
    print("| 格式 | 记录数 | 文件 | zyfw check | pandas 读取 | 倍数 | CPU 时间（检查 / 读取） | CPU 倍数 | 峰值内存（检查 / 读取） | 输出 |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['format']} | {r['records']:,} | {r['file_mb']:.0f} MB | **{r['check_s']:.1f} s** | "
              f"{r['read_s']:.2f} s | **{r['ratio']:.1f} 倍** | {r['check_cpu_s']:.1f} / {r['read_cpu_s']:.2f} s | "
              f"{r['cpu_ratio']:.1f} 倍 | {r['check_peak_mb']:,.0f} / {r['read_peak_mb']:,.0f} MB | {r['out_mb']:.1f} MB |")
    print()
    print("启动（空进程，中位数）：" + "　".join(f"{k} {v:.2f} s" for k, v in boot.items()))
    print(json.dumps({"rows": rows, "startup": boot}, ensure_ascii=False), file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
