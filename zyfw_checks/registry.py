"""The rule registry: a plain container of rules, each a clause of the notice with a public code.

A rule function takes the canonical table and a :class:`Context` and returns the offending
rows as a DataFrame indexed like the table, with columns ``message`` and ``evidence`` (and
optionally ``severity`` when a weak signal should read 存疑 instead of the rule's default).
Which modules hold rules is said once, in :mod:`zyfw_checks.rules` (``all_rules``/``rules_for``).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from zyfw_checks import masking
from zyfw_checks.clauses import Clause, get_clause
from zyfw_checks.params import load_params, shipped_params
from zyfw_checks.reasons import Reason
from zyfw_checks.style import SEVERITIES
from zyfw_checks.workdays import WorkdayCalendar, calendar

if TYPE_CHECKING:
    from zyfw_checks.load import Table

TABLES = ("records", "orgs", "certificates", "stations")
CODE_RE = re.compile(r"^(ORG|REC|ACT|CRT|SYS|STN|DAT)\d{3}$")

RuleFn = Callable[[pd.DataFrame, "object"], pd.DataFrame]


class RegistryError(ValueError):
    """A rule was registered without the metadata every rule must carry."""


@dataclass(frozen=True)
class Rule:
    code: str
    title: str
    clause_id: str
    severity: str
    needs: tuple[str, ...]
    explanation: str
    compliant: str
    noncompliant: str
    fn: RuleFn
    table: str = "records"
    optional: tuple[str, ...] = ()
    laws: tuple[str, ...] = ()
    not_modelled: str = ""
    related: tuple[str, ...] = ()  # other tables the rule compares against, e.g. ("records",)
    severity_reason: str = ""  # why this severity, under the model in DESIGN (issue 9)
    extra: dict = field(default_factory=dict)
    # Assessability (the engine's, see engine.assess): a row is assessed only when every ``needs`` group has a
    # readable value; ``partial_needs`` are fields part of the check needs (a row without one is partly
    # unassessed, never 通过); ``judges_blanks`` rules report blanks themselves (REC001), so blanks in the
    # fields they examine are findings, not unassessed rows; ``in_force`` names the dated parameter
    # (thresholds.yaml) that says since when the sentence the rule enforces applies.
    partial_needs: tuple[str, ...] = ()
    judges_blanks: bool | tuple[str, ...] = False
    in_force: str = ""
    hazards: tuple[str, ...] = ()  # generic conditions that can break this rule's verdict (params/hazards.yaml)

    def judges_blanks_of(self, group: str) -> bool:
        """Whether blanks in ``group`` are what this rule reports (so not unassessed rows)."""
        return self.judges_blanks is True or (not isinstance(self.judges_blanks, bool) and group in self.judges_blanks)

    @property
    def row_fields(self) -> tuple[str, ...]:
        """Every field group the rule looks at per row (what the assessability test blanks)."""
        return self.needs + self.partial_needs

    @property
    def clause(self) -> Clause:
        return get_clause(self.clause_id)

    def missing_fields(self, columns) -> list[str]:
        cols = set(columns)
        return [f for f in self.needs if not any(alt in cols for alt in f.split("|"))]


REGISTRY: dict[str, Rule] = {}


def _validate(r: Rule) -> None:
    problems = []
    if not CODE_RE.match(r.code):
        problems.append(f"代码 {r.code!r} 不符合 ORG/REC/ACT/CRT/SYS/STN/DAT + 三位数字")
    if r.code in REGISTRY and REGISTRY[r.code].fn is not r.fn:
        problems.append(f"代码 {r.code} 已被占用")
    for name in ("title", "explanation", "compliant", "noncompliant"):
        if not str(getattr(r, name) or "").strip():
            problems.append(f"缺少 {name}")
    if r.severity not in SEVERITIES:
        problems.append(f"严重程度 {r.severity!r} 不在 {SEVERITIES} 中")
    if r.table not in TABLES or any(t not in TABLES for t in r.related):
        problems.append(f"表 {r.table!r}/{r.related!r} 不在 {TABLES} 中")
    try:
        get_clause(r.clause_id)
    except KeyError as exc:
        problems.append(str(exc))
    # the kit's own metadata is checked against the shipped parameter files: a user's override is read (and
    # its mistakes reported in Chinese) when a rule runs, never while the rules are being registered
    if r.in_force and not (shipped_params("thresholds")["values"].get(r.in_force) or {}).get("series"):
        problems.append(f"施行日期参数 {r.in_force} 不在 params/thresholds.yaml 中")
    unknown = set(r.hazards) - set(shipped_params("hazards")["hazards"])
    if unknown:
        problems.append(f"未知的风险条件 {sorted(unknown)}（params/hazards.yaml）")
    if r.laws:
        known = shipped_params("laws")["articles"]
        problems += [f"未知法规条文 {law}（params/laws.yaml）" for law in r.laws if law not in known]
    if problems:
        raise RegistryError(f"规则 {r.code} 登记失败：" + "；".join(problems))


def rule(
    *,
    code: str,
    title: str,
    clause: str,
    severity: str,
    needs: tuple[str, ...] | list[str],
    explanation: str,
    compliant: str,
    noncompliant: str,
    table: str = "records",
    optional: tuple[str, ...] | list[str] = (),
    laws: tuple[str, ...] | list[str] = (),
    not_modelled: str = "",
    related: tuple[str, ...] | list[str] = (),
    severity_reason: str = "",
    partial_needs: tuple[str, ...] | list[str] = (),
    judges_blanks: bool | tuple[str, ...] | list[str] = False,
    in_force: str = "",
    hazards: tuple[str, ...] | list[str] = (),
) -> Callable[[RuleFn], RuleFn]:
    """Register a rule. ``needs`` lists canonical fields; ``"A|B"`` means either field will do."""

    def deco(fn: RuleFn) -> RuleFn:
        r = Rule(
            code=code, title=title, clause_id=clause, severity=severity, needs=tuple(needs),
            explanation=explanation, compliant=compliant, noncompliant=noncompliant, fn=fn,
            table=table, optional=tuple(optional), laws=tuple(laws), not_modelled=not_modelled,
            related=tuple(related), severity_reason=severity_reason, partial_needs=tuple(partial_needs),
            judges_blanks=judges_blanks if isinstance(judges_blanks, bool) else tuple(judges_blanks), in_force=in_force, hazards=tuple(hazards),
        )
        _validate(r)
        REGISTRY[code] = r
        fn.rule = r  # type: ignore[attr-defined]
        return fn

    return deco


@dataclass
class PartialSkip:
    """Part of a rule's rows could not be assessed (e.g. masked ID numbers, dates out of range)."""

    rule: str
    reason: Reason
    text: str
    rows: int | None = None
    mask: object = None  # bool ndarray over the table's rows, when the rule named them
    full: bool = False  # the engine's: the rule could not look at these rows at all (their findings are dropped)


@dataclass
class Context:
    """What a rule may use besides the table: settings, parameters, the working-day calendar,
    other tables, and a per-run cache (one run = one ``check_table`` call)."""

    table: Table
    mask: bool = True
    related: dict[str, Table] = field(default_factory=dict)  # e.g. {"records": table} for certificates
    options: dict[str, Any] = field(default_factory=dict)  # user declarations, e.g. export_complete
    notes: list[str] = field(default_factory=list)  # what a rule wants said (e.g. uncovered years)
    skips: list[PartialSkip] = field(default_factory=list)
    cache: dict[str, Any] = field(default_factory=dict)
    current_rule: str = ""
    # one lock per ``once`` key, shared by every view of the run: rules may run in threads (engine.py)
    locks: dict[str, threading.Lock] = field(default_factory=dict, repr=False, compare=False)
    guard: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def for_rule(self, code: str) -> Context:
        """A view for one rule: the run's table, settings and cache, its own notes and skips (merged by the
        engine in rule order, so a threaded run says the same things in the same order as a plain one)."""
        return Context(table=self.table, mask=self.mask, related=self.related, options=self.options,
                       cache=self.cache, current_rule=code, locks=self.locks, guard=self.guard)

    @property
    def workdays(self) -> WorkdayCalendar:
        return calendar()

    def params(self, name: str):
        return load_params(name)

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def once(self, key: str, make: Callable[[], Any]) -> Any:
        """A value computed once per run and shared by rules (e.g. the joined activity text).

        Thread-safe: a rule that asks for a value another thread is making waits for it instead of making it
        again (a lock per key, so making one value never blocks another)."""
        if key in self.cache:
            return self.cache[key]
        with self.guard:
            lock = self.locks.setdefault(key, threading.Lock())
        with lock:
            if key not in self.cache:
                self.cache[key] = make()
        return self.cache[key]

    def partly_unassessed(self, reason: Reason, text: str, rows: int | None = None, rule: str = "",
                          mask=None) -> None:
        """Say that some rows could not be assessed by the running rule (shown once, in rule_status).

        ``mask`` (bool per row of the table) names the rows: the engine counts them with its own (the rule is
        then never 通过). The rule's findings on them are kept: they come from the part it could check.
        Without a mask, ``rows`` is only reported."""
        if mask is not None:
            mask = np.asarray(mask, dtype=bool)
            rows = int(mask.sum())
            if not rows:
                return
        self.skips.append(PartialSkip(rule or self.current_rule, reason, text, rows, mask))

    @property
    def intervals(self) -> pd.DataFrame:
        """The service-time model of the table (service_time.intervals), computed once per run."""
        from zyfw_checks.service_time import intervals

        return self.once("intervals", lambda: intervals(self.table))

    def show_id(self, s: pd.Series) -> pd.Series:
        return masking.mask_id(s) if self.mask else s.astype("string[pyarrow]")

    def show_phone(self, s: pd.Series) -> pd.Series:
        return masking.mask_phone(s) if self.mask else s.astype("string[pyarrow]")


def hits(index, message, evidence, severity=None) -> pd.DataFrame:
    """Build a rule's return value; ``message``/``evidence`` are Series (or scalars) over ``index``."""
    out = pd.DataFrame(index=index)
    out["message"] = message
    out["evidence"] = evidence
    if severity is not None:
        out["severity"] = severity
    return out
