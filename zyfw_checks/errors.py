"""The kit's own error types and the one way an internal error is reported to a person.

``KitError`` and its subclasses are about the user's input or usage (exit 2, a Chinese message that says
what is wrong and what to do). Anything else is a bug of the kit (exit 3): the person is told their file
is fine and where the details were written, never shown a traceback.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import traceback
from pathlib import Path


class KitError(Exception):
    """A problem with the user's file, usage or parameters: the message is Chinese and says what to do."""


class UsageError(KitError):
    """Wrong use of a command or a bad input given to it (an option value, an output that would overwrite
    something, a side table the command needs)."""


INTERNAL_MESSAGE = (
    "程序内部错误，您的文件没有问题，是本工具出了差错。详细信息已写入 {path}，"
    "请把这个文件发给维护人员（其中不含您文件里的数据）。"
)


def crash_report(exc: BaseException, where: str = "") -> Path:
    """Write the traceback of an internal error to a file the user can send; return its path.

    Only the traceback and versions are written, never cell values (the exception text may quote one,
    so it is left out)."""
    from zyfw_checks import __version__

    folder = Path(os.environ.get("ZYFW_CRASH_DIR") or tempfile.gettempdir())
    folder.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = folder / f"zyfw-error-{stamp}-{os.getpid()}.txt"
    frames = traceback.format_tb(exc.__traceback__)
    path.write_text(
        f"zyfw_checks {__version__}\n{where}\n{type(exc).__module__}.{type(exc).__name__}\n" + "".join(frames),
        encoding="utf-8",
    )
    return path


def internal_error_message(exc: BaseException, where: str = "") -> str:
    try:
        path = crash_report(exc, where)
    except OSError:
        path = "（无法写入错误报告文件）"
    return INTERNAL_MESSAGE.format(path=path)
