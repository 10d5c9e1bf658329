"""Time from uploaded bytes to results in the self-check app, for 10k and 100k records.

    .venv/bin/python benchmarks/bench_app.py [N ...]

Generates compliant records with ``zyfw_checks.samples.synthetic_records``, writes them as .xlsx in
memory, hands the bytes to the app exactly as an upload would (``SelfCheckApp.load_bytes``) and runs
the check. "到结果" is reading + checking + building the page (summary, chart, first page of the
table); the reports are timed separately (for files above 20,000 records the app builds them only
when asked). Target: under 10 s to results for 100k records.
"""

from __future__ import annotations

import io
import sys
import time
import warnings

import pandas as pd

from zyfw_checks.app import SelfCheckApp
from zyfw_checks.samples import synthetic_records


def xlsx_bytes(n: int) -> bytes:
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
    assert app.run(), app.status_text
    total = time.perf_counter() - t0
    reports = app.timings.get("reports")
    if reports is None:  # large files: reports on request
        t1 = time.perf_counter()
        app.build_downloads()
        reports = time.perf_counter() - t1
        to_results = total
    else:
        to_results = total - reports
    return {
        "记录数": n, "文件MB": round(len(data) / 1e6, 1), "读取s": round(app.timings["load"], 2),
        "检查s": round(app.timings["check"], 2), "到结果s": round(to_results, 2), "报告s": round(reports, 2),
        "问题数": len(app.result.findings),
    }


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
