"""Engine: run the registry over a table → one findings table + the rules not assessed."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from zyfw_checks import masking
from zyfw_checks.arrow_pool import ensure_reusing_pool
from zyfw_checks.load import ROW, Table, load_table
from zyfw_checks.params import in_force_since, threshold
from zyfw_checks.reasons import Reason
from zyfw_checks.registry import Context, PartialSkip, Rule
from zyfw_checks.rules import rules_for
from zyfw_checks.style import SEVERITIES
from zyfw_checks.threads import workers

FINDING_COLUMNS = ["rule", "severity", "row", "record_id", "message", "evidence", "clause", "title", "sheet"]


STATUS_COLUMNS = [
    "code", "title", "severity", "section", "count", "status", "reason_code", "reason", "missing",
    "severity_reason", "unassessed",
]
TABLE_NAMES = {"records": "服务记录表", "orgs": "社会组织名单", "certificates": "证明登记表", "stations": "站点名单"}


@dataclass
class CheckResult:
    table: Table
    findings: pd.DataFrame
    skipped: list[dict]  # rules that could not run: {"rule", "reason_code", "reason", "missing"}
    rules: list[Rule]
    notes: list[str]
    partial: list[PartialSkip] = field(default_factory=list)
    masked: bool = True  # personal data masked in findings and in every view of this result
    n_records: int | None = None  # when the table is a stub (a folder run's summed status)

    @property
    def records(self) -> int:
        return len(self.table.df) if self.n_records is None else self.n_records

    def rule_status(self) -> pd.DataFrame:
        """One row per rule run or skipped: the single source of every view's per-rule outcome.

        status: 有问题 (count > 0) · 部分未评估 (ran, but some rows, or part of the check, could not be
        assessed) · 未评估 (could not run, or no row could be assessed; reason_code and missing say why) ·
        通过 (every row assessed, nothing found). ``unassessed``: rows the rule could not (fully) look at.
        """
        counts = self.findings["rule"].value_counts() if len(self.findings) else pd.Series(dtype="int64")
        skipped = {s["rule"]: s for s in self.skipped}
        partial: dict[str, list[PartialSkip]] = {}
        for p in self.partial:
            partial.setdefault(p.rule, []).append(p)
        rows = []
        for r in self.rules:
            n = int(counts.get(r.code, 0))
            base = {"code": r.code, "title": r.title, "severity": r.severity, "section": r.clause.section,
                    "count": n, "severity_reason": r.severity_reason, "missing": "", "reason_code": "",
                    "reason": "", "unassessed": 0}
            if r.code in skipped:
                s = skipped[r.code]
                base.update(status="未评估", reason_code=s["reason_code"], reason=s["reason"],
                            missing="、".join(s["missing"]), unassessed=self.records)
            elif r.code in partial:
                ps = partial[r.code]
                full, rows_out = _unassessed_rows(ps, self.records)
                status = "有问题" if n else ("未评估" if self.records and full >= self.records else "部分未评估")
                base.update(status=status, reason_code=ps[0].reason.value, reason="；".join(p.text for p in ps),
                            unassessed=rows_out)
            elif not self.records:
                base.update(status="未评估", reason_code=Reason.NO_ROWS.value, reason="表中没有可检查的记录")
            else:
                base.update(status="有问题" if n else "通过")
            rows.append(base)
        return pd.DataFrame(rows, columns=STATUS_COLUMNS)

    @property
    def not_assessed(self) -> list[dict]:
        """The rules that could not run (kept for callers of the earlier API)."""
        titles = {r.code: r.title for r in self.rules}
        return [{**s, "title": titles.get(s["rule"], "")} for s in self.skipped]

    def summary(self) -> dict:
        f = self.findings
        status = self.rule_status()
        flagged = f["row"].nunique() if len(f) else 0
        return {
            "source": self.table.source,
            "records": self.records,
            "findings": int(len(f)),
            "records_with_findings": int(flagged),
            "clean_share": round(1 - flagged / self.records, 4) if self.records else None,
            "by_severity": {s: int((f["severity"] == s).sum()) for s in SEVERITIES} if len(f)
            else dict.fromkeys(SEVERITIES, 0),
            "by_rule": [
                {"rule": r.code, "title": r.title, "severity": r.severity, "count": int(r.count)}
                for r in status.itertuples() if r.count
            ],
            "rules_run": [r.code for r in status.itertuples() if r.status != "未评估"],
            "not_assessed": int((status["status"] == "未评估").sum()),
        }

    @property
    def has_violation(self) -> bool:
        return bool(len(self.findings)) and bool((self.findings["severity"] == "违规").any())


def _unassessed_rows(ps: list[PartialSkip], total: int) -> tuple[int, int]:
    """(rows the rule could not look at at all, rows not fully assessed) from its partial skips."""
    full = np.zeros(total, dtype=bool)
    some = np.zeros(total, dtype=bool)
    counted, full_counted = 0, 0
    for p in ps:
        if p.mask is not None and len(p.mask) == total:
            some |= p.mask
            if p.full:
                full |= p.mask
        elif p.rows:  # merged from the parts of a folder run: counts only
            counted = max(counted, int(p.rows))
            full_counted += int(p.rows) if p.full else 0
    return min(total, int(full.sum()) + full_counted), min(total, max(int(some.sum()), counted))


def record_ids(df: pd.DataFrame) -> pd.Series:
    for col in ("记录编号", "证明编号", "统一社会信用代码", "站点编号", "名称"):
        if col in df.columns:
            return df[col].astype("string[pyarrow]")
    return pd.Series(pd.NA, index=df.index, dtype="string[pyarrow]")


@dataclass
class _Part:
    """One rule's hits before assembly: positions in the table and the rule's texts."""

    rule: int  # index into the run's rule list
    pos: np.ndarray
    severity: np.ndarray  # codes into SEVERITIES
    message: pa.ChunkedArray | None  # let go by _assemble as soon as they are joined
    evidence: pa.ChunkedArray | None


def _texts(s: pd.Series) -> pa.ChunkedArray:
    arr = s.astype("string[pyarrow]").array._pa_array
    return arr.cast(pa.large_string()) if arr.type != pa.large_string() else arr


def _part(i: int, rule: Rule, hits: pd.DataFrame, table: Table, drop: np.ndarray | None = None) -> _Part | None:
    pos = table.df.index.get_indexer(hits.index)
    if drop is not None and drop.any():  # rows the rule could not look at: a finding there is not one
        keep = ~drop[pos]
        if not keep.all():
            hits, pos = hits[keep], pos[keep]
            if not len(pos):
                return None
    if "severity" in hits:
        given = hits["severity"].astype("string[pyarrow]").fillna(rule.severity).array._pa_array
        sev = pc.fill_null(pc.index_in(given, value_set=pa.array(SEVERITIES)), -1).to_numpy()
        if (sev < 0).any():  # a rule's mistake, not the user's data
            raise ValueError(f"{rule.code} 返回了不认识的严重程度：{set(pd.Series(given.to_pylist())) - set(SEVERITIES)}")
    else:
        sev = np.full(len(pos), SEVERITIES.index(rule.severity), dtype="int8")
    return _Part(i, pos, np.asarray(sev, dtype="int8"), _texts(hits["message"]), _texts(hits["evidence"]))


def _codes_as_text(codes: np.ndarray, names: list[str]) -> pd.arrays.ArrowStringArray:
    return pd.arrays.ArrowStringArray(pc.take(pa.array(names, type=pa.large_string()), pa.array(codes)))


def _assemble(parts: list[_Part], rules: list[Rule], table: Table, mask: bool) -> pd.DataFrame:
    """All findings in one frame, by Excel row then rule: sorted on small integer columns first, then
    each text column taken once (the record ids straight from the table)."""
    if not parts:
        return pd.DataFrame(columns=FINDING_COLUMNS)
    rule_no = np.concatenate([np.full(len(p.pos), p.rule, dtype="int16") for p in parts])
    pos = np.concatenate([p.pos for p in parts])
    rows = table.df[ROW].to_numpy().astype("int64")[pos]
    order = np.lexsort((rule_no, rows))
    idx = pa.array(order)
    texts = {}
    for name in ("message", "evidence"):  # one column at a time, each rule's pieces let go once joined
        joined = pa.chunked_array([c for p in parts for c in getattr(p, name).chunks], type=pa.large_string())
        for p in parts:
            setattr(p, name, None)
        joined = joined.combine_chunks()  # one contiguous array: Arrow's take over many chunks is ten times slower
        if mask:  # the one place findings are masked
            joined = masking.mask_arrow(joined)
        texts[name] = pd.arrays.ArrowStringArray(pc.take(joined, idx))
        del joined
    rule_no, pos = rule_no[order], pos[order]
    cites = sorted({r.clause.cite() for r in rules})
    titles = sorted({r.title for r in rules})
    clause_of = np.array([cites.index(r.clause.cite()) for r in rules], dtype="int16")
    title_of = np.array([titles.index(r.title) for r in rules], dtype="int16")
    out = pd.DataFrame({
        "rule": _codes_as_text(rule_no, [r.code for r in rules]),
        "severity": _codes_as_text(np.concatenate([p.severity for p in parts])[order], list(SEVERITIES)),
        "row": rows[order],
        "record_id": record_ids(table.df).iloc[pos].array,
        "message": texts["message"],
        "evidence": texts["evidence"],
        "clause": pd.Categorical.from_codes(clause_of[rule_no], categories=cites),
        "title": pd.Categorical.from_codes(title_of[rule_no], categories=titles),
        "sheet": pd.Categorical.from_codes(np.zeros(len(pos), dtype="int8"), categories=[table.sheet or ""]),
    })
    return out


def _label(group: str, table: Table) -> str:
    """A field group in the user's own words: the file's header where the field was found."""
    return "或".join(f"“{table.mapping.get(a, a)}”" for a in group.split("|"))


def _missing_entry(r: Rule, missing: list[str], table: Table) -> dict:
    unrec = getattr(table, "unrecognised", None) or {}
    seen = [(m, unrec[a]) for m in missing for a in m.split("|") if a in unrec]
    if seen:
        said = "；".join(f"表头“{h}”像是“{m.replace('|', '或')}”，但没有识别" for m, h in seen)
        return {"rule": r.code, "reason_code": Reason.UNRECOGNISED_FIELD.value, "missing": missing,
                "reason": f"{said}，可在列对应关系里手动指定"}
    return {"rule": r.code, "reason_code": Reason.MISSING_FIELD.value, "missing": missing,
            "reason": f"缺少字段：{'、'.join(m.replace('|', '或') for m in missing)}"}


def _in_force_day(table: Table, ctx: Context) -> pd.Series | None:
    """The date a row's duty arose on: the activity's day (records), the issue date (certificates)."""
    if table.kind == "records":
        return ctx.intervals["activity_day"]
    if table.kind == "certificates" and "出具日期" in table.df.columns:
        return pd.to_datetime(table.df["出具日期"], errors="coerce")
    return None


def assess(r: Rule, table: Table, ctx: Context) -> np.ndarray:
    """The engine's assessability of rule ``r``, row by row, said once per reason in ``ctx.skips``.

    Returns the rows the rule cannot look at at all (a needed field blank or unreadable, or the activity
    before the sentence took effect): their findings are dropped and they are never 通过. Rows without a
    ``partial_needs`` field are partly assessed: said, findings kept.
    """
    df = table.df
    n = len(df)
    drop = np.zeros(n, dtype=bool)
    unrec = getattr(table, "unrecognised", None) or {}

    def skip(reason: Reason, text: str, mask: np.ndarray, full: bool) -> None:
        k = int(mask.sum())
        if k:
            ctx.skips.append(PartialSkip(r.code, reason, text.format(k=k), k, mask, full))

    groups = [(g, True) for g in r.needs] + [(g, False) for g in r.partial_needs]
    for group, full in groups:
        present = [a for a in group.split("|") if a in df.columns]
        if not present:  # only partial needs get here: a whole needs group absent skips the rule
            heard = [unrec[a] for a in group.split("|") if a in unrec]
            if heard:
                text = f"表头“{heard[0]}”像是“{group.replace('|', '或')}”但没有识别，这部分未检查（可在列对应关系里手动指定）"
                skip(Reason.UNRECOGNISED_FIELD, text, np.ones(n, dtype=bool), False)
            else:
                skip(Reason.MISSING_FIELD, f"表中没有“{group.replace('|', '或')}”列，这部分未检查",
                     np.ones(n, dtype=bool), False)
            continue
        if r.judges_blanks_of(group):
            continue
        blank = np.logical_and.reduce([df[a].isna().to_numpy() | table.bad_mask(a).to_numpy() for a in present])
        skip(Reason.BLANK_FIELD, f"{_label('|'.join(present), table)}为空或无法识别的 {{k}} 行未检查", blank, full)
        if full:
            drop |= blank
    if r.in_force:
        day = _in_force_day(table, ctx)
        if day is not None:
            since = in_force_since(r.in_force)
            before = (day < pd.Timestamp(since)).fillna(False).to_numpy(dtype=bool) & ~drop
            name = threshold(r.in_force)
            skip(Reason.BEFORE_IN_FORCE, f"活动早于{since:%Y年%-m月%-d日}（{name}施行之日）的 {{k}} 行不适用，未检查",
                 before, True)
            drop |= before
    return drop


def check_table(
    table: Table,
    mask: bool = True,
    select: list[str] | None = None,
    progress: Callable[[int, int, str], None] | None = None,
    related: dict[str, Table] | None = None,
    options: dict | None = None,
) -> CheckResult:
    """Run every rule of the table's kind (or ``select``ed codes) and collect all findings.

    ``related`` passes other tables a rule may need (``{"records": table}`` for certificates);
    a rule that needs a related table that was not given is reported as 未评估 (once, never per row).
    ``options`` carries the user's declarations (e.g. ``{"export_complete": True}``).
    """
    ensure_reusing_pool()
    ctx = Context(table=table, mask=mask, related=related or {}, options=dict(options or {}))
    rules = [r for r in rules_for(table.kind) if not select or r.code in select or r.code[:3] in select]
    runnable, skipped = [], []
    for i, r in enumerate(rules):
        absent = [t for t in r.related if t not in ctx.related]
        if absent:
            skipped.append({
                "rule": r.code, "reason_code": Reason.MISSING_TABLE.value, "missing": absent,
                "reason": f"需要对照的{'、'.join(TABLE_NAMES.get(t, t) for t in absent)}没有提供",
            })
            continue
        missing = r.missing_fields(table.df.columns)
        if missing:
            skipped.append(_missing_entry(r, missing, table))
            continue
        runnable.append(i)
    views = {i: ctx.for_rule(rules[i].code) for i in runnable}
    done = _run_rules(runnable, rules, table, views, progress)
    if progress:
        progress(len(rules), len(rules), "")
    parts = [done[i] for i in runnable if done[i] is not None]  # in rule order, however the threads finished
    findings = _assemble(parts, rules, table, mask)
    del parts, done
    notes = list(table.notes)
    for i in runnable:  # what each rule said, in rule order, each sentence once (as Context.note does)
        notes += [n for n in views[i].notes if n not in notes]
        ctx.skips += views[i].skips
    return CheckResult(table=table, findings=findings, skipped=skipped, rules=rules, notes=notes,
                       partial=ctx.skips, masked=mask)


def _run_one(i: int, r: Rule, table: Table, ctx: Context) -> _Part | None:
    drop = assess(r, table, ctx)
    found = r.fn(table.df, ctx)
    if found is not None and len(found):
        return _part(i, r, found, table, drop)
    return None


def _run_rules(runnable: list[int], rules: list[Rule], table: Table, views: dict[int, Context],
               progress: Callable[[int, int, str], None] | None) -> dict[int, _Part | None]:
    """Each runnable rule's part, by rule index. On more than one thread (``threads.workers()``) the rules
    run side by side — pandas, numpy and Arrow let go of the GIL in their kernels — each with its own view of
    the context; values rules share are made once (``Context.once``). The results are the same either way
    (tests/test_engine_threads.py); a rule's error is raised as on one thread, the first in rule order."""
    n = len(rules)
    threads = min(workers(), len(runnable))
    if threads <= 1:
        out = {}
        for i in runnable:
            if progress:
                progress(i, n, rules[i].code)
            out[i] = _run_one(i, rules[i], table, views[i])
        return out
    with ThreadPoolExecutor(threads, thread_name_prefix="zyfw-rule") as pool:
        # started last rule first: the rules that compare records (REC…, after ACT in code order) take longest,
        # and starting them first keeps both threads busy to the end (1M heavy records: 7.1 s against 8.0 s)
        futures = {i: pool.submit(_run_one, i, rules[i], table, views[i]) for i in runnable[::-1]}
        out = {}
        for i in runnable:  # wait in rule order: progress counts up, the first error is raised
            if progress:
                progress(i, n, rules[i].code)
            try:
                out[i] = futures[i].result()
            except BaseException:
                for f in futures.values():
                    f.cancel()
                raise
        return out


def check_file(path, kind: str = "records", sheet: str | None = None, mask: bool = True, **kw) -> CheckResult:
    return check_table(load_table(path, kind=kind, sheet=sheet), mask=mask, **kw)
