"""Time from uploaded bytes to results in the self-check app, for 10k and 100k records.

    .venv/bin/python benchmarks/bench_app.py [N ...]

Generates compliant records with ``tools.samples.synthetic_records``, writes them as .xlsx in
memory, hands the bytes to the app exactly as an upload would (``SelfCheckApp.load_bytes``) and runs
the check. Reading, checking and the reports each run in a worker process as in the served app.
"到结果" is reading + checking + building the page (summary, chart, first page of the table); the
reports are built only when the user asks for them and are timed separately. Per step it prints where
the seconds go: the work in the worker, and the rest (fork, sending the answer back, unpickling it).
Target: under 10 s to results for 100k records.
"""

from __future__ import annotations

import io
import sys
import time
import warnings
from pathlib import Path

import pandas as pd

from zyfw_checks.app import SelfCheckApp, service


def xlsx_bytes(n: int) -> bytes:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the sample builders live in tools/
    from tools.samples import synthetic_records

    df = synthetic_records(n, distinct_activities=max(10, n // 20))  # as in bench_check.py
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="xlsxwriter", datetime_format="yyyy-mm-dd hh:mm") as xw:
        df.to_excel(xw, index=False, sheet_name="服务记录")
    return buf.getvalue()


def bench(n: int) -> dict:
    data = xlsx_bytes(n)
    app = SelfCheckApp()
    t0 = time.perf_counter()
    assert app.load_bytes(data, f"bench_{n}.xlsx"), app.status_text
    read = time.perf_counter() - t0
    read_job = dict(service.LAST)
    assert app.run(), app.status_text
    to_results = time.perf_counter() - t0
    check_job = dict(service.LAST)
    timings = dict(app.timings)
    out = {
        "记录数": n, "文件MB": round(len(data) / 1e6, 1), "读取s": round(read, 2),
        # of which: the reading itself in the worker, and sending the table back (its size, unpickling it)
        "其中读s": round(read_job.get("work_s", 0.0), 2), "回传MB": round(read_job.get("mb", 0.0), 1),
        "回传s": round(read_job.get("total_s", 0.0) - read_job.get("work_s", 0.0), 2),
        "其中解包s": round(read_job.get("unpickle_s", 0.0), 2),
        "检查s": round(to_results - read, 2), "其中检查s": round(check_job.get("work_s", 0.0), 2),
        "其中页面s": round(timings.get("show", 0.0), 2),
        "到结果s": round(to_results, 2), "问题数": len(app.result.findings),
    }
    if app.report_widget is not None:  # one report per click, as the page asks for them
        app.report_widget.send = lambda *_a, **_k: None  # no browser here: the bytes are not sent
        for fmt in ("xlsx", "html"):
            t1 = time.perf_counter()
            assert app.download_report(fmt), app.status_text
            out[f"{fmt}报告s"] = round(time.perf_counter() - t1, 2)
            out[f"{fmt}MB"] = round(len(app._report_cache[fmt]) / 1e6, 1)
    return out


def main(argv: list[str]) -> None:
    sizes = [int(a) for a in argv] or [10_000, 100_000]
    warnings.simplefilter("ignore")
    rows = [bench(n) for n in sizes]
    table = pd.DataFrame(rows)
    print(table.to_string(index=False))
    slow = table[(table["记录数"] >= 100_000) & (table["到结果s"] > 10)]
    if len(slow):
        print("超过 10 秒目标：", slow["记录数"].tolist())


if __name__ == "__main__":
    main(sys.argv[1:])
