"""Options every ``zyfw`` command shares: ``--version``, ``-q``/``-v``, and logging through the package logger.

Hooks (cli/__init__.py):
    build_parser, just before ``return p``:   options.add_global_options(p)
    main, right after ``parse_args``:         options.apply(args)

The kit logs through ``logging.getLogger("zyfw_checks")`` (module loggers below it, e.g.
``zyfw_checks.load``); the library never configures logging itself. ``zyfw`` shows warnings by
default, ``-v`` also progress notes (INFO), ``-vv`` everything (DEBUG), ``-q`` errors only.
"""

from __future__ import annotations

import argparse
import logging
import sys

LOGGER = "zyfw_checks"
logger = logging.getLogger(LOGGER)


def version_text() -> str:
    from zyfw_checks import __version__

    return f"zyfw（志愿服务规范自查工具包 zyfw_checks）{__version__}"


def _add_verbosity(parser: argparse.ArgumentParser, default) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("-v", "--verbose", action="count", default=default,
                       help="显示更多过程信息（-vv 显示全部调试信息）")
    group.add_argument("-q", "--quiet", action="store_true", default=default,
                       help="只显示错误，不显示提示和进度")


def add_global_options(parser: argparse.ArgumentParser) -> None:
    """``--version`` on ``zyfw``; ``-q``/``-v`` on ``zyfw`` and on every sub-command (before or after it)."""
    parser.add_argument("--version", action="version", version=version_text(), help="显示版本号并退出")
    _add_verbosity(parser, 0)
    parser.set_defaults(quiet=False)
    for action in parser._actions:  # the sub-commands' own parsers: `zyfw check FILE -v` works too
        if isinstance(action, argparse._SubParsersAction):
            for sub in dict.fromkeys(action.choices.values()):  # aliases share one parser
                _add_verbosity(sub, argparse.SUPPRESS)  # SUPPRESS: an absent flag keeps zyfw's value


def level(args: argparse.Namespace) -> int:
    if getattr(args, "quiet", False):
        return logging.ERROR
    verbose = getattr(args, "verbose", 0) or 0
    return logging.DEBUG if verbose >= 2 else logging.INFO if verbose == 1 else logging.WARNING


class _Plain(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        text = record.getMessage()
        return f"[{record.name}] {text}" if record.levelno <= logging.DEBUG else text


def apply(args: argparse.Namespace, stream=None) -> None:
    """Configure the package logger for this run of ``zyfw`` and choose Arrow's memory pool (once)."""
    log = logging.getLogger(LOGGER)
    for h in [h for h in log.handlers if getattr(h, "_zyfw", False)]:
        log.removeHandler(h)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler._zyfw = True  # type: ignore[attr-defined]
    handler.setFormatter(_Plain())
    log.addHandler(handler)
    log.setLevel(level(args))  # propagation stays on: a host's own logging (pytest, Jupyter) still sees it
    from zyfw_checks.arrow_pool import ensure_reusing_pool

    ensure_reusing_pool()
