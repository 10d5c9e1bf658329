"""Validation of a user's parameter override (``ZYFW_PARAMS_DIR``) against the file the kit ships.

An override file replaces the shipped file of the same name, so the shipped file is its schema: the
same keys where the kit reads fixed keys, values of the same kind (number, text, date, list, table)
everywhere. The kit's own files need no check (a test runs every rule on them); a copy edited by a
person gets one Chinese message naming the file, the key and what was expected, instead of a
``KeyError`` deep inside a rule.

Why not pydantic or jsonschema: pydantic is not installed, jsonschema comes only with the app's
extras (through Jupyter) and the core must not grow; and a schema written out by hand for 23 files
would be a second home for their shape. The shipped file already is that shape.

Mappings whose keys are all ASCII identifiers (``values``, ``series``, ``month``, field names) are
*fixed*: no key the kit does not read (a typo gets "did you mean"); a key left out is taken from the
shipped file, so an override may hold only the values the user changed. Mappings keyed by
data (Chinese words, regular expressions in the lexicons) are *open*: any key, values of the shipped
kind. List items are checked against the kinds of the shipped items.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import re
from pathlib import Path
from typing import Any

from zyfw_checks.errors import KitError

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class ParamFileError(KitError):
    """A parameter file in the override folder cannot be used: the message names file, key and expectation."""


def _kind(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int | float):
        return "number"
    if isinstance(v, str):
        return "text"
    if isinstance(v, dt.date):  # datetime is a date too
        return "date"
    if isinstance(v, list):
        return "list"
    if isinstance(v, dict):
        return "mapping"
    return type(v).__name__


KIND_WORDS = {
    "null": "空值", "bool": "是/否（true 或 false）", "number": "数字", "text": "文字", "date": "日期（如 2023-09-07）",
    "list": "列表（每项一行，以“- ”开头）", "mapping": "“键: 值”的表", "int": "整数",
}


def _describe(v: Any) -> str:
    k = _kind(v)
    if k in ("list", "mapping"):
        return KIND_WORDS[k]
    shown = str(v)
    shown = shown if len(shown) <= 30 else shown[:30] + "…"
    return f"{KIND_WORDS.get(k, k)}“{shown}”"


def _where(path: list[str]) -> str:
    out = ""
    for part in path:
        out += part if part.startswith("[") else (f".{part}" if out else part)
    return out or "（整个文件）"


class _Problem(Exception):
    def __init__(self, path: list[str], text: str) -> None:
        super().__init__(text)
        self.path, self.text = path, text


def _fixed(d: dict) -> bool:
    return bool(d) and all(isinstance(k, str) and _IDENT.match(k) for k in d)


def _check_value(got: Any, examples: list[Any], path: list[str], merge: bool = True) -> Any:
    """``got`` must be of a kind some shipped example has; mappings and lists are checked inside.
    Returns ``got`` with the keys it leaves out filled from the shipped file (see :func:`_check_mapping`)."""
    if got is None and any(e is None for e in examples):
        return got
    examples = [e for e in examples if e is not None]
    if not examples:
        return got
    kinds = {_kind(e) for e in examples}
    k = _kind(got)
    if k not in kinds:
        want = "或".join(KIND_WORDS.get(x, x) for x in sorted(kinds))
        raise _Problem(path, f"应为{want}，实际是{_describe(got)}")
    if k == "number" and all(isinstance(e, int) for e in examples if _kind(e) == "number") and isinstance(got, float):
        if not got.is_integer():
            raise _Problem(path, f"应为{KIND_WORDS['int']}，实际是{_describe(got)}")
    if k == "mapping":
        return _check_mapping(got, [e for e in examples if isinstance(e, dict)], path, merge)
    if k == "list":
        items = [i for e in examples if isinstance(e, list) for i in e]
        return [_check_value(item, items, [*path, f"[{n + 1}]"], merge=False) for n, item in enumerate(got)]
    return got


def _check_mapping(got: dict, examples: list[dict], path: list[str], merge: bool) -> dict:
    """Fixed mappings: no unknown key. A key left out is taken from the shipped file where the mapping has
    one counterpart there (an override may hold only what the user changed: ``values: {one_key: ...}``);
    inside list items (``merge`` False: the shipped items are examples, not counterparts) the keys every
    example has are required."""
    keys = [k for e in examples for k in e]
    if examples and all(_fixed(e) for e in examples):
        known = dict.fromkeys(keys)
        for key in got:
            if key not in known:
                close = difflib.get_close_matches(str(key), [str(k) for k in known], n=1, cutoff=0.6)
                hint = f"（是不是 {close[0]}？）" if close else f"（可用的键：{'、'.join(map(str, known))}）"
                raise _Problem([*path, str(key)], f"工具不认识这个键，不会读它{hint}")
        out = {key: _check_value(value, [e[key] for e in examples if key in e], [*path, str(key)], merge)
               for key, value in got.items()}
        if merge and len(examples) == 1:
            for key, value in examples[0].items():
                out.setdefault(key, copy.deepcopy(value))
        else:
            required = set.intersection(*(set(e) for e in examples))
            for key in known:
                if key in required and key not in got:
                    raise _Problem([*path, str(key)], "缺少这个键（本工具自带的同名文件里每一项都有它，程序要读）")
        return out
    # keyed by data (words, patterns): any key, values of the shipped kind; the user's set replaces the kit's
    values = [v for e in examples for v in e.values()]
    return {key: _check_value(value, values, [*path, str(key)], merge=False) for key, value in got.items()}


def validate_override(data: Any, shipped: Any, file: Path | str) -> Any:
    """Check ``data`` (an override file) against the shipped file's shape; return it with the keys it left
    out taken from the shipped file. Raises :class:`ParamFileError` naming file, key and expectation."""
    try:
        return _check_value(data, [shipped], [])
    except _Problem as p:
        raise ParamFileError(
            f"参数文件 {file} 有误：{_where(p.path)}：{p.text}。请对照本工具自带的同名文件修改，"
            f"或把它从 {Path(file).parent} 中删去以使用自带的版本。"
        ) from None


def yaml_error(file: Path | str, exc: Exception) -> ParamFileError:
    """The message for an override that is not valid YAML (line and column when the parser knows them)."""
    mark = getattr(exc, "problem_mark", None)
    where = f"第 {mark.line + 1} 行第 {mark.column + 1} 列附近" if mark is not None else ""
    return ParamFileError(f"参数文件 {file} 不是有效的 YAML 格式{'：' + where + '写法有误' if where else ''}。"
                          "常见原因：冒号后少了空格、缩进不齐、用了中文冒号或制表符、括号没有配对。")
