"""The trainers' lesson kit: curated cases (book/cases/lesson_cases.yaml) as stories, answers, sheets, quiz.

A case is a short story plus the one record it describes; dates, weekdays, times, hours, fees and
subsidies in the story are filled in from the record, so the two cannot disagree. ``check_case``
runs the record through the package, and tests/test_book.py requires the package's verdict to
match the answer (违规 for 不能记录, 存疑 for 存疑, no finding of the 不予认定 rules for 可以记录).
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from pathlib import Path

import pandas as pd
import yaml
from zyfw_guide import BOOK, md_escape, quote

CASES = BOOK / "cases" / "lesson_cases.yaml"
ANSWERS = ("可以记录", "不能记录", "存疑")
CATEGORY_NAMES = {
    "无": "不属于不予认定的活动",
    "①": "第①类：工作时间内参加与本职工作密切相关的活动",
    "②": "第②类：单位或学校内部有明确制度要求的活动",
    "③": "第③类：违反志愿服务时间记录规定的活动",
    "④": "第④类：以志愿服务名义组织的收费旅游、参观、会议、研学、夏令营等活动",
    "报酬": "发放了必要补贴以外的报酬",
    "营利": "假冒志愿服务名义开展营利性活动",
}
# The rules a 可以记录 case must not trigger: the four categories and the other 二（二）① duties.
ACTIVITY_RULES = ("ACT001", "ACT002", "ACT003", "ACT004", "ACT005", "REC005")
WEEKDAYS = "一二三四五六日"
DOWNLOADS = {
    "questions": "lesson_questions.docx",
    "answers": "lesson_answers.docx",
    "cases": "lesson_cases.csv",
}


def load_cases(path: Path = CASES) -> list[dict]:
    cases = yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]
    ids = [c["id"] for c in cases]
    if len(set(ids)) != len(ids):
        raise ValueError("案例编号重复")
    for c in cases:
        if c["answer"] not in ANSWERS or c["category"] not in CATEGORY_NAMES:
            raise ValueError(f"{c['id']}：答案或类别不在允许的取值中")
        if c["answer"] == "存疑" and not c.get("verify"):
            raise ValueError(f"{c['id']}：存疑案例要写明核实什么（verify）")
    return cases


def _fmt_hours(h: float) -> str:
    return f"{h:g}"


def facts(case: dict) -> dict[str, str]:
    """The values a story may use, all computed from the record."""
    r = case["record"]
    start = dt.datetime.strptime(str(r["开始时间"]), "%Y-%m-%d %H:%M")
    end = dt.datetime.strptime(str(r["结束时间"]), "%Y-%m-%d %H:%M")
    span = round((end - start).total_seconds() / 3600, 2)
    # the hours credited: the span of the times, unless the record credits something else (e.g. a donation)
    hours = float(r.get("服务时长(小时)", span))
    return {
        "日期": f"{start.year}年{start.month}月{start.day}日",
        "星期": "星期" + WEEKDAYS[start.weekday()],
        "开始": start.strftime("%H:%M"),
        "结束": end.strftime("%H:%M"),
        "时长": _fmt_hours(hours),
        "用时": _fmt_hours(span),
        "费用": _fmt_hours(float(r.get("参与费用") or 0)),
        "补贴": _fmt_hours(float(r.get("补贴金额") or 0)),
    }


_CJK_SPACE = re.compile(r"(?<=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef])\s+(?=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef])")


def fill(text: str, case: dict) -> str:
    """The text with the record's values filled in; a folded line break between Chinese characters is no space."""
    return _CJK_SPACE.sub("", " ".join(str(text).split())).format(**facts(case))


def record_row(case: dict) -> dict:
    """The case's record as one row of a records table (hours computed from the times)."""
    r = dict(case["record"])
    r.setdefault("参与费用", 0)
    r["服务时长(小时)"] = float(facts(case)["时长"])
    r["记录编号"] = case["id"]
    return r


def case_table(cases: list[dict] | None = None) -> pd.DataFrame:
    cases = cases or load_cases()
    return pd.DataFrame([record_row(c) for c in cases])


def check_cases(cases: list[dict] | None = None) -> dict[str, pd.DataFrame]:
    """Each case's findings from the package (one check over all case records)."""
    from zyfw_checks.engine import check_table
    from zyfw_checks.load import load_frame

    cases = cases or load_cases()
    result = check_table(load_frame(case_table(cases)))
    f = result.findings
    return {c["id"]: f[f["record_id"].astype(str) == c["id"]] for c in cases}


# ---------------------------------------------------------------- pages


def tool_verdict(c: dict, findings: pd.DataFrame | None) -> str:
    """What the self-check tool says about the case's record (computed, never written by hand)."""
    if findings is None:
        return ""
    found = dict(zip(findings["rule"], findings["severity"], strict=False))
    if not found:
        return "自查工具检查这条记录：没有报出问题。"
    text = "自查工具检查这条记录：" + "、".join(f"`{k}` 报“{v}”" for k, v in found.items()) + "。"
    if c["answer"] == "不能记录" and found.get(c["rule"]) == "存疑":
        text += "工具只看得到记录里的文字、时间和金额，看不到故事里交代的其他事实（谁安排的、是不是本职或内部要求），所以只能报“存疑”，由人核实。"
    return text


def _answer_block(c: dict, findings: pd.DataFrame | None = None) -> list[str]:
    out = [f"**{c['answer']}**（{CATEGORY_NAMES[c['category']]}）", ""]
    out.append(f"- **决定答案的事实**：{md_escape(fill(c['deciding'], c))}")
    out.append(f"- **容易混淆的**：{md_escape(fill(c['lookalike'], c))}")
    out.append(f"- **对应规则**：{{ref}}`{c['rule']} <rule-{c['rule'].lower()}>`")
    out.append(f"- **什么会改变答案**：{md_escape(fill(c['change'], c))}")
    if c.get("verify"):
        out.append(f"- **要核实什么**：{md_escape(fill(c['verify'], c))}")
    if c["answer"] == "可以记录":
        out.append("- 可以记录的前提：不属于四类不予认定的活动，**并且**是自愿、无偿、公益的服务（《志愿服务条例》第二条）。")
    verdict = tool_verdict(c, findings)
    if verdict:
        out.append(f"- {verdict}")
    return out


# Printed under each question of the student sheet (hidden on screen): the choices and lines to write on.
ANSWER_LINES = ('<div class="zyfw-print-only zyfw-answer-lines">答案：□ 可以记录　□ 不能记录　□ 存疑（需要核实）'
                '<br>依据：<span class="zyfw-answer-line"></span><span class="zyfw-answer-line"></span></div>')


def questions_markdown(cases: list[dict] | None = None, findings: dict[str, pd.DataFrame] | None = None) -> str:
    """The question sheet: each case as a story with the question; answers in dropdowns (hidden in print).

    ``findings`` (from :func:`check_cases`) adds what the self-check tool says about each record.
    """
    cases = cases or load_cases()
    findings = findings or {}
    out = []
    for c in cases:
        out += [f"(case-{c['id'].lower()})=", f"### {c['id']} {md_escape(c['title'])}", "",
                md_escape(fill(c["story"], c)), "",
                "**问题**：这项活动能否记录为志愿服务？依据是什么？", "",
                ANSWER_LINES, "",
                ":::{dropdown} 答案\n:class-container: zyfw-answer", *_answer_block(c, findings.get(c["id"])), ":::", ""]
    return "\n".join(out)


def answer_key_markdown(cases: list[dict] | None = None) -> str:
    """The answer key as one table (printed on its own page)."""
    cases = cases or load_cases()
    rows = [f"| {c['id']} | {c['answer']} | {CATEGORY_NAMES[c['category']].split('：')[0]} | `{c['rule']}` "
            f"| {md_escape(fill(c['deciding'], c))} |" for c in cases]
    return "| 编号 | 答案 | 类别 | 规则 | 决定答案的事实 |\n| --- | --- | --- | --- | --- |\n" + "\n".join(rows)


def quiz_html(cases: list[dict] | None = None) -> str:
    """A self-scoring quiz in plain JavaScript (no external files): choose an answer, see why."""
    cases = cases or load_cases()
    data = [{"id": c["id"], "answer": c["answer"], "why": fill(c["deciding"], c)} for c in cases]
    items = []
    for c in cases:
        opts = "".join(
            f'<label><input type="radio" name="zyfw-q-{c["id"]}" value="{a}"> {a}</label>' for a in ANSWERS)
        items.append(f'<fieldset data-case="{c["id"]}"><legend>{c["id"]} {html.escape(c["title"])}</legend>'
                     f'<p>{html.escape(fill(c["story"], c))}</p>{opts}'
                     f'<div class="zyfw-feedback" aria-live="polite"></div></fieldset>')
    script = """
<script>
(function () {
  const data = __DATA__;
  const root = document.currentScript.parentElement;
  const score = root.querySelector(".zyfw-quiz-score");
  function update() {
    let answered = 0, right = 0;
    for (const c of data) {
      const box = root.querySelector('fieldset[data-case="' + c.id + '"]');
      const chosen = box.querySelector("input:checked");
      const fb = box.querySelector(".zyfw-feedback");
      if (!chosen) { fb.textContent = ""; continue; }
      answered += 1;
      const ok = chosen.value === c.answer;
      if (ok) right += 1;
      fb.className = "zyfw-feedback " + (ok ? "zyfw-right" : "zyfw-wrong");
      fb.textContent = (ok ? "答对了。" : "不对，答案是“" + c.answer + "”。") + c.why;
    }
    score.textContent = "已答 " + answered + " 题，答对 " + right + " 题（共 " + data.length + " 题）";
  }
  root.addEventListener("change", update);
  root.querySelector(".zyfw-quiz-reset").addEventListener("click", function () {
    root.querySelectorAll("input").forEach(function (i) { i.checked = false; });
    update();
  });
  update();
})();
</script>""".replace("__DATA__", json.dumps(data, ensure_ascii=False).replace("<", "\\u003c"))
    return ('<div class="zyfw-quiz">' + "".join(items)
            + '<p class="zyfw-quiz-score"></p><button type="button" class="zyfw-quiz-reset btn btn-secondary">重新作答</button>'
            + script + "</div>")


# ---------------------------------------------------------------- downloads


def _docx(cases: list[dict], with_answers: bool):
    """The student sheet (stories, choices and answer lines, no trainer notes) or the answer key, on A4."""
    from docx import Document
    from docx.shared import Mm, Pt

    doc = Document()
    for section in doc.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = Mm(20)
        section.top_margin = section.bottom_margin = Mm(18)
    doc.add_heading("能否记录为志愿服务？——培训案例" + ("答案" if with_answers else "题目单"), level=1)
    if not with_answers:
        doc.add_paragraph("阅读每个案例，判断：可以记录 / 不能记录 / 存疑（需要核实），并写出依据。")
    for c in cases:
        doc.add_heading(f"{c['id']} {c['title']}", level=2)
        if with_answers:
            doc.add_paragraph(f"{c['answer']}（{CATEGORY_NAMES[c['category']]}）")
            for label, key in (("决定答案的事实", "deciding"), ("容易混淆的", "lookalike"),
                               ("什么会改变答案", "change"), ("要核实什么", "verify")):
                if c.get(key):
                    doc.add_paragraph(f"{label}：{fill(c[key], c)}", style="List Bullet")
            doc.add_paragraph(f"对应规则：{c['rule']}", style="List Bullet")
        else:
            doc.add_paragraph(fill(c["story"], c))
            doc.add_paragraph("答案：□ 可以记录　□ 不能记录　□ 存疑（需要核实）")
            doc.add_paragraph("依据：" + "_" * 44)
            doc.add_paragraph("_" * 50)
    for p in doc.paragraphs:
        for run in p.runs:
            run.font.size = Pt(12)
    return doc


def write_downloads(folder: Path, cases: list[dict] | None = None) -> dict[str, Path]:
    """The question sheet and answer key (.docx) and the case file (.csv), for 下载 and the trainers' page."""
    cases = cases or load_cases()
    folder.mkdir(parents=True, exist_ok=True)
    paths = {k: folder / v for k, v in DOWNLOADS.items()}
    _docx(cases, with_answers=False).save(paths["questions"])
    _docx(cases, with_answers=True).save(paths["answers"])
    table = case_table(cases).assign(
        故事=[fill(c["story"], c) for c in cases], 答案=[c["answer"] for c in cases],
        类别=[c["category"] for c in cases], 规则=[c["rule"] for c in cases],
        决定答案的事实=[fill(c["deciding"], c) for c in cases])
    text = table.to_csv(index=False)
    if not paths["cases"].exists() or paths["cases"].read_text(encoding="utf-8-sig") != text:
        paths["cases"].write_text(text, encoding="utf-8-sig")
    return paths


__all__ = ["load_cases", "fill", "facts", "check_cases", "questions_markdown", "answer_key_markdown",
           "quiz_html", "write_downloads", "quote"]
