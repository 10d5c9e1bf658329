"""Book content generated from the package: rule reference, clause quotes, live examples, cases.

Everything the book shows about rules, clauses and laws is read here from the registry and the
parameter files, so the published guide cannot drift from the code. The functions return
Markdown (MyST) strings or DataFrames; book pages display them with ``IPython.display``.
Quotes are only ever taken verbatim from the package's single sources: ``params/clauses.yaml``,
the notice text file and ``params/laws.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from zyfw_checks.clauses import all_clauses
from zyfw_checks.params import load_params, notice_text
from zyfw_checks.registry import Rule
from zyfw_checks.rules import all_rules

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "data" / "samples"
CASES = REPO / "data" / "cases" / "act_cases.csv"
REFERENCE_DOC = "reference/rules"  # the book page that holds the generated rule reference

SEVERITY_NOTE = {
    "违规": "数据显示违反规定",
    "存疑": "启发式判断，需要人工核实",
    "提示": "提醒补充或核对",
}

# Sample files tried, in order, for the live example of a rule, by the table the rule reads.
# A pattern that matches nothing is skipped, so samples added later are picked up automatically.
SAMPLE_PATTERNS = {
    "records": ["data/samples/problems.xlsx", "data/samples/act*.xlsx", "data/samples/act*.csv",
                "data/samples/activities*.xlsx", "data/cases/act_cases.csv"],
    "orgs": ["data/samples/orgs*problem*.xlsx", "data/samples/orgs*.xlsx", "data/samples/orgs*.csv"],
    "certificates": ["data/samples/cert*problem*.xlsx", "data/samples/cert*.xlsx", "data/samples/cert*.csv"],
    "stations": ["data/samples/station*problem*.xlsx", "data/samples/station*.xlsx",
                 "data/samples/station*.csv"],
}
SKIP_SAMPLE = re.compile(r"clean|template|expected", re.I)


# ---------------------------------------------------------------- Markdown helpers

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|{}$])")


def md_escape(text: str) -> str:
    """Escape characters MyST would read as markup, so a quote shows exactly as written."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


def quote(text: str) -> str:
    """A Markdown block quote of ``text``, line breaks and blank lines kept."""
    lines = [line.rstrip() for line in str(text).strip("\n").splitlines()]
    out, blank = [], False
    for line in lines:
        if not line.strip():
            blank = True
            continue
        if blank and out:
            out.append(">")
        blank = False
        out.append("> " + md_escape(line.strip()))
    return "\n".join(out)


def anchor(code: str) -> str:
    return f"rule-{code.lower()}"


def rule_link(r: Rule) -> str:
    return f"[`{r.code}`](#{anchor(r.code)})"


# ---------------------------------------------------------------- the notice, verbatim


def notice_excerpt(start: str, end: str | None = None) -> str:
    """The notice text from the marker ``start`` (included) up to ``end`` (excluded), verbatim.

    Markers are short strings copied from the notice; an unknown marker is an error, so a page
    can never quote something the notice does not say.
    """
    text = notice_text()
    i = text.find(start)
    if i < 0:
        raise KeyError(f"通知原文中找不到“{start}”")
    if end is None:
        return text[i:].strip()
    j = text.find(end, i + len(start))
    if j < 0:
        raise KeyError(f"通知原文中“{start}”之后找不到“{end}”")
    return text[i:j].strip()


def notice_quote(start: str, end: str | None = None) -> str:
    body = quote(notice_excerpt(start, end))
    return body + "\n>\n> ——湘民发〔2023〕29号（原文摘录）"


# ---------------------------------------------------------------- rules and clauses


def rules_in(sections) -> list[Rule]:
    """Registered rules whose clause belongs to one of ``sections`` (e.g. ``["二（二）①"]``)."""
    sections = set(sections)
    return [r for r in all_rules() if r.clause.section in sections]


def clause_rules_markdown(sections) -> str:
    """Each clause sentence of ``sections`` (verbatim from clauses.yaml) with the rules encoding it."""
    sections = list(sections)
    by_clause: dict[str, list[Rule]] = {}
    for r in all_rules():
        by_clause.setdefault(r.clause_id, []).append(r)
    out = []
    for cid, c in all_clauses().items():
        if c.section not in sections:
            continue
        out.append(f"**{md_escape(cid.replace('-', ' '))}**\n\n{quote(c.text)}\n")
        rules = by_clause.get(cid, [])
        if rules:
            for r in rules:
                out.append(f"- {rule_link(r)} {md_escape(r.title)}（{r.severity}）")
        else:
            out.append("- 没有规则检查这一句：它不能或尚未由记录数据判断，见本页说明。")
        out.append("")
    return "\n".join(out) if out else "（本节没有登记条款。）"


def rules_summary_table(sections) -> pd.DataFrame:
    rows = [
        {"代码": r.code, "标题": r.title, "严重程度": r.severity, "检查的表": r.table,
         "需要的字段": "、".join(f.replace("|", "或") for f in r.needs) or "—"}
        for r in rules_in(sections)
    ]
    return pd.DataFrame(rows, columns=["代码", "标题", "严重程度", "检查的表", "需要的字段"])


# ---------------------------------------------------------------- laws


def law_text(key: str) -> str:
    """Markdown for one article of params/laws.yaml: verbatim text with its source, or 未能核实原文."""
    laws = load_params("laws")
    a = laws["articles"][key]
    source = laws["sources"][a["law"]]
    head = f"**{key}**"
    if not str(a.get("text") or "").strip():
        note = f"（{md_escape(a['note'])}）" if a.get("note") and a["note"] != "未能核实原文" else ""
        return (f"{head}：未能核实原文{note}。请以官方公布的文本为准：{md_escape(source)}。")
    lines = [head, "", quote(a["text"]), ">", f"> ——{md_escape(source)}"]
    if a.get("url"):
        lines.append(f"\n来源：<{a['url']}>" + (f"；对照：<{a['crosscheck']}>" if a.get("crosscheck") else ""))
    if a.get("note"):
        lines.append(f"\n说明：{md_escape(a['note'])}")
    return "\n".join(lines)


def laws_markdown(law: str | None = None) -> str:
    arts = load_params("laws")["articles"]
    return "\n\n".join(law_text(k) for k, a in arts.items() if law is None or a["law"] == law)


# ---------------------------------------------------------------- rule reference


def _fields(fields) -> str:
    return "、".join(f"`{f.replace('|', '`或`')}`" for f in fields) or "—（见说明）"


def rule_entry_markdown(r: Rule) -> str:
    """One rule's entry in the reference, in the fixed sections every rule carries."""
    laws = load_params("laws")["articles"]
    parts = [
        f"({anchor(r.code)})=",
        f"## {r.code} {md_escape(r.title)}",
        "",
        f"- **严重程度**：{r.severity}（{SEVERITY_NOTE[r.severity]}）",
        f"- **条款**：湘民发〔2023〕29号 {md_escape(r.clause.section)}（`{md_escape(r.clause_id)}`）",
        f"- **检查的表**：`{r.table}`",
        f"- **需要的字段**：{_fields(r.needs)}",
    ]
    if r.optional:
        parts.append(f"- **有则使用的字段**：{_fields(r.optional)}")
    parts += ["", "条款原文：", "", quote(r.clause.text), "", "**说明**", "", md_escape(r.explanation), ""]
    parts += [":::{admonition} 合规示例\n:class: tip\n\n" + md_escape(r.compliant) + "\n:::", ""]
    parts += [":::{admonition} 不合规示例\n:class: warning\n\n" + md_escape(r.noncompliant) + "\n:::", ""]
    if r.laws:
        parts.append("**依据的法规**")
        parts.append("")
        for key in r.laws:
            a = laws.get(key, {})
            text = str(a.get("text") or "").strip()
            parts.append(f"- {key}：" + (f"“{md_escape(text.replace(chr(10), ' '))}”" if text else "未能核实原文"))
        parts.append("")
    parts.append("**不建模的内容**：" + (md_escape(r.not_modelled) if r.not_modelled else "无。"))
    parts.append("")
    return "\n".join(parts)


def reference_markdown() -> str:
    rules = all_rules()
    index = "\n".join(
        f"| {rule_link(r)} | {md_escape(r.title)} | {r.severity} | {md_escape(r.clause.section)} |" for r in rules
    )
    head = (f"共登记 {len(rules)} 条规则（本页在构建时由规则登记表生成）。\n\n"
            "| 代码 | 标题 | 严重程度 | 条款 |\n| --- | --- | --- | --- |\n" + index + "\n")
    return head + "\n" + "\n".join(rule_entry_markdown(r) for r in rules)


# ---------------------------------------------------------------- live examples


@dataclass
class Example:
    path: Path
    rules: list[Rule]
    result: object  # CheckResult

    @property
    def label(self) -> str:
        return str(self.path.relative_to(REPO))


def sample_files(kind: str) -> list[Path]:
    seen: list[Path] = []
    for pattern in SAMPLE_PATTERNS.get(kind, []):
        for p in sorted(REPO.glob(pattern)):
            if p not in seen and not SKIP_SAMPLE.search(p.name):
                seen.append(p)
    return seen


def _load(path: Path, kind: str):
    from zyfw_checks.load import load_table

    return load_table(path, kind=kind)


def run_examples(sections) -> tuple[list[Example], list[Rule]]:
    """Run the rules of ``sections`` on the sample files; returns the runs and rules without sample data.

    The first sample of the rule's table is always run; further samples only for rules that
    found nothing yet, so every rule is shown on data where it has something to say.
    """
    from zyfw_checks.engine import check_table

    todo = rules_in(sections)
    runs: list[Example] = []
    no_data: list[Rule] = []
    for kind in dict.fromkeys(r.table for r in todo):
        rules = [r for r in todo if r.table == kind]
        files = sample_files(kind)
        if not files:
            no_data += rules
            continue
        pending = rules
        for i, path in enumerate(files):
            if not pending and i:
                break
            table = _load(path, kind)
            related = {}
            if kind == "certificates" and sample_files("records"):
                related["records"] = _load(sample_files("records")[0], "records")
            result = check_table(table, mask=True, select=[r.code for r in pending], related=related)
            runs.append(Example(path, pending, result))
            found = set(result.findings["rule"]) if len(result.findings) else set()
            pending = [r for r in pending if r.code not in found]
    return runs, no_data


FINDING_VIEW = {"row": "行号", "rule": "规则", "severity": "严重程度", "record_id": "编号", "message": "问题",
                "evidence": "依据"}


def findings_view(result) -> pd.DataFrame:
    """Findings in Chinese column names, masked personal data (the engine masks by default)."""
    f = result.findings
    return f[list(FINDING_VIEW)].rename(columns=FINDING_VIEW).reset_index(drop=True)


EXAMPLE_MAX_ROWS = 30  # longer example tables show the first few findings of each rule
EXAMPLE_PER_RULE = 5


def findings_html(result) -> str:
    """The findings as an HTML table, full text (no truncation), without the DataFrame index."""
    view = findings_view(result)
    if len(view) > EXAMPLE_MAX_ROWS:
        view = view.groupby("规则", sort=False).head(EXAMPLE_PER_RULE)
    with pd.option_context("display.max_colwidth", None):
        return view.to_html(index=False, escape=True, border=0, classes=["dataframe", "zyfw-findings"])


def example_markdown(ex: Example) -> str:
    counts = ex.result.findings["rule"].value_counts() if len(ex.result.findings) else pd.Series(dtype=int)
    skipped = {n["rule"]: n["reason"] for n in ex.result.not_assessed}
    lines = [f"在 `{ex.label}`（{ex.result.records} 条）上运行："]
    for r in ex.rules:
        if r.code in skipped:
            lines.append(f"- {rule_link(r)} 未评估：{md_escape(skipped[r.code])}")
        else:
            lines.append(f"- {rule_link(r)} 发现 {int(counts.get(r.code, 0))} 处")
    return "\n".join(lines)


def show_figure(fig) -> None:
    """Display a matplotlib figure once, whatever the backend (inline in Jupyter, Agg elsewhere)."""
    import matplotlib.pyplot as plt
    from IPython.display import display

    display(fig)
    plt.close(fig)


def show_examples(sections) -> None:
    """Display the live example of a clause page (for use in a book code cell)."""
    from IPython.display import HTML, Markdown, display

    runs, no_data = run_examples(sections)
    if not runs and not no_data:
        display(Markdown("本节没有登记规则，因此没有可运行的示例。"))
    for ex in runs:
        display(Markdown(example_markdown(ex)))
        if len(ex.result.findings):
            if len(ex.result.findings) > EXAMPLE_MAX_ROWS:
                display(Markdown(f"共 {len(ex.result.findings)} 处，下表每条规则只列前 {EXAMPLE_PER_RULE} 处。"))
            display(HTML(findings_html(ex.result)))
    for r in no_data:
        display(Markdown(f"{rule_link(r)}：`data/samples/` 中还没有 `{r.table}` 表的示例数据，暂不能演示。"))


# ---------------------------------------------------------------- trainers' cases

CASE_LABELS = ("无", "①", "②", "③", "④")
# What a case shows: who did what, when, where, for how much — never names, IDs or phone numbers.
CASE_FIELDS = ("参与者身份", "活动名称", "服务内容", "组织单位", "服务地点", "开始时间", "结束时间",
               "服务时长(小时)", "补贴类型", "补贴金额", "参与费用", "案例", "情形", "描述")


def load_cases(path: Path = CASES) -> pd.DataFrame:
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    missing = {"标注", "标注理由"} - set(df.columns)
    if missing:
        raise ValueError(f"{path} 缺少列：{'、'.join(sorted(missing))}")
    bad = sorted(set(df["标注"].str.strip()) - set(CASE_LABELS))
    if bad:
        raise ValueError(f"{path} 的“标注”列有未知取值：{'、'.join(bad)}")
    return df


def pick_cases(df: pd.DataFrame, n: int = 40, seed: int = 20230907) -> pd.DataFrame:
    """A deterministic selection of ``n`` cases spread over the labels, in a mixed order."""
    df = df.assign(标注=df["标注"].str.strip())
    groups = [g.sample(frac=1, random_state=seed) for _, g in df.groupby("标注", sort=True)]
    picked, i = [], 0
    while len(picked) < min(n, len(df)):
        for g in groups:
            if i < len(g) and len(picked) < n:
                picked.append(g.iloc[i])
        i += 1
    return pd.DataFrame(picked).sample(frac=1, random_state=seed).reset_index(drop=True)


def _case_text(row: pd.Series) -> str:
    from zyfw_checks.masking import mask_text

    parts = []
    for col in CASE_FIELDS:
        val = str(row.get(col, "") or "").strip()
        if val and val.lower() != "nan":
            parts.append(f"{col}：{val}")
    if not parts:
        raise ValueError(f"案例缺少可展示的描述列（{'、'.join(CASE_FIELDS)}）")
    text = "；".join(parts)
    return md_escape(mask_text(pd.Series([text])).iloc[0])


def cases_markdown(path: Path = CASES, n: int = 40) -> str:
    """The trainers' case page body: each case asks 能否记录为志愿服务？ with the answer in a dropdown."""
    df = pick_cases(load_cases(path), n)
    clauses = all_clauses()
    name = path.relative_to(REPO) if path.is_relative_to(REPO) else path.name
    out = [f"以下 {len(df)} 个案例选自标注案例集 `{name}`（共 {len(load_cases(path))} 条）。"
           "先讨论，再点开“答案”。", ""]
    for i, row in df.iterrows():
        label = row["标注"]
        out.append(f"**案例 {i + 1}**　{_case_text(row)}")
        out.append("")
        out.append("能否记录为志愿服务？")
        out.append("")
        out.append(":::{dropdown} 答案")
        if label == "无":
            out.append("**可以记录。** 不属于通知列举的4类不予认定的活动。")
            clause = clauses["二（二）-条例第二条"]
        else:
            out.append(f"**不能记录**：属于第{label}类不予认定的活动。")
            clause = clauses[f"二（二）-四类{label}"]
        out.append("")
        out.append(f"条款（湘民发〔2023〕29号 {md_escape(clause.section)}）：")
        out.append("")
        out.append(quote(clause.text))
        out.append("")
        out.append(f"理由：{md_escape(row['标注理由'])}")
        out.append(":::")
        out.append("")
    return "\n".join(out)


# ---------------------------------------------------------------- the attachment form


def attachment_text() -> str:
    """The notice's 附件 (志愿服务组织信息采集表), verbatim from the notice file."""
    text = notice_text()
    i = text.rfind("\n附件")
    if i < 0:
        raise KeyError("通知原文中找不到附件")
    return text[i:].strip()


def write_attachment_docx(path: Path) -> Path:
    """A fillable Word version of the attachment form; every label is taken from the notice text."""
    from docx import Document
    from docx.shared import Pt

    body = attachment_text()
    lines = [line.strip() for line in body.splitlines() if line.strip()]
    title = "志愿服务组织信息采集表"
    assert title in lines, "附件标题与通知原文不一致"
    pairs = [("社会组织名称", "业务主管单位"), ("联系人", "联系电话")]
    for a, b in pairs:
        assert a in lines and b in lines, f"附件中找不到“{a}”或“{b}”"
    purpose = next(line for line in lines if line.startswith("章程宗旨"))
    detail = next(line for line in lines if line.startswith("具体内容"))
    pledge = next(line for line in lines if line.startswith("本组织愿意"))
    signs = [line for line in lines if line.startswith(("法定代表人", "社会组织盖章", "年"))]
    note = next(line for line in lines if line.startswith("注："))

    doc = Document()
    doc.add_paragraph("附件")
    h = doc.add_heading(title, level=1)
    h.alignment = 1
    table = doc.add_table(rows=4, cols=4)
    table.style = "Table Grid"
    for r, (a, b) in enumerate(pairs):
        table.cell(r, 0).text, table.cell(r, 2).text = a, b
    purpose_cell = table.cell(2, 1).merge(table.cell(2, 3))
    table.cell(2, 0).text = f"{purpose}\n{detail}"
    purpose_cell.text = "\n\n\n"
    pledge_cell = table.cell(3, 0).merge(table.cell(3, 3))
    pledge_cell.text = pledge + "\n\n" + "\n".join(signs)
    doc.add_paragraph(note)
    for p in doc.paragraphs:
        for run in p.runs:
            run.font.size = Pt(11)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path)
    return path
