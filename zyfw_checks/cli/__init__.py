"""Command line ``zyfw``: check (records) and the staff commands (orgs, certs, stations, plan, form).

Exit status: 0 no 违规 · 1 at least one 违规 · 2 the input cannot be read (or wrong usage, bad parameters)
· 3 internal error of the kit · 130 interrupted.
"""

from __future__ import annotations

import argparse
import os
import sys

from zyfw_checks.cli import app, batch, check, options, staff
from zyfw_checks.cli._io import EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_OK, ZyfwParser, _err
from zyfw_checks.errors import KitError, internal_error_message


def build_parser() -> argparse.ArgumentParser:
    p = ZyfwParser(
        prog="zyfw",
        description="志愿服务规范自查工具（湘民发〔2023〕29号）。行号均为您文件中 Excel 显示的行号。",
    )
    sub = p.add_subparsers(dest="command", metavar="命令")
    check.add_parsers(sub)
    staff.add_parsers(sub)
    batch.add_parsers(sub)
    app.add_parsers(sub)
    options.add_global_options(p)  # after every sub-command, so -q/-v also work after the command name
    return p


def _is_user_error(exc: BaseException) -> bool:
    """True for the user's file, usage or parameters (exit 2); False for a bug of the kit (exit 3).

    The kit's own errors (``KitError`` and its subclasses) and an ``OSError`` on a path the user gave are the
    user's; any other exception — a ``ValueError`` from numpy, pandas or a rule included — is the kit's."""
    if isinstance(exc, KitError):
        return True
    return isinstance(exc, OSError) and bool(exc.filename)  # a path the user gave: missing, not allowed, disk full


def _user_message(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.filename:
        why = {FileNotFoundError: "找不到", PermissionError: "没有权限", IsADirectoryError: "这是一个文件夹"}.get(
            type(exc), "系统报告读写失败")
        return f"无法读写“{exc.filename}”：{why}。请检查路径、权限和磁盘空间。"
    text = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
    return f"无法检查：{text}"


def _quiet_stdout() -> None:
    """After a broken pipe (``zyfw rules | head``) point stdout at /dev/null so that Python's flush at exit
    does not print a second error."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # stdout replaced (tests) or already closed
        pass


def main(argv: list[str] | None = None) -> int:
    """Exit status: 0 no 违规 · 1 违规 · 2 the file, usage or parameters (KitError, in Chinese) · 3 a bug of the
    kit (details written to a file, never a traceback; ZYFW_DEBUG=1 raises) · 130 Ctrl-C · 0 on a broken pipe."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="replace")
        except AttributeError:
            pass
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        options.apply(args)
        if not getattr(args, "func", None):
            parser.print_help()
            return EXIT_BAD_INPUT
        return args.func(args)
    except BrokenPipeError:
        _quiet_stdout()
        return EXIT_OK
    except KeyboardInterrupt:
        _err("已中断。")
        return EXIT_INTERRUPTED
    except SystemExit:
        raise
    except Exception as exc:  # never a traceback for a user; ZYFW_DEBUG=1 shows it
        if _is_user_error(exc):
            _err(_user_message(exc))
            return EXIT_BAD_INPUT
        if os.environ.get("ZYFW_DEBUG"):
            raise
        _err(internal_error_message(exc, where="zyfw " + " ".join(sys.argv[1:] if argv is None else argv)))
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
