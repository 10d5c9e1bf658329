"""Command line ``zyfw``: check (records) and the staff commands (orgs, certs, stations, plan, form).

Exit status: 0 no 违规 · 1 at least one 违规 · 2 the input cannot be read · 3 internal error.
"""

from __future__ import annotations

import argparse
import os
import sys

from zyfw_checks.cli import batch, check, staff
from zyfw_checks.cli._io import EXIT_BAD_INPUT, EXIT_INTERNAL, ZyfwParser, _err


def build_parser() -> argparse.ArgumentParser:
    p = ZyfwParser(
        prog="zyfw",
        description="志愿服务规范自查工具（湘民发〔2023〕29号）。行号均为您文件中 Excel 显示的行号。",
    )
    sub = p.add_subparsers(dest="command", metavar="命令")
    check.add_parsers(sub)
    staff.add_parsers(sub)
    batch.add_parsers(sub)
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


def entry() -> None:
    """The ``zyfw`` command (and ``python -m zyfw_checks.cli``): :func:`main`, then leave without the
    interpreter's teardown — freeing a large result object by object took about a second after the
    output was complete. Every output file is closed by then; the standard streams are flushed here."""
    code = main()
    import logging

    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (AttributeError, OSError, ValueError):
            pass
    os._exit(code)
