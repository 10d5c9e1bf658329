"""Page generators of the guide: rule reference, clause quotes, the notice, live examples, laws.

This module belongs to the book, not to the package: it is imported by the book's pages (the
extension zyfw_book.py puts this folder on the kernel's PYTHONPATH) and by tests/test_book.py.
It reads the package's public API (rules, clauses, parameters, ``CheckResult.rule_status()``) and
the repository's sample data; the package itself never reads data/.

Everything shown about rules, clauses and laws is read from the registry and the parameter files,
so the published guide cannot drift from the code. Functions return MyST Markdown strings; the
pages display them with ``IPython.display.Markdown``. Quotes are only ever taken verbatim from the
package's single sources: ``params/clauses.yaml``, the notice text and ``params/laws.yaml``.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from zyfw_checks.clauses import all_clauses
from zyfw_checks.engine import TABLE_NAMES, check_table
from zyfw_checks.params import load_params, notice_text
from zyfw_checks.registry import Rule
from zyfw_checks.rules import all_rules
from zyfw_checks.rules import examples as rule_examples

REPO = Path(__file__).resolve().parents[2]
BOOK = REPO / "book"
SAMPLES = REPO / "data" / "samples"
REFERENCE_DOC = "reference/rules"  # the book page that holds the generated rule reference
NOTICE_DOC = "notice"

SEVERITY_NOTE = {
    "违规": "数据显示被检查方没有履行规定的义务",
    "存疑": "需要人工核实",
    "提示": "提醒补充或核对",
}

# Sample files tried, in order, for the live example of a rule, by the table the rule reads.
SAMPLE_PATTERNS = {
    "records": ["data/samples/problems.xlsx", "data/samples/act*.xlsx", "data/samples/activities*.xlsx",
                "data/cases/act_cases.csv"],
    "orgs": ["data/samples/orgs*problem*.xlsx", "data/samples/orgs*.xlsx", "data/samples/orgs*.csv"],
    "certificates": ["data/samples/cert*problem*.xlsx", "data/samples/cert*.xlsx", "data/samples/cert*.csv"],
    "stations": ["data/samples/station*problem*.xlsx", "data/samples/station*.xlsx",
                 "data/samples/station*.csv"],
}
SKIP_SAMPLE = re.compile(r"clean|template|expected", re.I)


# ---------------------------------------------------------------- Markdown helpers

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|{}$&])")


def md_escape(text: str) -> str:
    """Escape characters MyST would read as markup, so a quote shows exactly as written."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


def quote(text: str) -> str:
    """A Markdown block quote of ``text``: every line break of the source is kept (a hard break)."""
    lines = [line.strip() for line in str(text).strip("\n").splitlines()]
    paras, cur = [], []
    for line in lines:
        if line:
            cur.append(md_escape(line))
        elif cur:
            paras.append(cur)
            cur = []
    if cur:
        paras.append(cur)
    return "\n>\n".join("\\\n".join("> " + s for s in p) for p in paras)


def anchor(code: str) -> str:
    return f"rule-{code.lower()}"


def rule_link(r: Rule | str) -> str:
    code = r if isinstance(r, str) else r.code
    return f"[`{code}`](#{anchor(code)})"


def table_markdown(df: pd.DataFrame) -> str:
    """A Markdown table with Chinese headers and no index column; cells escaped."""
    cols = list(df.columns)
    head = "| " + " | ".join(md_escape(c) for c in cols) + " |\n|" + " --- |" * len(cols)
    rows = ["| " + " | ".join(md_escape(str(v)).replace("\n", " ") for v in row) + " |"
            for row in df.itertuples(index=False)]
    return "\n".join([head, *rows])


def admonition(kind: str, body: str, title: str = "") -> str:
    """One of the guide's three kinds of text as a MyST directive (see zyfw_book.py: original/reading/default)."""
    arg = f" {title}" if title else ""
    return f":::{{{kind}}}{arg}\n{body}\n:::"


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


# Sections of the notice: the heading line as the notice writes it → anchor on the 通知全文 page and
# the clause page that annotates it. Headings are matched verbatim; a missing heading is an error.
NOTICE_SECTIONS = [
    ("一、总体思路", "notice-s1", "clauses/s1"),
    ("二、工作内容", "notice-s2", ""),
    ("（一）做好志愿服务组织标识工作", "notice-s2-1", "clauses/s2-1"),
    ("（二）开展志愿服务记录与证明抽查工作", "notice-s2-2", "clauses/s2-2"),
    ("（三）规范志愿服务信息系统使用", "notice-s2-3", "clauses/s2-3"),
    ("（四）加强社区志愿服务行政管理", "notice-s2-4", "clauses/s2-4"),
    ("三、工作要求", "notice-s3", "clauses/s3"),
]
# Paragraphs that start a sub-part the clause pages annotate separately.
NOTICE_PARAGRAPHS = [
    ("各地在抽查中", "notice-s2-2-check", "clauses/s2-2-records"),
    ("根据《志愿服务条例》第二条规定", "notice-s2-2-four", "clauses/s2-2-activities"),
    ("根据志愿服务组织年度工作报告", "notice-s2-2-targets", "clauses/s2-2-targets"),
    ("（一）加强组织领导", "notice-s3-1", "clauses/s3"),
    ("（二）做好业务指导", "notice-s3-2", "clauses/s3"),
    ("（三）强化典型引领", "notice-s3-3", "clauses/s3"),
]


def notice_anchor(marker: str) -> str:
    """The anchor on the 通知全文 page of the section or paragraph in which ``marker`` stands."""
    text = notice_text()
    at = text.find(marker)
    best, label = -1, "notice-top"
    for head, lab, _doc in NOTICE_SECTIONS + NOTICE_PARAGRAPHS:
        pos = text.find(head)
        if 0 <= pos <= at and pos > best:
            best, label = pos, lab
    return label


def notice_quote(start: str, end: str | None = None) -> str:
    """A verbatim excerpt of the notice in the guide's 原文 box, linked to its place in 通知全文."""
    body = quote(notice_excerpt(start, end))
    src = f"——湘民发〔2023〕29号（原文摘录，{{ref}}`在通知全文中查看 <{notice_anchor(start)}>`）"
    return admonition("original", body + "\n\n" + src)


def notice_markdown() -> str:
    """The whole notice as wrapped paragraphs: headings with anchors, each linked to its clause page.

    Every paragraph is a line of the notice file, verbatim. The signature block keeps its line
    breaks; the attachment (a form laid out with tabs) stays preformatted and wraps on a phone.
    """
    text = notice_text()
    att = text.rfind("\n附件\n")
    body, attachment = text[:att], text[att:].strip()
    sig = body.find("附件：志愿服务组织信息采集表")
    main, signature = body[:sig], body[sig:]
    heads = {h: (label, doc) for h, label, doc in NOTICE_SECTIONS}
    paras = {h: (label, doc) for h, label, doc in NOTICE_PARAGRAPHS}
    found: set[str] = set()
    out = ["(notice-top)=", ""]
    lines = [ln.strip() for ln in main.splitlines() if ln.strip()]
    for i, line in enumerate(lines):
        if line in heads:
            label, doc = heads[line]
            found.add(line)
            level = "##" if line[0] in "一二三" else "###"
            out += [f"({label})=", f"{level} {md_escape(line)}", ""]
            if doc:
                out += [f"注解：{{doc}}`/{doc}`", ""]
            continue
        para = next((p for p in paras if line.startswith(p)), None)
        if para:
            label, doc = paras[para]
            found.add(para)
            out += [f"({label})=", ""]
        if i < 3:  # 文号 and the title
            out += [f"<p class=\"zyfw-notice-title\">{html.escape(line)}</p>", ""]
            continue
        out += [md_escape(line), ""]
        if para and doc not in {heads[h][1] for h in heads}:
            out += [f"注解：{{doc}}`/{doc}`", ""]
    missing = (set(heads) | set(paras)) - found
    if missing:
        raise KeyError(f"通知原文中找不到这些标题：{'、'.join(sorted(missing))}")
    sig_lines = [ln.strip() for ln in signature.splitlines() if ln.strip()]
    out += ["(notice-signature)=", "", "\\\n".join(md_escape(s) for s in sig_lines), ""]
    out += ["(notice-attachment)=", "## 附件", "",
            "注解与可填写的 Word 表格：{doc}`/clauses/attachment`", "",
            "```{code-block} text\n:class: zyfw-wrap\n" + attachment + "\n```"]
    return "\n".join(out)


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
    return "\n".join(out) if out else "本节没有可以由记录数据检查的句子，因此没有对应的规则。"


# ---------------------------------------------------------------- parameters (tool defaults)


def tool_default(key: str, name: str = "thresholds") -> str:
    """A 工具默认值 box for one parameter: its value in force today, since when, its source, where to change it."""
    from zyfw_checks.params import param_series, threshold

    value = threshold(key, name=name)
    series = param_series(key, name=name)
    current = [s for s in series if s.get("value") == value][-1] if series else {}
    body = (f"`{key}` = **{md_escape(value)}**（自 {current.get('since', '—')} 起）。"
            f"{md_escape(current.get('source', ''))}\n\n"
            f"可在工具包的参数文件 `zyfw_checks/params/{name}.yaml` 中修改。")
    return admonition("default", body)


# ---------------------------------------------------------------- laws


def law_text(key: str) -> str:
    """Markdown for one article of params/laws.yaml: verbatim text with its source, or 未能核实原文."""
    laws = load_params("laws")
    a = laws["articles"][key]
    source = laws["sources"][a["law"]]
    head = f"**{key}**"
    if not str(a.get("text") or "").strip():
        note = f"（{md_escape(a['note'])}）" if a.get("note") and a["note"] != "未能核实原文" else ""
        return f"{head}：未能核实原文{note}。请以官方公布的文本为准：{md_escape(source)}。"
    lines = [head, "", admonition("original", quote(a["text"]) + f"\n\n——{md_escape(source)}")]
    if a.get("url"):
        lines.append("\n来源：" + _link(a["url"]) + (f"；对照：{_link(a['crosscheck'])}" if a.get("crosscheck") else ""))
    if a.get("note"):
        lines.append(f"\n说明：{md_escape(a['note'])}")
    return "\n".join(lines)


def _link(url: str) -> str:
    """A link written as HTML: MyST would escape ``&`` in a link target a second time (``&amp;amp;``)."""
    return f'<a class="reference external" href="{html.escape(url, quote=True)}">{html.escape(url)}</a>'


def laws_markdown(law: str | None = None) -> str:
    arts = load_params("laws")["articles"]
    return "\n\n".join(law_text(k) for k, a in arts.items() if law is None or a["law"] == law)


# ---------------------------------------------------------------- rule reference


def _fields(fields) -> str:
    return "、".join(f"`{f.replace('|', '`或`')}`" for f in fields) or "—（见说明）"


def rule_entry_markdown(r: Rule, outcome: tuple[str, dict] | None = None, page: str | None = None) -> str:
    """One rule's entry in the reference, in the fixed sections every rule carries.

    ``outcome`` is the rule's row of ``rule_status()`` on the sample data (with the file's label);
    ``page`` the clause page whose 示例 shows that run.
    """
    laws = load_params("laws")["articles"]
    reason = str(r.severity_reason or "").strip()
    parts = [
        f"({anchor(r.code)})=",
        f"## {r.code} {md_escape(r.title)}",
        "",
        f"- **严重程度**：{r.severity}（{SEVERITY_NOTE[r.severity]}）",
        f"- **为什么是这个严重程度**：{md_escape(reason) if reason else '（规则尚未写明理由）'}",
        f"- **条款**：湘民发〔2023〕29号 {md_escape(r.clause.section)}",
        f"- **检查的表**：`{r.table}`",
        f"- **需要的字段**：{_fields(r.needs)}",
    ]
    if r.optional:
        parts.append(f"- **有则使用的字段**：{_fields(r.optional)}")
    parts += ["", admonition("original", quote(r.clause.text) + "\n\n——湘民发〔2023〕29号", "条款"), "",
              admonition("reading", md_escape(r.explanation), "这条规则怎样判断"), ""]
    parts += examples_markdown(r)
    if r.laws:
        parts.append("**依据的法规**")
        parts.append("")
        for key in r.laws:
            a = laws.get(key, {})
            text = str(a.get("text") or "").strip()
            parts.append(f"- {key}：" + (f"“{md_escape(''.join(text.split()))}”" if text else "未能核实原文"))
        parts.append("")
    parts.append("**不建模的内容**：" + (md_escape(r.not_modelled) if r.not_modelled else "无。"))
    parts.append("")
    if outcome is not None:
        where = f"（问题明细见{{doc}}`/{page}`的“示例”）" if page else ""
        parts += [f"**示例数据上的结果**：{outcome_text(*outcome)}{where}。", ""]
    return "\n".join(parts)


def examples_markdown(r: Rule) -> list[str]:
    """The rule's 合规示例 and 不合规示例: the registry's sentence, then the fixture's example tables
    with the tool's actual result on each row, run now (zyfw_checks/rules/fixtures/<CODE>.yaml)."""
    tables = {"compliant": "", "noncompliant": ""}
    if rule_examples.has_fixture(r.code):
        rx = rule_examples.run_examples(r.code, check_table)
        for kind in tables:
            tables[kind] = (
                "\n\n" + table_markdown(rule_examples.example_frame(rx, kind))
                + ("\n\n第一行是基准行，其他各例只改动表中列出的字段；“行号”是各行在检查时所在的行（结果中的“第N行”即指它）。" if kind == "compliant" else "")
            )
        if rx.options:
            tables["compliant"] += f"\n\n各例按以下设定运行：{md_escape(rx.options_text())}。"
        for name in rx.related:  # the other table the rule compares against, shared by every example
            tables["compliant"] += (f"\n\n各例对照的{TABLE_NAMES.get(name, name)}：\n\n"
                                    + table_markdown(rule_examples.related_frame(rx, name)))
    foot = f"\n\n表中的“检查结果”是本页构建时用工具对这些行实际运行得到的（示例文件 `zyfw_checks/rules/fixtures/{r.code}.yaml`）。"
    out = []
    for kind, title, cls in (("compliant", "合规示例", "tip"), ("noncompliant", "不合规示例", "warning")):
        text = md_escape(getattr(r, kind)) + tables[kind] + (foot if tables[kind] and kind == "noncompliant" else "")
        out += [f"::::{{admonition}} {title}\n:class: {cls}\n\n{text}\n::::", ""]
    return out


def clause_pages() -> dict[str, str]:
    """Section (e.g. ``二（二）①``) → the clause page that lists its rules (read from the pages themselves)."""
    pages = {}
    for page in sorted((BOOK / "clauses").glob("*.md")):
        for call in re.findall(r"clause_rules_markdown\(\[([^\]]*)\]\)", page.read_text(encoding="utf-8")):
            for section in re.findall(r'"([^"]+)"', call):
                pages.setdefault(section, f"clauses/{page.stem}")
    return pages


def sample_outcomes() -> dict[str, tuple[str, tuple]]:
    """Each rule's outcome on the sample data (the run its clause page shows), from ``rule_status()``."""
    runs, _no_data = run_examples({r.clause.section for r in all_rules()})
    out: dict[str, tuple[str, tuple]] = {}
    for ex in runs:
        for code, row in rule_outcomes(ex.result, ex.rules).items():
            if code not in out or (out[code][1].status != "有问题" and row.status == "有问题"):
                out[code] = (ex.label, row)
    return out


def outcome_text(label: str, row) -> str:
    from zyfw_checks.report.facts import status_text

    return f"在示例文件 `{label}` 上：{md_escape(status_text(row))}"


def reference_markdown() -> str:
    rules = all_rules()
    index = "\n".join(
        f"| {rule_link(r)} | {md_escape(r.title)} | {r.severity} | {md_escape(r.clause.section)} |" for r in rules
    )
    head = (f"共登记 {len(rules)} 条规则（本页在构建时由规则登记表生成）。\n\n"
            "| 代码 | 标题 | 严重程度 | 条款 |\n| --- | --- | --- | --- |\n" + index + "\n")
    outcomes = sample_outcomes()
    pages = clause_pages()
    return head + "\n" + "\n".join(rule_entry_markdown(r, outcomes.get(r.code), pages.get(r.clause.section))
                                   for r in rules)


def rules_index_markdown() -> str:
    rules = all_rules()
    return (f"共 {len(rules)} 条规则：\n\n| 代码 | 标题 | 严重程度 | 条款 |\n| --- | --- | --- | --- |\n"
            + "\n".join(f"| {rule_link(r)} | {md_escape(r.title)} | {r.severity} | {md_escape(r.clause.section)} |"
                        for r in rules))


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


def rule_outcomes(result, rules: list[Rule]) -> dict[str, tuple]:
    """Per-rule outcome rows of ``CheckResult.rule_status()`` (the one place that summarises a run)."""
    wanted = {r.code for r in rules}
    return {row.code: row for row in result.rule_status().itertuples(index=False) if row.code in wanted}


def example_markdown(ex: Example) -> str:
    """Which rules ran on the sample and their outcome, in the words every view uses (report.facts)."""
    from zyfw_checks.report.facts import status_text

    outcomes = rule_outcomes(ex.result, ex.rules)
    lines = [f"在示例文件 `{ex.label}`（{ex.result.records} 条）上运行："]
    for r in ex.rules:
        if r.code in outcomes:
            lines.append(f"- {rule_link(r)} {md_escape(status_text(outcomes[r.code]))}")
    return "\n".join(lines)


def show_figure(fig, alt: str) -> None:
    """Display a matplotlib figure once as an image whose text alternative is ``alt`` (say the numbers)."""
    import base64
    import io

    import matplotlib.pyplot as plt
    from IPython.display import HTML, display

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    display(HTML(f'<img class="zyfw-figure" src="data:image/png;base64,{data}" alt="{html.escape(alt, quote=True)}"'
                 ' style="max-width:100%;height:auto">'))


def show_examples(sections) -> None:
    """Display the live example of a clause page (for use in a book code cell)."""
    from IPython.display import HTML, Markdown, display

    runs, no_data = run_examples(sections)
    if not runs and not no_data:
        display(Markdown("本节没有对应的规则，因此没有可运行的示例。"))
    for ex in runs:
        display(Markdown(example_markdown(ex)))
        if len(ex.result.findings):
            if len(ex.result.findings) > EXAMPLE_MAX_ROWS:
                display(Markdown(f"共 {len(ex.result.findings)} 处，下表每条规则只列前 {EXAMPLE_PER_RULE} 处。"))
            display(HTML(findings_html(ex.result)))
    for r in no_data:
        display(Markdown(f"{rule_link(r)}：示例数据中还没有这类表格，暂不能演示。"))


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
    if title not in lines:
        raise KeyError("附件标题与通知原文不一致")
    pairs = [("社会组织名称", "业务主管单位"), ("联系人", "联系电话")]
    for a, b in pairs:
        if a not in lines or b not in lines:
            raise KeyError(f"附件中找不到“{a}”或“{b}”")
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


# ---------------------------------------------------------------- key numbers and dates

# Every number and date of the notice, once: (what, the figure, the notice's own words, the page that
# explains it, the anchor on 通知全文). tests/test_book.py checks that each phrase is in the notice verbatim.
KEY_FACTS = [
    ("记录时限", "活动结束后 10 个工作日内", "是否在志愿服务活动结束后10个工作日内完成志愿服务记录",
     "clauses/s2-2-records", "notice-s2-2-check"),
    ("不予认定的活动", "4 类（①–④）", "不得将以下4 类活动认定为可提供志愿服务记录与证明的活动",
     "clauses/s2-2-activities", "notice-s2-2-four"),
    ("标识公告", "每年 6月30日前，在官方网站公告本级已标识的组织", "各级民政部门应于每年6月30日前",
     "clauses/s2-1", "notice-s2-1"),
    ("标识数量", "每百万人口 20 个以上", "每百万人口标识志愿服务组织须达20个以上",
     "clauses/s2-1", "notice-s2-1"),
    ("现场抽查", "每年 9月前，市、县两级各不少于 10 家", "每年9月前市县两级需各对不少于10家志愿服务组织",
     "clauses/s2-2-targets", "notice-s2-2-targets"),
    ("报送抽查情况", "10月底前，以市州为单位报省民政厅、省文明办", "并于10月底前以市州为单位向省民政厅、省文明办报送抽查工作情况",
     "clauses/s2-2-targets", "notice-s2-2-targets"),
    ("数据归集", "2024年底前归集到三个平台，否则不纳入考核数据", "2024年底前，未归集至中国志愿服务网、湖南志愿服务网和志愿汇平台的数据",
     "clauses/s2-3", "notice-s2-3"),
    ("社区站点", "“四有”：有人员、有场所、有项目、有管理", "有人员、有场所、有项目、有管理的“四有”要求",
     "clauses/s2-4", "notice-s2-4"),
    ("处罚依据", "《志愿服务条例》第三十六、三十八、三十九条", "依据《志愿服务条例》第三十六、三十八、三十九条进行处罚",
     "clauses/s2-2-targets", "notice-s2-2-targets"),
    ("通知有效期", "自印发之日（2023年9月7日）起 5 年", "本通知自印发之日起执行，有效期5年",
     "clauses/s3", "notice-s3"),
]

# The yearly calendar: month → what is due, and the fact above it comes from.
TIMELINE = [
    ("全年", "活动结束后 10 个工作日内完成记录；纸质记录及时录入信息系统", "记录时限"),
    ("6月30日前", "各级民政部门在官方网站公告本级已标识的志愿服务组织", "标识公告"),
    ("9月前", "市、县两级各对不少于 10 家志愿服务组织现场抽查", "现场抽查"),
    ("10月底前", "以市州为单位向省民政厅、省文明办报送抽查工作情况", "报送抽查情况"),
    ("2024年底前（已过）", "数据归集到中国志愿服务网、湖南志愿服务网或志愿汇平台", "数据归集"),
]


def identified_minimum() -> tuple[int, int]:
    """Hunan's population (params/populations.yaml) and the identified organisations it needs (params/orgs.yaml)."""
    import math

    pop = int(load_params("populations")["province"]["population"])
    from zyfw_checks.params import threshold

    try:
        per_million = threshold("density_per_million", name="orgs")
    except (KeyError, TypeError):
        per_million = next(v for k, v in _walk(load_params("orgs")) if k == "per_million")
    return pop, math.ceil(pop / 1_000_000 * float(per_million))


def _walk(obj, key=None):
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _walk(v, k)
    elif isinstance(obj, list):
        for v in obj:
            yield from _walk(v, key)
    else:
        yield key, obj


def keyfacts_markdown(short: bool = False) -> str:
    """The table of every number and date; ``short`` for the box on the home page."""
    if short:
        rows = [f"| {md_escape(what)} | {md_escape(value)} | {{doc}}`详见 </{doc}>` |"
                for what, value, _phrase, doc, _anchor in KEY_FACTS]
        return "| 事项 | 数字或期限 | |\n| --- | --- | --- |\n" + "\n".join(rows)
    rows = [f"| {md_escape(what)} | {md_escape(value)} | “{md_escape(phrase)}”（{{ref}}`原文 <{anchor}>`） "
            f"| {{doc}}`/{doc}` |" for what, value, phrase, doc, anchor in KEY_FACTS]
    return ("| 事项 | 数字或期限 | 通知原话 | 解读 |\n| --- | --- | --- | --- |\n" + "\n".join(rows))


# The answers first (home page, key facts, 常见问题): one line each, in the words people ask with; the figures
# come from KEY_FACTS / the parameter files, and each line links to the page that explains it.
def answers_markdown() -> str:
    """The key answers as a short list, one line each (the first thing on the home and key-facts pages)."""
    from zyfw_checks.params import threshold

    n = int(threshold("record_deadline_workdays"))
    pop, need = identified_minimum()
    lines = [
        f"- **活动结束后几天内要记录？** {n} 个工作日内：从结束日期的次日数起，周末和法定节假日不算，"
        f"调休上班的周六、周日算；第{n}个工作日当天记录仍合规。{{doc}}`为什么 </clauses/s2-2-records>`",
        "- **哪些活动不能记志愿服务时长？** 4 类：①工作时间内做本职工作；②单位、学校内部制度要求的活动"
        "（团建、值班、班会、清扫等）；③折算、奖励的时长和网上转发；④以志愿服务名义组织的收费旅游、参观、会议、"
        "研学、夏令营。{doc}`逐类举例 </clauses/s2-2-activities>`",
        "- **志愿服务组织名单哪天前公告？** 每年 6月30日前，各级民政部门在官方网站公告本级已标识的组织。"
        "{doc}`标识步骤 </clauses/s2-1>`",
        f"- **要标识多少个组织？** 每百万人口 20 个以上（全省至少 {need:,} 个）。{{doc}}`怎么算 </clauses/s2-1>`",
        "- **抽查什么时候、查几家？** 每年 9月前，市、县两级各抽查不少于 10 家志愿服务组织。"
        "{doc}`抽查内容 </clauses/s2-2-targets>`",
        "- **抽查情况什么时候报？** 10月底前，以市州为单位报省民政厅、省文明办。{doc}`报送要求 </clauses/s2-2-targets>`",
    ]
    # a container the site search leaves out of this page's words (the facts' own pages come first)
    return ":::{container} zyfw-answers\n" + "\n".join(lines) + "\n:::"


def workday_calendar_html(end: str, n: int | None = None, weeks: int = 3) -> str:
    """The n-working-day limit after an activity's end date as an HTML calendar (a week per row): text in every
    cell, so it is readable on a phone and by a screen reader; the working days are numbered."""
    from zyfw_checks.params import threshold
    from zyfw_checks.workdays import calendar

    n = int(n or threshold("record_deadline_workdays"))
    cal = calendar()
    end_ts = pd.Timestamp(end).normalize()
    start = end_ts - pd.Timedelta(days=end_ts.weekday())  # the Monday of the end date's week
    days = pd.Series(pd.date_range(start, periods=7 * weeks, freq="D"))
    deadline = cal.add_workdays(pd.Series([end_ts]), n).iloc[0]
    while days.iloc[-1] < deadline:
        days = pd.Series(pd.date_range(start, periods=len(days) + 7, freq="D"))
    work = cal.is_workday(days).to_numpy()
    after = (days > end_ts).to_numpy()
    counted = (work & after).cumsum()
    cells = []
    for day, is_work, is_after, k in zip(days, work, after, counted, strict=True):
        weekend = day.weekday() >= 5
        if day == end_ts:
            cls, label = "zyfw-cal-end", "活动结束"
        elif not is_after:
            cls, label = "zyfw-cal-before", ""
        elif is_work and k <= n:
            cls = "zyfw-cal-deadline" if day == deadline else ("zyfw-cal-swap" if weekend else "zyfw-cal-work")
            label = (f"第{k}个工作日（最后一天）" if day == deadline else
                     (f"调休上班，第{k}天" if weekend else f"第{k}天"))
        elif is_work:
            cls, label = "zyfw-cal-late", "已逾期"
        else:
            cls, label = "zyfw-cal-rest", "休息日" if weekend else "节假日"
        cells.append(f"<td class='{cls}'><span class='zyfw-cal-date'>{day.month}月{day.day}日</span>"
                     f"<span class='zyfw-cal-label'>{label}</span></td>")
    rows = "".join("<tr>" + "".join(cells[i:i + 7]) + "</tr>" for i in range(0, len(cells), 7))
    head = "".join(f"<th scope='col'>周{d}</th>" for d in "一二三四五六日")
    swaps = [d for d, wk, af in zip(days, work, after, strict=True) if wk and af and d.weekday() >= 5 and d <= deadline]
    swap_text = ("其中" + "、".join(f"{d.month}月{d.day}日" for d in swaps) + "是调休上班的周末，要算；") if swaps else ""
    caption = (f"活动 {end_ts.year}年{end_ts.month}月{end_ts.day}日结束：从次日数起，周末和节假日不算，{swap_text}"
               f"第{n}个工作日是 {deadline.year}年{deadline.month}月{deadline.day}日，当天记录仍合规，"
               "再晚一天就逾期。")
    return (f"<table class='zyfw-cal'><caption>{caption}</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{rows}</tbody></table>")


def timeline_markdown() -> str:
    facts = {what: (doc, anchor) for what, _v, _p, doc, anchor in KEY_FACTS}
    rows = [f"| {md_escape(when)} | {md_escape(task)} | {{doc}}`/{facts[fact][0]}` |" for when, task, fact in TIMELINE]
    return "| 时间 | 要做的事 | 详见 |\n| --- | --- | --- |\n" + "\n".join(rows)


def working_hours_default() -> str:
    """The 工具默认值 box for the working hours ACT001 uses (params/lexicons/roles.yaml)."""
    wh = load_params("lexicons/roles")["working_hours"]
    body = (f"工作时间按 **{wh['start']}–{wh['end']}** 计，活动时段有 **{float(wh['clear_share']):.0%}** 以上落在其中"
            f"算“工作时间内”。{md_escape(wh.get('note', ''))}\n\n"
            "可在工具包的参数文件 `zyfw_checks/params/lexicons/roles.yaml`（`working_hours`）中修改。")
    return admonition("default", body, "工作时间")
