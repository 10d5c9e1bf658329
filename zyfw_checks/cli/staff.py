"""Staff commands: ``zyfw orgs`` · ``zyfw certs`` · ``zyfw stations`` · ``zyfw plan`` · ``zyfw form``.

Same conventions as ``zyfw check``: exit 0 no 违规 · 1 at least one 违规 · 2 the input cannot be read;
the input file is never written; 证件号码 and 联系电话 are masked unless ``--no-mask``.
"""

from __future__ import annotations

import json
import secrets
import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

from zyfw_checks.cli._io import EXIT_OK, EXIT_VIOLATION, _err, default_output, workbook, write_output
from zyfw_checks.errors import UsageError

if TYPE_CHECKING:  # pandas is imported by the commands that need it: `zyfw --help` stays light
    import pandas as pd

FORMATS = ("table", "json", "xlsx")


# ---------------------------------------------------------------- shared views


def findings_text(result, title: str, unit: str, limit: int | None = 200) -> str:
    """Terminal view of a CheckResult for the staff tables: the same report as ``zyfw check``."""
    from zyfw_checks.report import text

    return text.render(result, limit=limit, title=title, unit=unit)


def result_dict(result) -> dict:
    from zyfw_checks.report.jsonout import as_dict

    return as_dict(result)


def result_sheets(result) -> dict[str, pd.DataFrame]:
    import pandas as pd

    from zyfw_checks import penalties

    f = result.findings
    cols = ["row", "rule", "severity", "title", "record_id", "message", "evidence", "clause"]
    names = {"row": "行号", "rule": "规则", "severity": "严重程度", "title": "问题", "record_id": "编号", "message": "说明",
             "evidence": "依据", "clause": "条款"}
    sheets = {"问题明细": f[cols].rename(columns=names) if len(f) else pd.DataFrame(columns=list(names.values()))}
    from zyfw_checks.report.facts import status_text

    status = result.rule_status()
    sheets["各规则结果"] = pd.DataFrame({"规则": status["code"], "问题": status["title"], "严重程度": status["severity"],
                                    "结果": [status_text(r) for r in status.itertuples()]})
    na = status[status["status"].isin(["未评估", "部分未评估"]) | status["reason"].ne("")]
    sheets["未评估"] = pd.DataFrame({"规则": na["code"], "问题": na["title"], "原因": na["reason"]})
    ref = penalties.reference(f)
    if ref:
        sheets["处罚参考"] = pd.DataFrame([{"行为": r["行为"], "涉及规则": "、".join(r["涉及规则"]), "条文": a["名称"],
                                        "内容": a["内容"], "说明": penalties.header()["说明"]} for r in ref for a in r["条文"]])
    sheets["说明"] = pd.DataFrame({"说明": result.notes or ["无"]})
    return sheets


def _emit(args, src: Path, text_fn, json_fn, sheets_fn, inputs: list[Path]) -> None:
    out = Path(args.output) if args.output else None
    if args.format == "xlsx" and out is None:
        out = default_output(src, "xlsx")
    if args.format == "table":
        content = text_fn(None if args.all or out else 200)
    elif args.format == "json":
        content = json.dumps(json_fn(), ensure_ascii=False, indent=2, default=str)
    else:
        content = workbook(sheets_fn())
    write_output(content, out, inputs)


def _exit(result) -> int:
    return EXIT_VIOLATION if result.has_violation else EXIT_OK


# ---------------------------------------------------------------- zyfw orgs


def parse_day(text: str | None):
    """A --as-of date (YYYY-MM-DD) → datetime.date; None stays None (today)."""
    if text is None:
        return None
    import datetime as dt

    try:
        return dt.date.fromisoformat(str(text).strip())
    except ValueError:
        raise UsageError(f"日期“{text}”看不懂：请写成 2026-07-01 这样的格式。") from None


def read_county_populations(path: Path) -> dict:
    """--county-populations: a .csv/.xlsx of 区划代码, 常住人口 → the populations used for the density table."""
    import pandas as pd

    from zyfw_checks.staff import identification as ident

    if not path.exists():
        raise UsageError(f"找不到县市区人口表“{path}”。")
    if path.suffix.lower() in (".xlsx", ".xls", ".ods"):
        frame = pd.read_excel(path, dtype=str, engine="calamine")
    else:
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("gb18030")
        import io

        frame = pd.read_csv(io.StringIO(text), dtype=str)
    return ident.with_county_populations(frame, path.name)


def org_outputs(table, mask: bool = True, as_of=None, pops: dict | None = None):
    """(CheckResult, organisations frame, density frame) for a loaded orgs table, judged on ``as_of``."""
    import pandas as pd

    from zyfw_checks.engine import check_table
    from zyfw_checks.load import ROW
    from zyfw_checks.staff import identification as ident

    options = {k: v for k, v in (("as_of", as_of), ("populations", pops)) if v}
    result = check_table(table, mask=mask, options=options or None)
    df = table.df
    d = ident.decide(df)
    where = ident.jurisdiction_of(df)
    organisations = pd.DataFrame({
        "row": df[ROW].astype("int64"), "名称": df["名称"] if "名称" in df.columns else pd.NA,
        "统一社会信用代码": df["统一社会信用代码"] if "统一社会信用代码" in df.columns else pd.NA,
        "登记地": where["市州"].fillna("") + where["县区"].fillna(""), "现状": d["现状"], "结论": d["结论"],
        "待办": d["待办"], "理由": d["理由"], "clause": ident.cite(d["clause"]),
    })
    for col in ("注册志愿者数", "年活动次数", "影响力"):
        if col in df.columns:
            _, bad = ident.to_count(df[col])
            if bad.any():
                result.notes.append(f"“{table.mapping.get(col, col)}”列第 {', '.join(map(str, df.loc[bad, ROW].head(10).tolist()))} 行"
                                    "不是数字，抽查排序时按0计。")
    return result, organisations, ident.density(df, pops=pops, on=as_of)


def _records(frame: pd.DataFrame) -> list[dict]:
    """Rows as JSON-ready dicts: numpy scalars as Python values, missing values as None."""
    out = frame.astype(object).where(frame.notna(), None).to_dict("records")
    for item in out:
        for k, v in item.items():
            if hasattr(v, "item"):
                item[k] = v.item()
    return out


def density_lines(dens: pd.DataFrame) -> list[str]:
    """The 每百万人口标识数 summary (ORG003), one line per 市州 / 县市区 / 全省."""
    import pandas as pd

    from zyfw_checks.params import threshold

    target = threshold("density_per_million", name="orgs")
    lines = [f"每百万人口标识数（提示；通知“每百万人口标识志愿服务组织须达{target}个以上”未说按哪一级，市州、县市区都列出；"
             "按统一社会信用代码第3–8位归属地区。名单必须包含本地区全部组织，数字才有意义）："]
    for r in dens.itertuples():
        indent = "    " if r.层级 == "县市区" else "  "
        head = f"{indent}{r.地区}（{r.层级}）：名单中 {r.名单中组织数} 个组织，已标识 {r.已标识数}"
        if pd.isna(r.常住人口):
            lines.append(head + f"；常住人口{r.人口来源}")
            continue
        ok = "" if "达标" not in dens.columns or pd.isna(r.达标) else ("，达到" if r.达标 else f"，未达到，还差{r.缺口}个")
        lines.append(head + f" / 常住人口 {int(r.常住人口):,}（{r.人口来源}）→ 每百万人口 {r.每百万人口已标识:.2f} 个"
                     f"（至少 {r.需达到} 个）{ok}" + (f"　{r.说明}" if r.层级 == "全省" and r.说明 else ""))
    return lines


def cmd_orgs(args) -> int:
    from zyfw_checks.load import load_table

    src = Path(args.file)
    as_of = parse_day(args.as_of)
    pops = read_county_populations(Path(args.county_populations)) if args.county_populations else None
    table = load_table(src, kind="orgs", sheet=args.sheet)
    result, organisations, dens = org_outputs(table, mask=not args.no_mask, as_of=as_of, pops=pops)

    def text(limit):
        lines = ["各组织结论（二（一） 志愿服务组织标识）："]
        quiet = organisations["待办"].isin(["已标识，保持", "无需操作"])
        shown = organisations if limit is None else organisations[~quiet].head(limit)
        if limit is not None and quiet.any():
            lines.append(f"  （{int(quiet.sum())} 个组织现状与结论一致、无需操作，未逐个列出；加 --all 或用 xlsx/json 查看全部）")
        for r in shown.itertuples():
            lines.append(f"第{r.row}行　{r.名称}：{r.结论}（{r.现状}；{r.待办}）")
            lines.append(textwrap.indent(f"理由：{r.理由}", "      "))
        counts = organisations["结论"].value_counts()
        lines.append("结论合计：" + "　".join(f"{k} {v}" for k, v in counts.items()))
        lines.append("")
        lines += density_lines(dens)
        lines.append("")
        return findings_text(result, "志愿服务组织标识检查（湘民发〔2023〕29号 二（一））", "个组织", limit).replace(
            "各规则结果：", "\n".join(lines) + "\n各规则结果：", 1)

    def as_json():
        d = result_dict(result)
        orgs_list = organisations[["row", "名称", "结论", "理由", "clause", "现状", "待办", "登记地"]]
        return {"organisations": _records(orgs_list), "density": _records(dens), **d}

    def sheets():
        return {"结论": organisations, "每百万人口标识数": dens, **result_sheets(result)}

    _emit(args, src, text, as_json, sheets, [src])
    return _exit(result)


# ---------------------------------------------------------------- zyfw certs / stations


def cmd_certs(args) -> int:
    from zyfw_checks.engine import check_table
    from zyfw_checks.load import load_table

    src, rec_src = Path(args.file), Path(args.records)
    table = load_table(src, kind="certificates", sheet=args.sheet)
    records = load_table(rec_src, sheet=args.records_sheet)
    result = check_table(table, mask=not args.no_mask, related={"records": records},
                         options={"export_complete": bool(args.records_complete)})
    result.notes.append(
        "已声明服务记录表包含证明所涉期间的全部记录（--records-complete）：没有记录依据的证明报“违规”。"
        if args.records_complete else
        "未声明服务记录表完整：没有记录依据的证明只报“存疑”（可能是导出不全）；确认记录表完整后可加 --records-complete。")
    _emit(args, src, lambda limit: findings_text(result, "志愿服务记录证明检查（湘民发〔2023〕29号 二（二）②）", "份证明", limit),
          lambda: result_dict(result), lambda: result_sheets(result), [src, rec_src])
    return _exit(result)


def cmd_stations(args) -> int:
    from zyfw_checks.engine import check_table
    from zyfw_checks.load import load_table

    src = Path(args.file)
    table = load_table(src, kind="stations", sheet=args.sheet)
    result = check_table(table, mask=not args.no_mask)
    _emit(args, src, lambda limit: findings_text(result, "社区志愿服务站（点）检查（湘民发〔2023〕29号 二（四））", "个站点", limit),
          lambda: result_dict(result), lambda: result_sheets(result), [src])
    return _exit(result)


# ---------------------------------------------------------------- zyfw plan


def cmd_plan(args) -> int:
    from zyfw_checks.load import load_table
    from zyfw_checks.staff import plan as planmod

    src = Path(args.file)
    seed = args.seed if args.seed is not None else secrets.randbelow(10**8)
    if not 2023 <= args.year <= 2100:
        raise UsageError(f"年份 {args.year} 不对：通知自2023年9月7日起执行，请给出2023年以后的年份。")
    table = load_table(src, kind="orgs", sheet=args.sheet)
    staff_src = Path(args.staff) if args.staff else None
    staff = load_table(staff_src, kind="staff") if staff_src else None
    _err(f"随机种子：{seed}" + ("" if args.seed is not None else "（未指定 --seed，已随机生成；要重现本结果请记下它）"))
    risk_src = Path(args.risk) if args.risk else None
    risk_table = None
    if risk_src is not None:
        from zyfw_checks.staff.risk import read_risk

        risk_table = read_risk(risk_src)
    p = planmod.make_plan(table, args.year, seed, staff, mask=not args.no_mask,
                          allow_upper_staff=True if args.allow_upper_staff else None, risk=risk_table,
                          risk_source=risk_src.name if risk_src else "组织风险排序")
    inputs = [src] + ([staff_src] if staff_src else []) + ([risk_src] if risk_src else [])
    out = Path(args.output) if args.output else Path.cwd() / f"{src.stem}_{args.year}年抽查计划.xlsx"
    write_output(planmod.to_xlsx(p), out, inputs)
    if args.html:
        write_output(planmod.to_html(p), Path(args.html), inputs)
    lines = planmod.header_lines(p)
    lines += [f"  {u.层级} {u.抽查单位}：可抽 {u.可抽组织数} 家，抽取 {u.抽取数} 家（必查 {u.其中必查}、重点 {u.其中重点}、"
              f"其他类型 {u.其中其他类型}、随机 {u.其中随机}）" + (f"；小组涵盖部门：{u.小组涵盖部门}" if staff else "")
              for u in p.units.itertuples()]
    pending = p.selection[p.selection["层级"] == planmod.PENDING]
    lines += [f"  待定 {r.名称}：{r.抽查单位}" for r in pending.itertuples()]
    lines += [f"说明：{n}" for n in p.notes]
    lines += [f"{r.事项}：{r.时间}（{r.依据}）" for r in p.schedule.itertuples()]
    if p.schedule["提醒"].iloc[-1]:
        lines.append("提醒：" + p.schedule["提醒"].iloc[-1])
    sys.stdout.write("\n".join(lines) + "\n")
    return EXIT_OK


# ---------------------------------------------------------------- zyfw form


def cmd_form(args) -> int:
    from zyfw_checks.load import load_table
    from zyfw_checks.staff import forms

    src = Path(args.file)
    table = load_table(src, kind="orgs", sheet=args.sheet)
    values = forms.row_values(table, args.row, mask=not args.no_mask)
    out = Path(args.output) if args.output else Path.cwd() / f"{src.stem}_第{args.row}行_信息采集表.docx"
    if out.suffix.lower() != ".docx":
        raise UsageError(f"输出文件“{out}”应以 .docx 结尾。")
    write_output(forms.build_form(values), out, [src])
    blank = [k for k, v in values.items() if not v]
    if blank:
        _err(f"提示：第 {args.row} 行的 {'、'.join(blank)} 为空，表中对应位置留空，请手工填写。")
    if not args.no_mask and values.get("联系电话"):
        _err("联系电话已打码；正式报送需要完整号码时，请加 --no-mask 重新生成（注意妥善保管生成的文件）。")
    return EXIT_OK


# ---------------------------------------------------------------- parsers


def _common(p, fmt: bool = True) -> None:
    p.add_argument("--sheet", help="只读这张工作表（默认第一张可识别的表）")
    if fmt:
        p.add_argument("--format", choices=FORMATS, default="table", help="输出格式（默认 table）")
        p.add_argument("-o", "--output", help="输出到文件（xlsx 默认保存为 <文件名>_自查报告.xlsx）")
        p.add_argument("--all", action="store_true", help="在屏幕上列出全部内容（默认最多 200 条）")
    p.add_argument("--no-mask", action="store_true", help="不对证件号码、联系电话打码（默认打码）")


def add_parsers(sub) -> None:
    o = sub.add_parser("orgs", help="志愿服务组织标识：每个组织的结论、每百万人口标识数（二（一））")
    o.add_argument("file", metavar="FILE", help="社会组织名单（.xlsx/.xls/.csv）")
    o.add_argument("--as-of", metavar="YYYY-MM-DD",
                   help="按哪一天判断哪些年度的6月30日公告期限已过（默认今天）")
    o.add_argument("--county-populations", metavar="FILE",
                   help="县市区常住人口表（.csv/.xlsx，两列：区划代码、常住人口），用于按县市区计算每百万人口标识数")
    _common(o)
    o.set_defaults(func=cmd_orgs)
    c = sub.add_parser("certs", help="检查志愿服务记录证明台账（二（二）②），需同时提供服务记录")
    c.add_argument("file", metavar="FILE", help="记录证明台账")
    c.add_argument("--records", required=True, metavar="RECORDS_FILE", help="服务记录文件（与 zyfw check 相同格式）")
    c.add_argument("--records-sheet", help="服务记录文件中的工作表")
    c.add_argument("--records-complete", action="store_true",
                   help="声明服务记录文件包含这些证明所涉期间本组织的全部记录（未筛选、未截断）；"
                        "声明后，没有记录依据的证明报“违规”，否则只报“存疑”")
    _common(c)
    c.set_defaults(func=cmd_certs)
    s = sub.add_parser("stations", help="检查社区志愿服务站（点）“四有”（二（四））")
    s.add_argument("file", metavar="FILE", help="站点名单")
    _common(s)
    s.set_defaults(func=cmd_stations)
    p = sub.add_parser("plan", help="生成年度抽查计划（二（二））：抽查名单、小组、时间、查验清单")
    p.add_argument("file", metavar="ORGS_FILE", help="社会组织名单（含注册志愿者数、年活动次数、影响力、投诉或负面舆情）")
    p.add_argument("--year", type=int, required=True, help="抽查年度，如 2025")
    p.add_argument("--seed", type=int, help="随机种子（整数）；同一名单同一种子结果相同。不给则随机生成并打印")
    p.add_argument("--staff", metavar="STAFF_FILE", help="抽查人员名单（正式人员、专家）")
    p.add_argument("--risk", metavar="RISK.json", help="zyfw check 文件夹/ 生成的组织风险排序（.json 或 .xlsx）：名单没有注册志愿者数、"
                   "年活动次数时，用服务记录中的志愿者数、年均活动数选重点抽查对象")
    p.add_argument("--allow-upper-staff", action="store_true",
                   help="县级本级正式人员不足时，允许由市级人员补充（默认不允许：通知要求“联合同级”部门组建小组）")
    p.add_argument("-o", "--output", help="计划 .xlsx 的保存位置（默认 <文件名>_<年>年抽查计划.xlsx）")
    p.add_argument("--html", metavar="OUT.html", help="另存一份可打印的网页")
    p.add_argument("--sheet", help="名单所在工作表")
    p.add_argument("--no-mask", action="store_true", help="人员联系电话不打码（默认打码）")
    p.set_defaults(func=cmd_plan)
    f = sub.add_parser("form", help="按名单中的一行生成《志愿服务组织信息采集表》（.docx）")
    f.add_argument("file", metavar="FILE", help="社会组织名单")
    f.add_argument("--row", type=int, required=True, help="Excel 中显示的行号")
    f.add_argument("-o", "--output", help="输出 .docx（默认 <文件名>_第N行_信息采集表.docx）")
    f.add_argument("--sheet", help="名单所在工作表")
    f.add_argument("--no-mask", action="store_true", help="填写完整联系电话（默认打码；正式报送时使用）")
    f.set_defaults(func=cmd_form)
