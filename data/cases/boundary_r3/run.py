"""Run the boundary cases (one YAML file per case in this folder) against the kit.

    PYTHONPATH=$PWD python data/cases/boundary_r3/run.py [--json OUT] [CASE_ID ...]

Each case's table is built as a DataFrame from ``rows``, read with ``load.load_frame`` and checked with
``engine.check_table`` (``related={"records": ...}`` from ``related_records``; ``options`` as given). Only
the findings and status of the case's own ``rule`` are judged.

expect keys (all given keys must hold):
- severity: S        at least one finding of exactly S on the rows in rows_flagged (Excel rows: header is
                     row 1, first data row is row 2); every listed row, or any one of them with
                     ``rows_match: any``; without rows_flagged, anywhere in the table
- none: true         the rule reports no finding
- not_passed: true   the rule's status in result.rule_status() is not 通过 (it could not check everything)
- not_severity: S    no finding of severity S on rows_flagged (or anywhere without rows_flagged)
- selected_rows: [r] (rule PLAN) staff.plan.make_plan on the orgs table selects every listed row
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd
import yaml

from zyfw_checks.engine import check_table
from zyfw_checks.load import load_frame

HERE = Path(__file__).parent
NOTICE = Path("/work/shared/notice-xiangminfa-2023-29.txt")
LAWS = Path(__file__).resolve().parents[3] / "zyfw_checks" / "params" / "laws.yaml"


def _truthy(v) -> bool:
    return str(v).strip().lower() in {"true", "yes", "1"}


def _frame(rows: list[dict]) -> pd.DataFrame:
    cols: list[str] = []
    for r in rows:
        cols += [k for k in r if k not in cols]
    return pd.DataFrame([[r.get(c, "") for c in cols] for r in rows], columns=cols, dtype=object)


def _law_texts() -> str:
    parts = []
    if LAWS.exists():
        data = yaml.safe_load(LAWS.read_text(encoding="utf-8"))
        parts += [a.get("text", "") for a in data.get("articles", {}).values()]
    if NOTICE.exists():
        parts.append(NOTICE.read_text(encoding="utf-8"))
    return "\n".join(parts)


def _options(raw: dict | None) -> dict:
    out = {}
    for k, v in (raw or {}).items():
        out[k] = _truthy(v) if str(v).lower() in {"true", "false"} else v
    return out


def run_case(case: dict) -> dict:
    rule, expect = case["rule"], case["expect"]
    table = load_frame(_frame(case["rows"]), kind=case["table"], name=case["id"])
    opts = _options(case.get("options"))
    res: dict = {"id": case["id"], "rule": rule, "hazard": case.get("hazard", ""), "expect": expect}
    if rule == "PLAN":
        from zyfw_checks.staff.plan import make_plan

        plan = make_plan(table, year=int(opts.get("year", 2025)), seed=int(opts.get("seed", 1)))
        got = set(pd.to_numeric(plan.selection["原表行号"], errors="coerce").dropna().astype(int))
        want = {int(r) for r in expect["selected_rows"]}
        res.update(status="", findings=[], missing_rows=sorted(want - got), held=want <= got)
        res["problems"] = [] if res["held"] else [f"未列入计划的行：{sorted(want - got)}"]
        return res
    related = None
    if case.get("related_records"):
        related = {"records": load_frame(_frame(case["related_records"]), kind="records", name="records")}
    result = check_table(table, related=related, options=opts, select=[rule])
    f = result.findings
    f = f[f["rule"] == rule] if len(f) else f
    status_row = result.rule_status()
    status_row = status_row[status_row["code"] == rule]
    status = str(status_row["status"].iloc[0]) if len(status_row) else "（规则不存在）"
    reason = str(status_row["reason"].iloc[0]) if len(status_row) else ""
    found = [{"row": int(r.row), "severity": r.severity, "message": str(r.message)[:120]} for r in f.itertuples()]
    rows = [int(r) for r in expect.get("rows_flagged", [])]
    any_row = str(expect.get("rows_match", "all")) == "any"
    problems = []
    if len(status_row) == 0:
        problems.append(f"没有规则 {rule}")
    if "severity" in expect:
        sev = expect["severity"]
        hit_rows = {x["row"] for x in found if x["severity"] == sev}
        if rows:
            ok = bool(hit_rows & set(rows)) if any_row else set(rows) <= hit_rows
        else:
            ok = bool(hit_rows)
        if not ok:
            problems.append(f"应在第{rows or '任一'}行报告{sev}，实际：{[(x['row'], x['severity']) for x in found] or '无'}")
    if _truthy(expect.get("none", False)) and found:
        problems.append(f"应无发现，实际：{[(x['row'], x['severity']) for x in found]}")
    if _truthy(expect.get("not_passed", False)) and status == "通过":
        problems.append("状态不应为通过")
    if "not_severity" in expect:
        sev = expect["not_severity"]
        bad = [x for x in found if x["severity"] == sev and (not rows or x["row"] in rows)]
        if bad:
            problems.append(f"不应报告{sev}：{[(x['row'], x['message'][:40]) for x in bad]}")
    res.update(status=status, reason=reason, findings=found, problems=problems, held=not problems)
    return res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("ids", nargs="*", help="only these case ids (prefix match)")
    ap.add_argument("--json", dest="json_out", help="write per-case results to this file")
    args = ap.parse_args(argv)
    laws = _law_texts()
    files = sorted(HERE.glob("*.yaml"))
    results = []
    for path in files:
        case = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)  # every scalar a string
        if args.ids and not any(case["id"].startswith(i) for i in args.ids):
            continue
        if laws and case["law"] not in laws:
            print(f"  ! {case['id']}: law sentence not found verbatim in laws.yaml / the notice")
        try:
            r = run_case(case)
        except Exception as e:  # a crash is a failed case, reported, not a traceback for the whole run
            r = {"id": case["id"], "rule": case["rule"], "held": False, "problems": [f"{type(e).__name__}: {e}"],
                 "status": "", "findings": []}
        results.append(r)
        mark = "held  " if r["held"] else "FAILED"
        line = f"{mark} {r['id']:<45} {r.get('status', '')}"
        if not r["held"]:
            line += "  — " + "；".join(r["problems"])
        print(line)
    held = sum(r["held"] for r in results)
    print(f"held {held} / {len(results)}")
    failed = [r["id"] for r in results if not r["held"]]
    if failed:
        print("failed: " + ", ".join(failed))
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
