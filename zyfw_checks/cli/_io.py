"""Shared by the commands: exit codes, messages to stderr, progress, writing outputs safely."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from zyfw_checks.errors import UsageError

if TYPE_CHECKING:  # not imported at run time: `zyfw --help` and `zyfw --version` do not load pandas
    import pandas as pd

EXIT_OK, EXIT_VIOLATION, EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
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


def check_output(out: Path, inputs: list[Path]) -> None:
    """Refuse to write over an input file; make the output's folder."""
    for src in inputs:
        if src.exists() and out.exists() and out.resolve() == src.resolve():
            raise UsageError(f"输出文件“{out}”就是输入文件；为保护原始数据，请换一个输出文件名。")
    out.parent.mkdir(parents=True, exist_ok=True)


def write_output(content, out: Path | None, inputs: list[Path]) -> None:
    """Write a report; refuses to overwrite an input file."""
    if out is None:
        sys.stdout.write(content if isinstance(content, str) else content.decode("utf-8"))
        return
    check_output(out, inputs)
    if isinstance(content, str):
        out.write_text(content, encoding="utf-8")
    else:
        out.write_bytes(content)
    _err(f"已保存：{out}")



def workbook(sheets: dict[str, pd.DataFrame]) -> bytes:
    from zyfw_checks.report.excel import workbook_bytes

    return workbook_bytes(sheets)


# ---------------------------------------------------------------- argparse in Chinese

_ERRORS = [  # argparse's English messages → Chinese (argparse has no Chinese catalogue)
    (r"the following arguments are required: (.*)", r"缺少必填参数：\1"),
    (r"argument (\S+): invalid choice: (.*) \(choose from (.*)\)", r"参数 \1 的取值 \2 无效，可选：\3"),
    (r"argument (\S+): invalid int value: (.*)", r"参数 \1 应为整数，收到 \2"),
    (r"argument (\S+): expected one argument", r"参数 \1 后面需要一个值"),
    (r"unrecognized arguments: (.*)", r"无法识别的参数：\1"),
    (r"argument (\S+): (.*)", r"参数 \1：\2"),
]


class ChineseHelpFormatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        return super().add_usage(usage, actions, groups, prefix="用法：" if prefix is None else prefix)


class ZyfwParser(argparse.ArgumentParser):
    """An ArgumentParser whose help and errors read in Chinese (sub-commands inherit it)."""

    def __init__(self, *args, **kwargs):
        kwargs["add_help"] = False
        kwargs.setdefault("formatter_class", ChineseHelpFormatter)
        super().__init__(*args, **kwargs)
        self._positionals.title = "参数"
        self._optionals.title = "选项"
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help="显示本帮助并退出")

    def error(self, message: str):
        for pattern, repl in _ERRORS:
            new = re.sub(pattern, repl, message)
            if new != message:
                message = new
                break
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}：{message}\n（加 -h 查看用法）\n")
