"""Engine: run the registry over a table → one findings table + the rules not assessed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from zyfw_checks import masking
from zyfw_checks.load import ROW, Table, load_table
from zyfw_checks.params import load_params
from zyfw_checks.registry import SEVERITIES, Rule, rules_for
from zyfw_checks.workdays import WorkdayCalendar, calendar

FINDING_COLUMNS = ["rule", "severity", "row", "record_id", "message", "evidence", "clause", "title", "sheet"]


@dataclass
class Context:
    """What a rule may use besides the table: settings, parameters, the working-day calendar."""

    table: Table
    mask: bool = True
    notes: list[str] = field(default_factory=list)  # what a rule wants said (e.g. uncovered years)
    related: dict[str, Table] = field(default_factory=dict)  # other tables, e.g. records for certificates

    @property
    def workdays(self) -> WorkdayCalendar:
        return calendar()

    def params(self, name: str):
        return load_params(name)

    def show_id(self, s: pd.Series) -> pd.Series:
        return masking.mask_id(s) if self.mask else s.astype("string[pyarrow]")

    def show_phone(self, s: pd.Series) -> pd.Series:
        return masking.mask_phone(s) if self.mask else s.astype("string[pyarrow]")


@dataclass
class CheckResult:
    table: Table
    findings: pd.DataFrame
    not_assessed: list[dict]  # {"rule", "title", "reason", "missing"}
    rules: list[Rule]
    notes: list[str]

    @property
    def records(self) -> int:
        return len(self.table.df)

    def summary(self) -> dict:
        f = self.findings
        by_rule = (
            f.groupby(["rule", "title", "severity"], sort=True).size().reset_index(name="count")
            if len(f) else pd.DataFrame(columns=["rule", "title", "severity", "count"])
        )
        flagged = f["row"].nunique() if len(f) else 0
        return {
            "source": self.table.source,
            "records": self.records,
            "findings": int(len(f)),
            "records_with_findings": int(flagged),
            "clean_share": round(1 - flagged / self.records, 4) if self.records else None,
            "by_severity": {s: int((f["severity"] == s).sum()) for s in SEVERITIES},
            "by_rule": [
                {"rule": r.rule, "title": r.title, "severity": r.severity, "count": int(r.count)}
                for r in by_rule.itertuples()
            ],
            "rules_run": [r.code for r in self.rules if r.code not in {n["rule"] for n in self.not_assessed}],
            "not_assessed": len(self.not_assessed),
        }

    @property
    def has_violation(self) -> bool:
        return bool((self.findings["severity"] == "违规").any())


def record_ids(df: pd.DataFrame) -> pd.Series:
    for col in ("记录编号", "证明编号", "统一社会信用代码", "站点编号", "名称"):
        if col in df.columns:
            return df[col].astype("string[pyarrow]")
    return pd.Series(pd.NA, index=df.index, dtype="string[pyarrow]")


def _frame(rule: Rule, hits: pd.DataFrame, table: Table, ids: pd.Series) -> pd.DataFrame:
    df = table.df
    out = pd.DataFrame({
        "rule": rule.code,
        "severity": hits["severity"].fillna(rule.severity) if "severity" in hits else rule.severity,
        "row": df.loc[hits.index, ROW].astype("int64").to_numpy(),
        "record_id": ids.loc[hits.index].to_numpy(),
        "message": hits["message"].astype("string[pyarrow]").to_numpy(),
        "evidence": hits["evidence"].astype("string[pyarrow]").to_numpy(),
        "clause": rule.clause.cite(),
        "title": rule.title,
        "sheet": table.sheet or "",
    })
    return out


def check_table(
    table: Table,
    mask: bool = True,
    select: list[str] | None = None,
    progress: Callable[[int, int, str], None] | None = None,
    related: dict[str, Table] | None = None,
) -> CheckResult:
    """Run every rule of the table's kind (or ``select``ed codes) and collect all findings.

    ``related`` passes other tables a rule may need (``{"records": table}`` for certificates);
    a rule that needs a related table that was not given is reported as 未评估 by the rule itself.
    """
    ctx = Context(table=table, mask=mask, related=related or {})
    rules = [r for r in rules_for(table.kind) if not select or r.code in select or r.code[:3] in select]
    parts, not_assessed = [], []
    ids = record_ids(table.df)
    for i, r in enumerate(rules):
        if progress:
            progress(i, len(rules), r.code)
        absent = [t for t in r.related if t not in ctx.related]
        if absent:
            names = {"records": "服务记录表", "orgs": "社会组织名单", "certificates": "证明登记表", "stations": "站点名单"}
            not_assessed.append({
                "rule": r.code, "title": r.title, "missing": absent,
                "reason": f"需要对照的{'、'.join(names.get(t, t) for t in absent)}没有提供",
            })
            continue
        missing = r.missing_fields(table.df.columns)
        if missing:
            not_assessed.append({
                "rule": r.code, "title": r.title, "missing": missing,
                "reason": f"缺少字段：{'、'.join(m.replace('|', '或') for m in missing)}",
            })
            continue
        hits = r.fn(table.df, ctx)
        if hits is not None and len(hits):
            parts.append(_frame(r, hits, table, ids))
    if progress:
        progress(len(rules), len(rules), "")
    findings = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=FINDING_COLUMNS)
    if mask and len(findings):
        findings["message"] = masking.mask_text(findings["message"])
        findings["evidence"] = masking.mask_text(findings["evidence"])
    if len(findings):
        findings = findings.sort_values(["row", "rule"], kind="stable").reset_index(drop=True)
    notes = list(table.notes) + ctx.notes
    return CheckResult(table=table, findings=findings, not_assessed=not_assessed, rules=rules, notes=notes)


def check_file(path, kind: str = "records", sheet: str | None = None, mask: bool = True, **kw) -> CheckResult:
    return check_table(load_table(path, kind=kind, sheet=sheet), mask=mask, **kw)
