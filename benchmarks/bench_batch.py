"""Benchmark of the out-of-core folder check (issue 11, part 4): a province's records in bounded memory.

    .venv/bin/python benchmarks/bench_batch.py make DIR [--files 20] [--rows 1000000]
    .venv/bin/python benchmarks/bench_batch.py run DIR OUT.parquet [--cap-gb 3] [--memory-mb 1024] [--part-rows 250000]
    .venv/bin/python benchmarks/bench_batch.py verify DIR OUT.parquet [--file 0]

``make`` writes ``--files`` Parquet exports of ``--rows`` findings-heavy records each (benchmarks/
make_heavy.py, one seed per file), one organisation per file with its own volunteers and record
numbers — so a file's findings do not depend on the other files. Nothing is committed.

``run`` checks the folder in a child process held to ``--cap-gb`` of address space
(``prlimit --as``; DuckDB's own ``memory_limit`` is ``--memory-mb``), and prints wall time and the
child's peak memory (VmHWM: resident; VmPeak: address space).

``verify`` checks one file in memory with ``check_table`` (no cap: the in-memory path needs more)
and compares its findings with that file's findings in the folder run's output, column by column.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def make(folder: Path, files: int, rows: int) -> None:
    from make_heavy import heavy

    folder.mkdir(parents=True, exist_ok=True)
    for k in range(files):
        path = folder / f"org{k:02d}.parquet"
        if path.exists():
            continue
        t0 = time.perf_counter()
        df = heavy(rows, seed=20231109 + k)
        tag = f"O{k:02d}-"
        df["志愿者编号"] = tag + df["志愿者编号"].astype(str)
        df["记录编号"] = tag + df["记录编号"].astype(str)
        df["活动编号"] = tag + df["活动编号"].astype(str)
        df["组织单位"] = f"湖南省第{k + 1}志愿服务协会"
        df.to_parquet(path, index=False)
        print(f"{path.name}：{len(df):,} 条（{time.perf_counter() - t0:.0f} 秒）", file=sys.stderr)


def _status() -> dict[str, int]:
    out = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        k, _, v = line.partition(":")
        if k in ("VmPeak", "VmHWM"):
            out[k] = int(v.split()[0]) * 1024
    return out


def child(folder: Path, out: Path, memory_mb: int, part_rows: int) -> None:
    from zyfw_checks.staff import batch

    t0 = time.perf_counter()
    r = batch.run_folder(folder, out, "parquet", batch.Options(memory_mb=memory_mb, part_rows=part_rows))
    wall = time.perf_counter() - t0
    st = _status()
    import resource

    ru = resource.getrusage(resource.RUSAGE_SELF)
    print(f"RESULT records={r.records} findings={r.findings} parts={r.parts} wall={wall:.1f} cpu={ru.ru_utime + ru.ru_stime:.0f} "
          f"vmhwm={st['VmHWM']} vmpeak={st['VmPeak']} "
          + " ".join(f"{k}={v:.1f}" for k, v in r.timings.items()))
    risk_out = out.with_name(out.stem + "_组织风险排序.xlsx")
    from zyfw_checks.staff import risk

    risk_out.write_bytes(risk.to_xlsx(r.risk))


def run(folder: Path, out: Path, cap_gb: float, memory_mb: int, part_rows: int) -> None:
    cap = int(cap_gb * 1024**3)
    env = {**os.environ, "MALLOC_ARENA_MAX": "2", "ARROW_DEFAULT_MEMORY_POOL": "system"}
    cmd = ["prlimit", f"--as={cap}", sys.executable, __file__, "_child", str(folder), str(out),
           "--memory-mb", str(memory_mb), "--part-rows", str(part_rows)]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    line = next((x for x in proc.stdout.splitlines() if x.startswith("RESULT")), "")
    if proc.returncode or not line:
        print(proc.stderr[-3000:], file=sys.stderr)
        raise SystemExit(f"失败（退出码 {proc.returncode}）")
    vals = dict(kv.split("=", 1) for kv in line.split()[1:])
    print(f"文件夹：{folder}（prlimit --as {cap_gb:g} GB；DuckDB memory_limit {memory_mb} MB；每份约 {part_rows:,} 条）")
    print(f"记录 {int(vals['records']):,} 条，问题 {int(vals['findings']):,} 个，分 {vals['parts']} 份")
    print(f"总用时 {wall:.0f} 秒，CPU 时间 {vals['cpu']} 秒（机器上同时运行的其他进程会拉长总用时）")
    print(f"各步骤：读取 {vals['读取']} 秒，重新分区 {vals['重新分区']} 秒，检查 {vals['检查']} 秒，写出 {vals['写出']} 秒")
    print(f"峰值内存：常驻 {int(vals['vmhwm']) / 1024**3:.2f} GB，地址空间 {int(vals['vmpeak']) / 1024**3:.2f} GB（上限 {cap_gb:g} GB）")


def verify(folder: Path, out: Path, k: int) -> None:
    import pyarrow.parquet as pq

    from zyfw_checks.engine import check_file
    from zyfw_checks.staff import batch

    files = batch.list_inputs(folder)
    path = files[k]
    name = path.relative_to(folder).as_posix()
    t0 = time.perf_counter()
    ref = check_file(path).findings
    print(f"内存中检查 {name}：{len(ref):,} 个问题（{time.perf_counter() - t0:.0f} 秒）")
    got = pq.read_table(out, filters=[("file", "=", name)]).to_pandas()
    cols = [c for c in batch.OUTPUT_COLUMNS if c != "file"]
    a = ref[cols].astype(str).reset_index(drop=True)
    b = got[cols].astype(str).reset_index(drop=True)
    same = len(a) == len(b) and a.equals(b)
    print(f"文件夹结果中 {name}：{len(b):,} 个问题；逐列逐行比较：{'完全一致' if same else '不一致'}")
    if not same:
        raise SystemExit(1)


def main(argv: list[str]) -> None:
    p = argparse.ArgumentParser()
    p.add_argument("step", choices=["make", "run", "verify", "_child"])
    p.add_argument("folder", type=Path)
    p.add_argument("out", type=Path, nargs="?")
    p.add_argument("--files", type=int, default=20)
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--cap-gb", type=float, default=3.0)
    p.add_argument("--memory-mb", type=int, default=1024)
    p.add_argument("--part-rows", type=int, default=250_000)
    p.add_argument("--file", type=int, default=0)
    a = p.parse_args(argv)
    if a.step == "make":
        make(a.folder, a.files, a.rows)
    elif a.step == "run":
        run(a.folder, a.out, a.cap_gb, a.memory_mb, a.part_rows)
    elif a.step == "verify":
        verify(a.folder, a.out, a.file)
    else:
        child(a.folder, a.out, a.memory_mb, a.part_rows)


if __name__ == "__main__":
    main(sys.argv[1:])
