"""Run the boundary_r4 cases against the kit and print held / FAILED per case.

    PYTHONPATH=$PWD python data/cases/boundary_r4/run.py [--json OUT]
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

import pandas as pd
import yaml

from zyfw_checks.engine import check_table
from zyfw_checks.load import load_frame

HERE = Path(__file__).parent


def _cell(v):
    if isinstance(v, (dt.datetime, dt.date)):
        return v.isoformat(sep=" ") if isinstance(v, dt.datetime) else v.isoformat()
    return v


def frame(rows: list[dict]) -> pd.DataFrame:
    cols: list[str] = []
    for r in rows:
        cols += [k for k in r if k not in cols]
    return pd.DataFrame([{k: _cell(r.get(k, "")) for k in cols} for r in rows], columns=cols, dtype=object)


def judge(case: dict, result) -> tuple[bool, str]:
    f = result.findings
    f = f[f["rule"] == case["rule"]] if len(f) else f
    st = result.rule_status()
    st = st[st["code"] == case["rule"]]
    status = st["status"].iloc[0] if len(st) else "（无状态）"
    got = "; ".join(f"row {r} {s}" for r, s in zip(f["row"], f["severity"], strict=True)) or "无发现"
    got = f"{got}; status={status}"
    e = case["expect"]
    if "severity" in e:
        miss = [r for r in e["rows_flagged"] if not ((f["row"] == r) & (f["severity"] == e["severity"])).any()]
        return (not miss, f"expected {e['severity']} on rows {e['rows_flagged']}, got {got}")
    if "not_severity" in e:
        bad = [r for r in e["rows"] if ((f["row"] == r) & (f["severity"] == e["not_severity"])).any()]
        return (not bad, f"expected no {e['not_severity']} on rows {e['rows']}, got {got}")
    if e.get("none"):
        return (len(f) == 0, f"expected no finding, got {got}")
    if e.get("not_passed"):
        return (status != "通过", f"expected status not 通过, got {got}")
    raise ValueError(f"{case['id']}: unknown expect {e}")


def run_case(case: dict) -> dict:
    try:
        table = load_frame(frame(case["rows"]), kind=case["table"])
        related = None
        if case.get("related_records"):
            related = {"records": load_frame(frame(case["related_records"]), kind="records")}
        result = check_table(table, select=[case["rule"]], related=related, options=case.get("options"))
        held, reason = judge(case, result)
    except Exception as exc:  # a crash is a failed case, reported with its message
        held, reason = False, f"error: {type(exc).__name__}: {exc}"
    return {"id": case["id"], "rule": case["rule"], "held": held, "reason": reason, "why": case["why"]}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", dest="out")
    args = ap.parse_args(argv)
    cases = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(HERE.glob("R4-*.yaml"), key=lambda p: int(p.stem.split("-")[1]))]
    results = [run_case(c) for c in cases]
    for r in results:
        print(f"{r['id']} {r['rule']} {'held' if r['held'] else 'FAILED'}: {r['reason']}")
    n = sum(r["held"] for r in results)
    print(f"held {n} / {len(results)}")
    failed = [r["id"] for r in results if not r["held"]]
    if failed:
        print("failed:", " ".join(failed))
    if args.out:
        Path(args.out).write_text(json.dumps({"held": n, "total": len(results), "cases": results},
                                             ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
