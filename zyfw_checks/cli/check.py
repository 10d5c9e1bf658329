"""``zyfw check FILE`` and ``zyfw rules``."""

from __future__ import annotations

import sys
from pathlib import Path

from zyfw_checks.cli._io import (
    BIG,
    EXIT_OK,
    EXIT_VIOLATION,
    _err,
    _progress,
    check_output,
    default_output,
    write_output,
)
from zyfw_checks.errors import UsageError
from zyfw_checks.report import FILE_ONLY, FORMATS, STREAMED


def cmd_check(args) -> int:
    from zyfw_checks.engine import check_table
    from zyfw_checks.load import load_table
    from zyfw_checks.report import writer

    stdin = args.file == "-"  # `zyfw check -`: the file's bytes on standard input (the loader reads bytes)
    src = Path("标准输入" if stdin else args.file)
    if not stdin and src.is_dir():  # a folder of exports or a Parquet dataset: out of core (cli/batch.py)
        from zyfw_checks.cli.batch import cmd_check_dir

        return cmd_check_dir(args)
    if getattr(args, "engine", "duckdb") != "duckdb" or getattr(args, "scheduler", None):
        _err("--engine 和 --scheduler 只用于检查文件夹；单个文件在本机检查。")
    if stdin:
        table = load_table(sys.stdin.buffer.read(), sheet=args.sheet, name="标准输入")
    else:
        if src.exists() and src.stat().st_size > 5_000_000:
            _err(f"正在读取 {src.name}（{src.stat().st_size / 1e6:.0f} MB）……")
        table = load_table(src, sheet=args.sheet)
    inputs = [] if stdin else [src]
    result = check_table(table, mask=not args.no_mask, progress=_progress(len(table.df)))
    fmt = args.format
    out = Path(args.output) if args.output else None
    if fmt in FILE_ONLY and out is None:
        out = default_output(src, fmt)
    if fmt in STREAMED and out is not None:
        check_output(out, inputs)
        n = writer(fmt).write(result, out)
        _err(f"已保存：{out}（{n:,} 个问题）")
        _err(summary_line(result))
    elif fmt in STREAMED and fmt not in FILE_ONLY:  # json, jsonl to standard output, in chunks
        sys.stdout.flush()
        try:
            writer(fmt).write(result, sys.stdout.buffer)
            sys.stdout.buffer.flush()
        except BrokenPipeError:  # the reader (e.g. ``| head``) has what it wanted
            sys.stdout = None
    else:
        opts = {"limit": None if args.all or out else 200} if fmt == "table" else {}
        if fmt == "xlsx":
            opts["progress"] = len(result.findings) >= BIG
        write_output(writer(fmt).render(result, mask=not args.no_mask, **opts), out, inputs)
    return EXIT_VIOLATION if result.has_violation else EXIT_OK


def summary_line(result) -> str:
    from zyfw_checks.report.schema import footer

    s = result.summary()
    return (f"检查 {s['records']:,} 条记录，发现 {s['findings']:,} 个问题（"
            + "　".join(f"{k} {v:,}" for k, v in s["by_severity"].items()) + f"），未评估规则 {s['not_assessed']} 条。"
            + f"（{footer()}）")


def cmd_rules(args) -> int:
    from zyfw_checks.rules import all_rules

    for r in all_rules():
        print(f"{r.code}\t{r.severity}\t{r.title}\t{r.clause.section}\t需要：{'、'.join(r.needs) or '—'}")
    return EXIT_OK


def cmd_template(args) -> int:
    from zyfw_checks.templates import KIND_NAMES, blank_template

    out = Path(args.output or f"{KIND_NAMES[args.table]}模板.xlsx")
    if out.exists() and not args.force:
        raise UsageError(f"“{out}”已存在；为免覆盖，请用 -o 换一个文件名，或加 --force。")
    check_output(out, [])
    out.write_bytes(blank_template(args.table))
    _err(f"已保存：{out}（“模板”工作表第1行是表头，从第2行起填写记录；每列怎么填见“填写说明”工作表）")
    return EXIT_OK


def add_parsers(sub) -> None:
    c = sub.add_parser("check", help="检查志愿服务记录（.xlsx/.xls/.ods/.csv/.parquet 文件，或一个放导出文件的文件夹）")
    c.add_argument("file", metavar="FILE", help="记录文件（写 - 则从标准输入读取文件内容）")
    c.add_argument("--sheet", help="只检查这张工作表（默认：自动识别，多张表按编号合并）")
    c.add_argument("--format", choices=list(FORMATS), default="table", help="输出格式（默认 table；大文件请用 jsonl、parquet 或 json，边算边写）")
    c.add_argument("-o", "--output", help="输出到文件（xlsx 默认保存为 <文件名>_自查报告.xlsx）")
    c.add_argument("--no-mask", action="store_true", help="不对证件号码、联系电话打码（默认打码）")
    c.add_argument("--all", action="store_true", help="在屏幕上列出全部问题（默认最多 200 条）")
    c.add_argument("--engine", choices=["duckdb", "dask"], default="duckdb",
                   help="检查文件夹时的计算引擎：duckdb 本机（默认），dask 集群（需安装 zyfw_checks[cluster]）")
    c.add_argument("--scheduler", metavar="ADDRESS",
                   help="Dask 调度器地址，如 tcp://10.0.0.5:8786（不给则在本机启动 2 个 worker）")
    c.add_argument("--work-dir", metavar="DIR",
                   help="检查文件夹时的工作文件夹（用集群时须是每个 worker 都能读写的共享文件夹；结束时删除）")
    c.set_defaults(func=cmd_check)
    t = sub.add_parser("template", help="生成空白表格模板（.xlsx，表头就是检查读取的列）")
    t.add_argument("--table", choices=["records", "orgs", "certificates", "stations"], default="records",
                   help="哪种表：records 服务记录（默认）、orgs 社会组织名单、certificates 证明登记、stations 站点名单")
    t.add_argument("-o", "--output", help="保存为（默认：服务记录模板.xlsx 等，在当前文件夹）")
    t.add_argument("--force", action="store_true", help="文件已存在时覆盖")
    t.set_defaults(func=cmd_template)
    r = sub.add_parser("rules", help="列出全部检查规则")
    r.set_defaults(func=cmd_rules)
