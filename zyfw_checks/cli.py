"""Command line: ``zyfw check FILE`` (and the staff commands registered by cli_staff, if present).

Exit status: 0 no 违规 · 1 at least one 违规 · 2 the input cannot be read · 3 internal error.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from pathlib import Path

from zyfw_checks.report import FORMATS

EXIT_OK, EXIT_VIOLATION, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 3
BIG = 50_000  # records from which a progress bar is shown


def _err(msg: str) -> None:
    print(msg, file=sys.stderr)


def _progress(total_records: int):
    if total_records < BIG:
        return None
    from tqdm import tqdm

    bar = tqdm(total=1, desc="检查中", unit="条规则", file=sys.stderr, leave=False)

    def tick(i: int, n: int, code: str) -> None:
        bar.total = n
        bar.n = i
        bar.set_postfix_str(code)
        bar.refresh()
        if i >= n:
            bar.close()

    return tick


def default_output(src: Path, fmt: str) -> Path:
    return Path.cwd() / f"{src.stem}_自查报告.{fmt}"


def write_output(content, out: Path | None, inputs: list[Path]) -> None:
    """Write a report; refuses to overwrite an input file."""
    if out is None:
        sys.stdout.write(content if isinstance(content, str) else content.decode("utf-8"))
        return
    for src in inputs:
        if src.exists() and out.exists() and out.resolve() == src.resolve():
            raise ValueError(f"输出文件“{out}”就是输入文件；为保护原始数据，请换一个输出文件名。")
    out.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        out.write_text(content, encoding="utf-8")
    else:
        out.write_bytes(content)
    _err(f"已保存：{out}")


def cmd_check(args) -> int:
    from zyfw_checks.engine import check_table
    from zyfw_checks.load import load_table
    from zyfw_checks.report import writer

    src = Path(args.file)
    if src.exists() and src.stat().st_size > 5_000_000:
        _err(f"正在读取 {src.name}（{src.stat().st_size / 1e6:.0f} MB）……")
    table = load_table(src, sheet=args.sheet)
    result = check_table(table, mask=not args.no_mask, progress=_progress(len(table.df)))
    fmt = args.format
    out = Path(args.output) if args.output else None
    if fmt in ("xlsx",) and out is None:
        out = default_output(src, fmt)
    opts = {"limit": None if args.all or out else 200} if fmt == "table" else {}
    write_output(writer(fmt).render(result, mask=not args.no_mask, **opts), out, [src])
    return EXIT_VIOLATION if result.has_violation else EXIT_OK


def cmd_rules(args) -> int:
    from zyfw_checks.registry import all_rules

    for r in all_rules():
        print(f"{r.code}\t{r.severity}\t{r.title}\t{r.clause.section}\t需要：{'、'.join(r.needs) or '—'}")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="zyfw",
        description="志愿服务规范自查工具（湘民发〔2023〕29号）。行号均为您文件中 Excel 显示的行号。",
    )
    sub = p.add_subparsers(dest="command", metavar="命令")
    c = sub.add_parser("check", help="检查志愿服务记录（.xlsx/.xls/.csv/.parquet）")
    c.add_argument("file", metavar="FILE", help="记录文件")
    c.add_argument("--sheet", help="只检查这张工作表（默认：自动识别，多张表按编号合并）")
    c.add_argument("--format", choices=list(FORMATS), default="table", help="输出格式（默认 table）")
    c.add_argument("-o", "--output", help="输出到文件（xlsx 默认保存为 <文件名>_自查报告.xlsx）")
    c.add_argument("--no-mask", action="store_true", help="不对证件号码、联系电话打码（默认打码）")
    c.add_argument("--all", action="store_true", help="在屏幕上列出全部问题（默认最多 200 条）")
    c.set_defaults(func=cmd_check)
    r = sub.add_parser("rules", help="列出全部检查规则")
    r.set_defaults(func=cmd_rules)
    try:
        cli_staff = importlib.import_module("zyfw_checks.cli_staff")
    except ModuleNotFoundError as exc:
        if exc.name != "zyfw_checks.cli_staff":
            raise
    else:
        cli_staff.add_parsers(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="replace")
        except AttributeError:
            pass
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_BAD_INPUT
    from zyfw_checks.load import LoadError

    try:
        return args.func(args)
    except LoadError as exc:
        _err(f"无法检查：{exc}")
        return EXIT_BAD_INPUT
    except (ValueError, OSError) as exc:
        _err(f"无法完成：{exc}")
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        _err("已中断。")
        return EXIT_INTERNAL
    except Exception as exc:  # never a traceback for a user; ZYFW_DEBUG=1 shows it
        if os.environ.get("ZYFW_DEBUG"):
            raise
        _err(f"程序内部错误（{type(exc).__name__}：{exc}）。请把这条信息和出错的文件情况反馈给维护者；"
             "设置环境变量 ZYFW_DEBUG=1 可看到详细信息。")
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
