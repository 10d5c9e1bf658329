"""Per-rule fixtures: each rule's compliant and non-compliant examples as small tables.

A fixture (``rules/fixtures/<CODE>.yaml``) holds a compliant ``base`` row of the rule's table,
a ``compliant`` and a ``noncompliant`` list of examples (each the fields changed from ``base``
plus a short ``说明``; ``rows:`` instead of fields when one example needs several rows), and
``related`` tables when the rule compares against another table (certificates → records).

:func:`run_examples` loads the examples through the ordinary loader (``load_frame``), runs the
engine's ``check_table`` (passed in by the caller) once over all of them for that rule, and
returns each example with its findings. The tests assert the findings; the book renders the
same run, so the rule reference cannot drift from the rule. A fixture may pin run ``options``
(e.g. ``as_of``) so that its results do not change with the day it runs.

Examples are stacked into one table. So that one example's rows cannot meet another's (an
overlap, a duplicate), the identity fields listed in ``ISOLATE`` (or the fixture's ``isolate``)
get a per-example suffix before loading; the examples are shown as written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from zyfw_checks import masking
from zyfw_checks.load import Table, load_frame
from zyfw_checks.registry import Rule
from zyfw_checks.rules import all_rules, get_rule

FIXTURES = Path(__file__).with_name("fixtures")
NOTE = "说明"
ROWS = "rows"
HAZARD = "风险"  # the generic hazards (params/hazards.yaml) an example is a case of
FIRST_ROW = 2  # load_frame puts the headers in sheet row 1
BASE_NOTE = "基准行：其他各例都由这一行改动而来"
# Fields that say who or which activity a row is: suffixed per example so examples stay apart.
ISOLATE = {
    "records": ("记录编号", "志愿者编号", "活动编号"),
    "certificates": ("证明编号",),
    "orgs": (),
    "stations": ("站点编号",),
}
KINDS = {"compliant": "合规", "noncompliant": "不合规"}
# Run options a fixture may set (``options:``), with the words the book uses for them.
OPTION_LABELS = {"as_of": "检查日期", "export_complete": "已声明服务记录表完整"}


class FixtureError(ValueError):
    """A fixture file that cannot be used: the message says, in Chinese, what is wrong."""


@dataclass
class Example:
    kind: str  # "base" | "compliant" | "noncompliant"
    note: str
    rows: list[dict]  # the example's rows as written (full rows: base with the edit applied)
    edits: list[dict]  # the fields each row changes from base
    findings: pd.DataFrame  # the rule's findings on these rows (masked, as every output)
    hazards: tuple[str, ...] = ()

    @property
    def flagged(self) -> bool:
        return len(self.findings) > 0


@dataclass
class RuleExamples:
    rule: Rule
    base: dict
    examples: list[Example]
    table: Table  # the stacked, loaded table the rule ran on
    result: object  # the CheckResult of that run
    related: dict[str, list[dict]] = field(default_factory=dict)  # other tables as written (e.g. records)
    options: dict = field(default_factory=dict)  # run options the fixture sets (e.g. as_of)

    def options_text(self) -> str:
        """The run options in words, e.g. “检查日期 2025-12-31”; '' when none."""
        return "；".join(f"{OPTION_LABELS[k]} {'是' if v is True else v}" for k, v in self.options.items())

    def of(self, kind: str) -> list[Example]:
        return [e for e in self.examples if e.kind == kind]

    @property
    def compliant(self) -> list[Example]:
        return self.of("compliant")

    @property
    def noncompliant(self) -> list[Example]:
        return self.of("noncompliant")


def fixture_path(code: str) -> Path:
    return FIXTURES / f"{code}.yaml"


def fixture_codes() -> list[str]:
    """The rule codes that have a fixture file."""
    return sorted(p.stem for p in FIXTURES.glob("*.yaml"))


def has_fixture(code: str) -> bool:
    return fixture_path(code).is_file()


def _plain(v):
    """YAML reads 2024-03-11 as a date; the loader should see the cell as a person typed it."""
    if isinstance(v, dt.datetime):
        return v.strftime("%Y-%m-%d %H:%M")
    if isinstance(v, dt.date):
        return v.isoformat()
    return v


def _row(d, where: str) -> dict:
    if not isinstance(d, dict):
        raise FixtureError(f"{where} 应是“字段: 值”的映射")
    return {str(k): _plain(v) for k, v in d.items()}


def load_fixture(code: str) -> dict:
    """The fixture of ``code`` as plain data, checked for shape (Chinese message when malformed)."""
    path = fixture_path(code)
    if not path.is_file():
        raise FixtureError(f"规则 {code} 没有示例文件 {path.name}")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise FixtureError(f"示例文件 {path.name} 不是有效的 YAML：{exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("base"), dict):
        raise FixtureError(f"示例文件 {path.name} 应有 base（一条合规的基准行）")
    options = {str(k): _plain(v) for k, v in (data.get("options") or {}).items()}
    if set(options) - set(OPTION_LABELS):
        raise FixtureError(f"{path.name} 的 options 只能是 {'、'.join(OPTION_LABELS)}")
    out = {"base": _row(data["base"], f"{path.name} 的 base"), "isolate": data.get("isolate"),
           "related": {}, "options": options, "compliant": [], "noncompliant": []}
    for kind in KINDS:
        items = data.get(kind) or []
        if not isinstance(items, list) or not items:
            raise FixtureError(f"示例文件 {path.name} 的 {kind} 应是至少一个例子的列表")
        for i, item in enumerate(items, 1):
            where = f"{path.name} 的 {kind} 第{i}例"
            item = _row(item, where)
            note = str(item.pop(NOTE, "") or "").strip()
            if not note:
                raise FixtureError(f"{where} 缺少“{NOTE}”")
            hazards = item.pop(HAZARD, None) or []
            hazards = [hazards] if isinstance(hazards, str) else list(hazards)
            rows = item.pop(ROWS, None)
            if rows is not None and item:
                raise FixtureError(f"{where}：写了 {ROWS} 就不能再直接写字段")
            edits = [_row(r, where) for r in rows] if rows is not None else [item]
            if not edits:
                raise FixtureError(f"{where} 的 {ROWS} 是空的")
            extra = sorted({c for e in edits for c in e} - set(out["base"]))
            if extra:  # a column only some rows have would change how the rule reads every other row
                raise FixtureError(f"{where} 改动了基准行没有的字段 {'、'.join(extra)}：请在 base 中加上（可为空）")
            out[kind].append({"note": note, "edits": edits, "hazards": tuple(hazards)})
    for name, rows in (data.get("related") or {}).items():
        if not isinstance(rows, list) or not rows:
            raise FixtureError(f"{path.name} 的 related.{name} 应是至少一行的列表")
        out["related"][str(name)] = [_row(r, f"{path.name} 的 related.{name}") for r in rows]
    return out


def _frame(rows: list[dict]) -> pd.DataFrame:
    cols: list[str] = []
    for r in rows:
        cols += [c for c in r if c not in cols]
    return pd.DataFrame([[r.get(c) for c in cols] for r in rows], columns=cols, dtype=object)


def run_examples(code: str, check: Callable, mask: bool = True) -> RuleExamples:
    """Run rule ``code`` over its fixture: every example (and the base row) with its findings.

    ``check`` is the engine's ``check_table`` (callers pass it: rules sit below the engine in the
    package's layers, so this module does not import it).
    """
    r = get_rule(code)
    fx = load_fixture(code)
    base = fx["base"]
    isolate = tuple(fx["isolate"] or ISOLATE.get(r.table, ()))
    examples: list[Example] = []
    stacked: list[dict] = []
    owner: list[int] = []  # the example each stacked row belongs to
    groups = [("base", BASE_NOTE, [{}], ())] + [(k, e["note"], e["edits"], e["hazards"]) for k in KINDS for e in fx[k]]
    for g, (kind, note, edits, hazards) in enumerate(groups):
        rows = [dict(base, **e) for e in edits]
        examples.append(Example(kind=kind, note=note, rows=rows, edits=edits, findings=pd.DataFrame(),
                                hazards=hazards))
        for row in rows:
            run = dict(row)
            for col in isolate:
                if col in run and run[col] is not None and str(run[col]) != "":
                    run[col] = f"{run[col]}-{g}"
            stacked.append(run)
            owner.append(g)
    name = f"{code} 示例"
    table = load_frame(_frame(stacked), kind=r.table, name=name)
    related = {k: load_frame(_frame(v), kind=k, name=f"{code} 示例的{k}") for k, v in fx["related"].items()}
    result = check(table, mask=mask, select=[code], related=related, options=fx["options"])
    f = result.findings
    f = f[f["rule"] == code]
    group_of_row = pd.Series(owner, index=range(FIRST_ROW, FIRST_ROW + len(owner)))
    g_of = group_of_row.reindex(f["row"].astype("int64").to_numpy()).to_numpy()
    for g, ex in enumerate(examples):
        ex.findings = f[g_of == g].reset_index(drop=True)
    return RuleExamples(rule=r, base=base, examples=examples, table=table, result=result, related=fx["related"],
                        options=fx["options"])


def shown_columns(rx: RuleExamples) -> list[str]:
    """The fields worth showing: those some example changes, in the base row's order."""
    edited: list[str] = []
    for ex in rx.examples:
        for e in ex.edits:
            edited += [c for c in e if c not in edited]
    order = list(rx.base) + [c for c in edited if c not in rx.base]
    return [c for c in order if c in edited]


def result_text(findings: pd.DataFrame) -> str:
    """The tool's outcome for one example row, in words: 通过, or each finding's severity and message."""
    if not len(findings):
        return "通过"
    return "；".join(f"{s}：{m}" for s, m in zip(findings["severity"], findings["message"], strict=True))


def example_frame(rx: RuleExamples, kind: str) -> pd.DataFrame:
    """One display table (Chinese headers, one line per row of each example) with the tool's result.

    ``kind`` is ``compliant`` (the base row first) or ``noncompliant``. ``行号`` is the row the
    example had in the table the rule ran on (a message such as “与第5行重复” refers to it).
    ID numbers and phone numbers are masked as in every output.
    """
    cols = shown_columns(rx)
    wanted = (["base"] if kind == "compliant" else []) + [kind]
    lines = []
    for ex in rx.examples:
        if ex.kind not in wanted:
            continue
        start = _first_row(rx, ex)
        rows_of = _row_findings(ex, start)
        for i, row in enumerate(ex.rows):
            line = {"说明": ex.note if i == 0 else "（同一例）", "行号": start + i}
            line.update({c: _cell(row.get(c)) for c in cols})
            line["检查结果"] = result_text(rows_of[i])
            lines.append(line)
    out = pd.DataFrame(lines, columns=["说明", "行号", *cols, "检查结果"], dtype=object)
    for c in cols:
        if c == "证件号码":
            out[c] = masking.mask_id(pd.Series(out[c], dtype="string[pyarrow]")).fillna("").astype(object)
        elif c == "联系电话":
            out[c] = masking.mask_phone(pd.Series(out[c], dtype="string[pyarrow]")).fillna("").astype(object)
    return out


def _first_row(rx: RuleExamples, ex: Example) -> int:
    """The sheet row of the example's first row in the stacked table (examples are stacked in order)."""
    return FIRST_ROW + sum(len(e.rows) for e in rx.examples[: rx.examples.index(ex)])


def related_frame(rx: RuleExamples, name: str) -> pd.DataFrame:
    """A related table of the fixture as written (Chinese headers; ID and phone numbers masked)."""
    rows = rx.related[name]
    out = _frame(rows).map(_cell)
    for c in out.columns:
        if c == "证件号码":
            out[c] = masking.mask_id(pd.Series(out[c], dtype="string[pyarrow]")).astype(object)
        elif c == "联系电话":
            out[c] = masking.mask_phone(pd.Series(out[c], dtype="string[pyarrow]")).astype(object)
    return out


def _row_findings(ex: Example, start: int) -> list[pd.DataFrame]:
    """The example's findings split by its rows (sheet rows are consecutive within an example)."""
    rows = ex.findings["row"].astype("int64") if len(ex.findings) else pd.Series([], dtype="int64")
    return [ex.findings[rows.to_numpy() == start + i] for i in range(len(ex.rows))]


def _cell(v) -> str:
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return "（空）"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def coverage() -> tuple[list[str], list[str]]:
    """Registered rules with a fixture, and those without one."""
    have = set(fixture_codes())
    codes = [r.code for r in all_rules()]
    return [c for c in codes if c in have], [c for c in codes if c not in have]
