"""``zyfw check FOLDER/`` (a province's exports, out of core) and ``zyfw report`` (the 10月底 summary).

``zyfw check`` calls :func:`cmd_check_dir` when its FILE is a folder; ``add_parsers`` registers
``zyfw report``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from zyfw_checks.cli._io import EXIT_OK, EXIT_VIOLATION, _err, check_output
from zyfw_checks.errors import UsageError

FOLDER_FORMATS = ("parquet", "jsonl")


def _risk_paths(out: Path) -> tuple[Path, Path]:
    stem = out.name.split(".")[0]
    return out.with_name(f"{stem}_组织风险排序.xlsx"), out.with_name(f"{stem}_组织风险排序.json")


def summary_dict(r) -> dict:
    """The folder check's outcome without the findings: files, per-rule status, counts, notes."""
    def rows(df):
        return df.astype(object).where(df.notna(), None).to_dict("records")

    from zyfw_checks.report.schema import provenance

    return {**provenance(), "folder": r.folder, "records": r.records, "findings": r.findings, "by_severity": r.by_severity,
            "parts": r.parts, "files": rows(r.files), "rule_status": rows(r.status), "notes": r.notes,
            "findings_file": str(r.output) if r.output else None,
            "seconds": {k: round(v, 1) for k, v in r.timings.items()}}


def folder_summary(r, limit: int | None = 20) -> str:
    """The terminal view of a folder check: files, per-rule counts, notes, the riskiest organisations."""
    from zyfw_checks.staff import risk

    lines = [f"检查文件夹“{r.folder}”：{len(r.files)} 个文件，{r.records:,} 条记录，发现 {r.findings:,} 个问题（"
             + "　".join(f"{k} {v:,}" for k, v in r.by_severity.items()) + "）。"]
    bad = r.files[r.files["状态"] != "已读取"]
    for f in bad.itertuples():
        lines.append(f"  无法读取：{f.文件}　{f.说明}")
    lines.append("各规则结果：")
    for s in r.status.itertuples():
        extra = f"（{s.reason}）" if s.reason else ""
        lines.append(f"  {s.code}　{s.status}　{s.count:,}　{s.title}{extra}")
    for n in r.notes:
        lines.append(f"说明：{n}")
    if r.risk is not None and len(r.risk):
        shown = r.risk if limit is None else r.risk.head(limit)
        lines.append(f"组织风险排序（前 {len(shown)} 家，共 {len(r.risk)} 家；风险分为工具默认（可改），只用于排序）：")
        for o in shown.to_dict("records"):  # at most 20 lines unless --all
            mark = f"　[{risk.KEY_MARK}]" if o[risk.KEY_MARK] == "是" else ""
            lines.append(f"  {o['排序']}. {o['组织']}　风险分 {o['风险分']:g}　{o['记录数']:,} 条记录{mark}　{o['排序理由']}")
    from zyfw_checks.report.schema import footer

    lines.append(footer())
    return "\n".join(lines) + "\n"


def cmd_check_dir(args) -> int:
    from zyfw_checks.staff import batch, risk

    src = Path(args.file)
    fmt = args.format if args.format in FOLDER_FORMATS else "parquet"
    if args.format not in (*FOLDER_FORMATS, "table"):
        _err(f"检查文件夹时问题明细可能有上千万条，只能保存为 parquet 或 jsonl；已改为 {fmt}。")
    if getattr(args, "sheet", None):
        _err("检查文件夹时 --sheet 不适用：每个文件自动识别工作表。")
    out = Path(args.output) if args.output else Path.cwd() / f"{src.resolve().name}_检查结果.{fmt}"
    check_output(out, [])
    engine = getattr(args, "engine", "duckdb")
    work = getattr(args, "work_dir", None)
    opts = batch.Options(mask=not args.no_mask, work_dir=Path(work) if work else None)
    if engine == "dask":
        from zyfw_checks.staff import cluster

        result = cluster.run_folder(src, out, fmt, opts, scheduler=getattr(args, "scheduler", None))
    else:
        result = batch.run_folder(src, out, fmt, opts)
    xlsx, js = _risk_paths(out)
    xlsx.write_bytes(risk.to_xlsx(result.risk))
    js.write_text(risk.to_json(result.risk), encoding="utf-8")
    overview = out.with_name(out.name.split(".")[0] + "_检查汇总.json")
    overview.write_text(json.dumps(summary_dict(result), ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    sys.stdout.write(folder_summary(result, None if getattr(args, "all", False) else 20))
    _err(f"已保存：{out}（{result.findings:,} 个问题，按文件、行号排列；每个问题带文件名和 Excel 行号）")
    _err(f"已保存：{xlsx}、{js}（组织风险排序，可用于 zyfw plan 标注重点抽查对象）")
    _err(f"已保存：{overview}（各文件、各规则结果和说明）")
    return EXIT_VIOLATION if result.has_violation else EXIT_OK


# ---------------------------------------------------------------- zyfw report


def cmd_report(args) -> int:
    from zyfw_checks.staff import province_report as pr

    if args.template:
        out = Path(args.template)
        check_output(out, [])
        out.write_bytes(pr.onsite_template())
        _err(f"已保存：{out}（现场抽查结果登记表，每家抽查的组织一行）")
        return EXIT_OK
    inputs = [Path(p) for p in args.records or []]
    onsite = Path(args.onsite) if args.onsite else None
    if not inputs and onsite is None:
        raise UsageError("请给出被抽查组织的服务记录文件（或文件夹），或用 --onsite 给出现场抽查结果登记表；"
                         "用 --template 可生成登记表模板。")
    rep = pr.build(inputs, onsite=onsite, city=args.city, year=args.year, mask=not args.no_mask)
    base = Path(args.output) if args.output else Path.cwd() / f"{args.city}{args.year}年志愿服务记录与证明抽查工作情况.xlsx"
    if base.suffix.lower() != ".xlsx":
        raise UsageError(f"输出文件“{base}”应以 .xlsx 结尾（同名 .docx 一并生成）。")
    all_inputs = inputs + ([onsite] if onsite else [])
    check_output(base, all_inputs)
    docx = base.with_suffix(".docx")
    check_output(docx, all_inputs)
    base.write_bytes(pr.to_xlsx(rep))
    docx.write_bytes(pr.to_docx(rep))
    if args.json:
        Path(args.json).write_text(json.dumps(pr.to_dict(rep), ensure_ascii=False, indent=2, default=str),
                                   encoding="utf-8")
    sys.stdout.write("\n".join(pr.summary_lines(rep)) + "\n")
    _err(f"已保存：{base}、{docx}")
    return EXIT_OK


def add_parsers(sub) -> None:
    r = sub.add_parser("report", help="汇总各被抽查组织的结果，生成市州报送省民政厅、省文明办的抽查工作情况（.xlsx 和 .docx）")
    r.add_argument("records", nargs="*", metavar="RECORDS",
                   help="被抽查组织的服务记录文件或文件夹（每个组织一个导出文件；按“组织单位”列或文件名区分组织）")
    r.add_argument("--onsite", metavar="FORM", help="现场抽查结果登记表（.xlsx/.csv，每家组织一行：名称、层级、问题、处理措施等）")
    r.add_argument("--city", default="", help="市州名称，如 长沙市")
    r.add_argument("--year", type=int, required=False, default=None, help="抽查年度，如 2025（默认今年）")
    r.add_argument("-o", "--output", help="输出 .xlsx（同名 .docx 一并生成）")
    r.add_argument("--json", metavar="OUT.json", help="另存一份 JSON")
    r.add_argument("--template", metavar="OUT.xlsx", help="只生成空白的现场抽查结果登记表")
    r.add_argument("--no-mask", action="store_true", help="不对证件号码、联系电话打码（默认打码）")
    r.set_defaults(func=cmd_report)
