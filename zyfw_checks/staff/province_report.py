"""The 10月底 report: a 市州's 抽查工作情况 for the province, gathered from each checked organisation.

The notice (二（二）): “每年9月前市县两级需各对不少于10家志愿服务组织（含其他组织、机构和团队）进行现场抽查，
并于10月底前以市州为单位向省民政厅、省文明办报送抽查工作情况”. The notice sets no format; this one
(工具默认（可改）) has: the counts (organisations checked per level, records checked), problems by
category (the risk table's categories plus the rest of the record rules, ``params/risk.yaml``),
the organisations with problems, and what was done (处理措施, 整改情况) — the last two only as the
staff wrote them in the on-site form: the tool does not decide them.

Inputs: each organisation's record export (checked here with the ordinary engine) and/or the on-site
form (现场抽查结果登记表, one row per organisation; :func:`onsite_template` writes a blank one).
An organisation's conclusion is 有问题 when the records show a 违规 or the form lists a problem,
待核实 when the records show only 存疑 (a person must verify), else 未发现问题.

A finding belongs to the organisation whose record it is. A finding that pairs a record with another
organisation's record (a time overlap, a duplicate: the message names “第N行”) cannot show which of the
two misrecorded (issue 19 §4): it is counted as 存疑 for the record's own organisation, never as a 违规
that would list it as 有问题 for the other one's record. An on-site date after the notice's “9月前”
(params spot_check.onsite_deadline) is named in the notes and the summary.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from zyfw_checks.load import ROW, LoadError, field_specs, load_table
from zyfw_checks.params import load_params, threshold
from zyfw_checks.parsing import normalize_header
from zyfw_checks.staff import risk

NOTICE_SENTENCE = ("每年9月前市县两级需各对不少于10家志愿服务组织（含其他组织、机构和团队）进行现场抽查，"
                   "并于10月底前以市州为单位向省民政厅、省文明办报送抽查工作情况")
OTHER = "其他（现场）"
CONCLUSIONS = ("有问题", "待核实", "未发现问题")


def _cfg() -> dict:
    return load_params("risk")["report"]


def categories() -> list[dict]:
    """Report categories: the risk table's, then the rest of the record rules."""
    return [*risk.categories(), *_cfg()["extra_categories"]]


def rule_category() -> dict[str, str]:
    return {r: c["label"] for c in categories() for r in c["rules"]}


@dataclass
class Report:
    city: str
    year: int
    orgs: pd.DataFrame  # one row per organisation checked
    by_category: pd.DataFrame  # one row per category
    summary: list[tuple[str, str]]  # (项目, 内容)
    measures: pd.DataFrame  # 处理措施 / 整改情况 counts
    notes: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- inputs


def _expand(inputs: list[Path]) -> list[tuple[Path, str]]:
    from zyfw_checks.staff.batch import list_inputs

    out = []
    for p in inputs:
        if p.is_dir():
            out += [(f, f.relative_to(p).as_posix()) for f in list_inputs(p)]
        else:
            out.append((p, p.name))
    return out


def record_results(inputs: list[Path], mask: bool = True) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Check each record file; (per-organisation counts, long counts by category/severity, notes)."""
    from zyfw_checks.engine import check_table
    from zyfw_checks.load import load_table

    cat_of = rule_category()
    orgs, long, notes = [], [], []
    for path, label in _expand(inputs):
        try:
            table = load_table(path)
        except LoadError as exc:
            notes.append(f"“{label}”无法读取，未计入：{exc}")
            continue
        res = check_table(table, mask=mask)
        df = table.df
        key, name, code = risk.org_of(df, file_label=label)
        k = key.to_numpy(dtype=object)
        per = pd.DataFrame({"key": k, "组织": name.to_numpy(dtype=object), "统一社会信用代码": code.to_numpy(dtype=object)})
        got = per.groupby("key", sort=False).agg(组织=("组织", "first"), 统一社会信用代码=("统一社会信用代码", "first"),
                                                  记录数=("组织", "size"))
        got["记录文件"] = label
        orgs.append(got.reset_index())
        f = res.findings
        if len(f):
            pos = pd.Index(df[ROW].to_numpy()).get_indexer(f["row"].to_numpy())
            cat = pd.Series(np.asarray(f["rule"], dtype=object)).map(cat_of).fillna("其他").to_numpy()
            severity = np.asarray(f["severity"], dtype=object).copy()
            cross = other_org_findings(f, df, k, pos)
            if cross.any():
                moved = int((cross & (severity == "违规")).sum())
                severity[cross & (severity == "违规")] = "存疑"
                notes.append(f"“{label}”：{int(cross.sum())} 条问题涉及另一个组织的记录（如时间重叠、重复记录），无法判断是哪一方"
                             f"记录有误，按“存疑”计入本组织（其中 {moved} 条原为“违规”），不据此认定任何一方有问题；请双方核实。")
            g = pd.DataFrame({"key": k[pos], "category": cat, "severity": severity})
            long.append(g.groupby(["key", "category", "severity"]).size().rename("n").reset_index())
        status = res.rule_status()
        missing = status[status["status"] == "未评估"]
        if len(missing):
            notes.append(f"“{label}”：{len(missing)} 条规则未评估（{'、'.join(missing['code'])}），"
                         "原因见各自的自查报告（多为表中缺少所需的列）。")
    orgs_f = pd.concat(orgs, ignore_index=True) if orgs else pd.DataFrame(
        columns=["key", "组织", "统一社会信用代码", "记录数", "记录文件"])
    if len(orgs_f):
        orgs_f = orgs_f.groupby("key", sort=False).agg(
            组织=("组织", "first"), 统一社会信用代码=("统一社会信用代码", "first"), 记录数=("记录数", "sum"),
            记录文件=("记录文件", lambda s: "、".join(dict.fromkeys(s)))).reset_index()
    long_f = pd.concat(long, ignore_index=True).groupby(["key", "category", "severity"])["n"].sum().reset_index() \
        if long else pd.DataFrame(columns=["key", "category", "severity", "n"])
    return orgs_f, long_f, notes


def read_onsite(path: Path) -> tuple[pd.DataFrame, list[str]]:
    """The on-site form → canonical columns (+ ROW, the Excel row), read by the kit's one loader
    (header found under title rows, aliases from params/fields/onsite.yaml, dates as people type them)."""
    try:
        table = load_table(path, kind="onsite")
    except LoadError as exc:
        raise LoadError(f"{exc}（现场抽查结果登记表请用 zyfw report --template 生成后填写。）") from exc
    if "组织名称" not in table.df.columns:
        raise LoadError(f"在“{path.name}”里找不到“组织名称”表头；请用 zyfw report --template 生成的登记表填写。")
    out = table.df[table.df["组织名称"].notna()].reset_index(drop=True)
    text = [c for c in out.columns if c not in (ROW, "抽查日期")]
    out[text] = out[text].astype(object).where(out[text].notna(), None)
    if "抽查日期" in out.columns:
        out["抽查日期"] = out["抽查日期"].dt.strftime("%Y-%m-%d").astype(object).where(out["抽查日期"].notna(), None)
    return out, list(table.notes)


def onsite_template() -> bytes:
    from zyfw_checks.report.excel import workbook_bytes

    spec = field_specs("onsite")
    form = pd.DataFrame(columns=list(spec))
    help_rows = pd.DataFrame({"列": list(spec), "填写说明": [s.get("note", "") for s in spec.values()]})
    cats = pd.DataFrame({"问题分类（填在“发现的问题”一栏）": [c["label"] for c in categories()],
                         "对应规则": ["、".join(c["rules"]) for c in categories()]})
    return workbook_bytes({"现场抽查结果": form, "填写说明": help_rows, "问题分类": cats})


def _tokens(s: pd.Series) -> pd.Series:
    """发现的问题 → list of category labels (rule codes and partial labels accepted)."""
    labels = [c["label"] for c in categories()]
    codes = rule_category()
    no = {normalize_header(w) for w in _cfg()["no_problem_words"]}

    def one(text) -> list[str]:  # one cell of a form filled by hand: a handful of rows, not records
        if text is None or (isinstance(text, float) and np.isnan(text)):
            return []
        out = []
        for tok in re.split(r"[、,，;；/\s]+", str(text)):
            tok = tok.strip()
            if not tok or normalize_header(tok) in no:
                continue
            hit = codes.get(tok.upper()) or next((lab for lab in labels if tok == lab or tok in lab or lab in tok), None)
            out.append(hit or OTHER)
        return list(dict.fromkeys(out))

    return s.map(one)


# ---------------------------------------------------------------- the report


_OTHER_ROW = r"与第(\d+)行"  # the rules' wording for the other record of a pair (records.py, data_quality.py)


def other_org_findings(findings: pd.DataFrame, df: pd.DataFrame, key: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """True for each finding whose message names another row (“与第N行”) that belongs to another organisation."""
    other = pd.to_numeric(findings["message"].astype("string").str.extract(_OTHER_ROW, expand=False), errors="coerce")
    at = pd.Index(df[ROW].to_numpy()).get_indexer(other.fillna(-1).astype("int64").to_numpy())
    own = key[pos]
    theirs = np.where(at >= 0, key[np.clip(at, 0, None)], None)
    return (at >= 0) & (theirs != own)


def late_onsite(form: pd.DataFrame, year: int) -> pd.DataFrame:
    """Rows of the on-site form whose 抽查日期 is after the notice's “9月前” (onsite_deadline of ``year``)."""
    if not len(form) or "抽查日期" not in form.columns:
        return form.iloc[0:0]
    d = threshold("onsite_deadline", on=dt.date(year, 12, 31), name="spot_check")
    deadline = pd.Timestamp(year, int(d["month"]), int(d["day"]))
    when = pd.to_datetime(form["抽查日期"], errors="coerce")
    return form[(when.dt.normalize() > deadline).fillna(False).to_numpy()]  # the deadline day itself counts


def build(inputs: list[Path], onsite: Path | None = None, city: str = "", year: int | None = None,
          mask: bool = True) -> Report:
    year = year or dt.date.today().year
    orgs_r, long, notes = record_results(inputs, mask=mask)
    form = pd.DataFrame()
    if onsite is not None:
        form, more = read_onsite(onsite)
        notes += more
    rows = _merge(orgs_r, form)
    cats = [c["label"] for c in categories()]
    wide = long.pivot_table(index="key", columns=["severity"], values="n", aggfunc="sum", fill_value=0) \
        if len(long) else pd.DataFrame()
    rows["违规条数"] = wide["违规"].reindex(rows["key"]).fillna(0).astype("int64").to_numpy() if "违规" in wide else 0
    rows["存疑条数"] = wide["存疑"].reindex(rows["key"]).fillna(0).astype("int64").to_numpy() if "存疑" in wide else 0
    breach = long[long["severity"] == "违规"].pivot_table(index="key", columns="category", values="n", aggfunc="sum",
                                                         fill_value=0) if len(long) else pd.DataFrame()
    for c in cats:
        rows[f"{c}（违规条数）"] = breach[c].reindex(rows["key"]).fillna(0).astype("int64").to_numpy() \
            if c in breach.columns else 0
    onsite_cats = _tokens(rows["发现的问题"]) if "发现的问题" in rows else pd.Series([[]] * len(rows), index=rows.index)
    has_onsite_problem = onsite_cats.map(bool) | pd.to_numeric(rows.get("问题数"), errors="coerce").fillna(0).gt(0)
    rows["结论"] = np.where((rows["违规条数"] > 0) | has_onsite_problem, "有问题",
                          np.where(rows["存疑条数"] > 0, "待核实", "未发现问题"))
    main = []
    for i in range(len(rows)):  # one short text per organisation checked (tens of rows)
        parts = [c for c in cats if rows[f"{c}（违规条数）"].iloc[i] > 0] + [c for c in onsite_cats.iloc[i] if c not in cats]
        parts += [c for c in onsite_cats.iloc[i] if c in cats and c not in parts]
        main.append("、".join(parts))
    rows["主要问题类别"] = main
    by_cat = _by_category(rows, long, onsite_cats, cats)
    measures = _measures(rows)
    summary = _summary(rows, city, year, form)
    notes = _notes(form, rows) + notes
    late = late_onsite(form, year)
    if len(late):
        d = threshold("onsite_deadline", on=dt.date(year, 12, 31), name="spot_check")
        names = late["组织名称"].astype("string").fillna("（未填名称）") if "组织名称" in late else pd.Series(["（未填名称）"] * len(late))
        when = pd.to_datetime(late["抽查日期"], errors="coerce").dt.strftime("%Y-%m-%d")
        notes.insert(0, f"现场抽查日期晚于{d['month']}月{d['day']}日的组织 {len(late)} 家："
                     + "、".join((names + "（" + when + "）").head(20).tolist())
                     + f"。通知要求“每年9月前”完成现场抽查（本工具按{d['month']}月{d['day']}日（含）计，"
                       "参数 spot_check.onsite_deadline，可改）。")
        summary = [(k, v + (f"；其中 {len(late)} 家晚于{d['month']}月{d['day']}日（通知要求9月前）" if k == "现场抽查日期" else ""))
                   for k, v in summary]
    out_cols = ["组织", "统一社会信用代码", "抽查层级", "县市区", "抽查日期", "检查方式", "记录文件", "记录数", "违规条数", "存疑条数",
                *[f"{c}（违规条数）" for c in cats], "发现的问题", "问题说明", "结论", "主要问题类别", "处理措施", "整改情况"]
    rows = rows.reindex(columns=out_cols)
    rows.insert(0, "序号", np.arange(1, len(rows) + 1))
    return Report(city=city, year=year, orgs=rows, by_category=by_cat, summary=summary, measures=measures, notes=notes)


def _merge(orgs_r: pd.DataFrame, form: pd.DataFrame) -> pd.DataFrame:
    """One row per organisation: records matched to the form by 统一社会信用代码, else by name."""
    r = orgs_r.copy()
    r["_code"] = r["统一社会信用代码"].astype("string").str.upper() if len(r) else pd.Series(dtype="string")
    r["_name"] = r["组织"].astype("string").str.normalize("NFKC").str.strip() if len(r) else pd.Series(dtype="string")
    used = set()
    rows = []
    for rec in form.to_dict("records") if len(form) else []:  # the form has one row per organisation checked
        code = str(rec.get("统一社会信用代码") or "").strip().upper()
        name = str(rec.get("组织名称") or "").strip()
        hit = r[(r["_code"] == code)] if code else r.iloc[0:0]
        if not len(hit):
            hit = r[r["_name"] == pd.Series([name]).str.normalize("NFKC").iloc[0]]
        row = {"组织": name, "统一社会信用代码": code or None, **{k: rec.get(k) for k in (
            "抽查层级", "县市区", "抽查日期", "抽查方式", "发现的问题", "问题数", "问题说明", "处理措施", "整改情况")}}
        if len(hit):
            h = hit.iloc[0]
            used.add(h["key"])
            row.update(key=h["key"], 记录数=int(h["记录数"]), 记录文件=h["记录文件"],
                       检查方式="服务记录检查、现场抽查" + (f"（{rec['抽查方式']}）" if rec.get("抽查方式") else ""))
        else:
            row.update(key=f"现场:{name}", 记录数=0, 记录文件=None,
                       检查方式="现场抽查" + (f"（{rec['抽查方式']}）" if rec.get("抽查方式") else ""))
        rows.append(row)
    for h in r[~r["key"].isin(used)].to_dict("records") if len(r) else []:
        rows.append({"key": h["key"], "组织": h["组织"], "统一社会信用代码": h["统一社会信用代码"], "记录数": int(h["记录数"]),
                     "记录文件": h["记录文件"], "检查方式": "服务记录检查"})
    cols = ["key", "组织", "统一社会信用代码", "抽查层级", "县市区", "抽查日期", "抽查方式", "发现的问题", "问题数", "问题说明",
            "处理措施", "整改情况", "记录数", "记录文件", "检查方式"]
    return pd.DataFrame(rows).reindex(columns=cols).reset_index(drop=True)


def _by_category(rows: pd.DataFrame, long: pd.DataFrame, onsite_cats: pd.Series, cats: list[str]) -> pd.DataFrame:
    out = []
    onsite_count = pd.Series([c for cs in onsite_cats for c in cs], dtype=object).value_counts()
    sources = {c["label"]: c for c in categories()}
    for c in [*cats, *([OTHER] if OTHER in onsite_count.index else [])]:
        sub = long[long["category"] == c] if len(long) else long
        breach = sub[sub["severity"] == "违规"] if len(sub) else sub
        doubt = sub[sub["severity"] == "存疑"] if len(sub) else sub
        orgs_rec = set(breach["key"]) if len(breach) else set()
        orgs_onsite = {rows["key"].iloc[i] for i, cs in enumerate(onsite_cats) if c in cs}
        out.append({
            "问题类别": c, "对应规则": "、".join(sources[c]["rules"]) if c in sources else "现场填写",
            "违规条数": int(breach["n"].sum()) if len(breach) else 0, "存疑条数": int(doubt["n"].sum()) if len(doubt) else 0,
            "服务记录显示违规的组织（家）": len(orgs_rec), "现场发现的组织（家）": int(onsite_count.get(c, 0)),
            "涉及组织合计（家）": len(orgs_rec | orgs_onsite),
        })
    return pd.DataFrame(out)


def _split(s: pd.Series) -> pd.Series:
    return s.dropna().astype(str).str.split(r"[、,，;；/]+").explode().str.strip().replace("", np.nan).dropna()


def _measures(rows: pd.DataFrame) -> pd.DataFrame:
    parts = []
    for col in ("处理措施", "整改情况"):
        if col in rows:
            vc = _split(rows[col]).value_counts()
            parts.append(pd.DataFrame({"项目": col, "内容": vc.index, "组织（家）": vc.to_numpy()}))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["项目", "内容", "组织（家）"])


def _deadline(year: int) -> dt.date:
    d = threshold("report_deadline", on=dt.date(year, 12, 31), name="spot_check")
    return dt.date(year, int(d["month"]), int(d["day"]))


def level_lines(rows: pd.DataFrame, form: pd.DataFrame) -> list[str]:
    """How many organisations each level checked on site, against the notice's at least 10."""
    need = int(threshold("min_per_level", name="spot_check"))
    if not len(form):
        return ["没有提供现场抽查结果登记表：无法统计市县两级现场抽查家数"]
    if "抽查层级" not in form.columns:
        return [f"登记表没有“抽查层级”一栏：现场抽查共 {len(form)} 家，无法分市级、县级统计"]
    lv = form["抽查层级"].fillna("未填").astype(str)
    out = []
    n_city = int(lv.str.contains("市").sum())
    out.append(f"市级现场抽查 {n_city} 家（通知要求不少于{need}家）" + ("，已达到" if n_city >= need else "，按本表所列少于要求"))
    county = form[lv.str.contains("县|区")]
    if len(county):
        where = county["县市区"].fillna("（未填县市区）") if "县市区" in county else pd.Series("（未填县市区）", index=county.index)
        for name, n in where.value_counts().sort_index().items():
            out.append(f"{name}县级现场抽查 {n} 家（通知要求不少于{need}家）" + ("，已达到" if n >= need else "，按本表所列少于要求"))
    else:
        out.append("登记表中没有县级现场抽查的组织")
    unknown = int((~lv.str.contains("市|县|区")).sum())
    if unknown:
        out.append(f"{unknown} 家未填抽查层级")
    return out


def _summary(rows: pd.DataFrame, city: str, year: int, form: pd.DataFrame) -> list[tuple[str, str]]:
    conc = rows["结论"].value_counts()
    dates = pd.to_datetime(rows["抽查日期"], errors="coerce").dropna() if "抽查日期" in rows else pd.Series([], dtype="datetime64[ns]")
    items = [
        ("市州", city or "（未填写）"), ("抽查年度", f"{year}年"),
        ("报送要求", f"{NOTICE_SENTENCE}（湘民发〔2023〕29号 二（二））；本年度报送截止 {_deadline(year):%Y年%m月%d日}"),
        ("抽查组织数", f"{len(rows)} 家（现场抽查 {int(rows['检查方式'].str.contains('现场').sum())} 家，"
                   f"检查服务记录 {int(rows['检查方式'].str.contains('服务记录').sum())} 家）"),
        ("现场抽查家数", "；".join(level_lines(rows, form)) + "。"),
        ("现场抽查日期", f"{dates.min():%Y-%m-%d} 至 {dates.max():%Y-%m-%d}" if len(dates) else "（未填写）"),
        ("检查的服务记录", f"{int(rows['记录数'].fillna(0).sum()):,} 条"),
        ("发现问题", f"违规 {int(rows['违规条数'].sum()):,} 条，存疑（需人工核实）{int(rows['存疑条数'].sum()):,} 条"),
        ("结论", "，".join(f"{c} {int(conc.get(c, 0))} 家" for c in CONCLUSIONS)),
        ("有问题的组织", "、".join(rows.loc[rows["结论"] == "有问题", "组织"].astype(str)) or "无"),
    ]
    return items


def _notes(form: pd.DataFrame, rows: pd.DataFrame) -> list[str]:
    out = [
        "结论：服务记录有“违规”问题或现场登记了问题的为“有问题”；服务记录只有“存疑”问题（需人工核实）的为“待核实”；其余为“未发现问题”。",
        "问题分类与规则的对应见“问题分类统计”表及 params/risk.yaml（工具默认（可改））；每条问题的条款和依据见各组织的自查报告。",
        "处理措施和整改情况照录现场抽查结果登记表，本工具不作判断。",
        "报送格式通知没有规定，本表式为工具默认（可改）。",
    ]
    if len(form) and "处理措施" in form.columns:
        blank = rows[(rows["结论"] == "有问题") & rows["处理措施"].isna()]
        if len(blank):
            out.append(f"有问题但未填写处理措施的组织 {len(blank)} 家：" + "、".join(blank["组织"].astype(str).head(10)))
    return out


# ---------------------------------------------------------------- outputs


def to_xlsx(rep: Report) -> bytes:
    from zyfw_checks.report.excel import workbook_bytes

    return workbook_bytes({
        "情况汇总": pd.DataFrame(rep.summary, columns=["项目", "内容"]),
        "分组织情况": rep.orgs,
        "问题分类统计": rep.by_category,
        "处理情况": rep.measures,
        "说明": pd.DataFrame({"说明": rep.notes}),
    })


def to_dict(rep: Report) -> dict:
    def rec(df: pd.DataFrame) -> list[dict]:
        rows = df.astype(object).where(df.notna(), None).to_dict("records")
        return [{k: (v.item() if hasattr(v, "item") else v) for k, v in r.items()} for r in rows]

    return {"city": rep.city, "year": rep.year, "summary": dict(rep.summary), "organisations": rec(rep.orgs),
            "by_category": rec(rep.by_category), "measures": rec(rep.measures), "notes": rep.notes}


def summary_lines(rep: Report) -> list[str]:
    return [f"{k}：{v}" for k, v in rep.summary]


def _table(doc, frame: pd.DataFrame, size: float = 9) -> None:
    from zyfw_checks.staff.forms import _font

    t = doc.add_table(rows=1, cols=len(frame.columns))
    t.style = "Table Grid"
    for cell, col in zip(t.rows[0].cells, frame.columns, strict=True):
        cell.text = ""
        _font(cell.paragraphs[0].add_run(str(col)), size, bold=True)
    for values in frame.astype(object).where(frame.notna(), "").itertuples(index=False):  # tens of rows
        cells = t.add_row().cells
        for cell, v in zip(cells, values, strict=True):
            cell.text = ""
            _font(cell.paragraphs[0].add_run(f"{v:,}" if isinstance(v, (int, np.integer)) else str(v)), size)


def to_docx(rep: Report) -> bytes:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    from zyfw_checks.staff.forms import _font

    doc = Document()
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.LANDSCAPE
    sec.page_width, sec.page_height = Cm(29.7), Cm(21.0)
    sec.left_margin = sec.right_margin = Cm(2.0)
    sec.top_margin = sec.bottom_margin = Cm(2.0)

    def para(text: str, size: float = 12, bold: bool = False, east: str = "仿宋", center: bool = False) -> None:
        p = doc.add_paragraph()
        if center:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(p.add_run(text), size, bold, east=east)

    para(f"{rep.city}{rep.year}年志愿服务记录与证明抽查工作情况", 18, True, east="方正小标宋简体", center=True)
    s = dict(rep.summary)
    para("一、基本情况", 14, True, east="黑体")
    para(f"按照《关于进一步加强志愿服务若干事项规范管理工作的通知》（湘民发〔2023〕29号）“{NOTICE_SENTENCE}”的要求，"
         f"{rep.city or '本市州'}{rep.year}年共抽查志愿服务组织（含其他组织、机构和团队）{s['抽查组织数']}，"
         f"检查服务记录{s['检查的服务记录']}。现场抽查日期：{s['现场抽查日期']}。")
    para(s["现场抽查家数"])
    para("二、发现的问题", 14, True, east="黑体")
    para(f"{s['发现问题']}。{s['结论']}。有问题的组织：{s['有问题的组织']}。")
    _table(doc, rep.by_category)
    para("三、各组织情况与处理情况", 14, True, east="黑体")
    _table(doc, rep.orgs[["序号", "组织", "抽查层级", "检查方式", "记录数", "违规条数", "存疑条数", "结论", "主要问题类别",
                          "处理措施", "整改情况"]])
    if len(rep.measures):
        para("处理措施与整改情况统计：" + "；".join(f"{r.项目}“{r.内容}” {r._3} 家" for r in rep.measures.itertuples()))
    para("四、说明", 14, True, east="黑体")
    for n in rep.notes:
        para(n, 11)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
