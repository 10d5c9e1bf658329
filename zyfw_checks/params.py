"""Dated parameter files (YAML under ``params/``): the one home of numbers and word lists."""

from __future__ import annotations

import datetime as dt
import functools
import os
from pathlib import Path
from typing import Any

import yaml

from zyfw_checks.errors import KitError

PARAMS_DIR = Path(__file__).parent / "params"
DATA_DIR = Path(__file__).parent / "data"

# Users may point the kit at their own copy of the parameter folder (e.g. a lexicon a trainer extended).
ENV_OVERRIDE = "ZYFW_PARAMS_DIR"


def params_dir() -> Path:
    return Path(os.environ.get(ENV_OVERRIDE) or PARAMS_DIR)


@functools.cache
def _load(path: str, mtime: float) -> Any:
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@functools.cache
def _load_override(path: str, mtime: float, shipped: str, shipped_mtime: float) -> Any:
    """A user's override file, checked against the shipped file of the same name (params_schema)."""
    from zyfw_checks.params_schema import ParamFileError, validate_override, yaml_error

    try:
        data = _load(path, mtime)
    except yaml.YAMLError as exc:
        raise yaml_error(path, exc) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ParamFileError(f"参数文件 {path} 无法读取（{type(exc).__name__}）：请确认它是 UTF-8 编码的文本文件。") from None
    if Path(shipped).exists():
        data = validate_override(data, _load(shipped, shipped_mtime), path)
    return data


def load_params(name: str) -> Any:
    """Load ``params/<name>.yaml`` (``name`` may contain a sub-folder, e.g. ``lexicons/roles``).

    A file from the override folder (``ZYFW_PARAMS_DIR``) is validated against the shipped one (keys it
    leaves out come from the shipped file): a typo or a wrong type raises ``params_schema.ParamFileError``
    (a ``KitError``: exit 2)."""
    shipped = PARAMS_DIR / f"{name}.yaml"
    path = params_dir() / f"{name}.yaml"
    if not path.exists() or path.resolve() == shipped.resolve():  # an override may hold only the changed files
        return _load(str(shipped), shipped.stat().st_mtime)
    return _load_override(str(path), path.stat().st_mtime, str(shipped),
                          shipped.stat().st_mtime if shipped.exists() else 0.0)


class ParamError(KitError, KeyError):
    """A parameter has no value in force on the date asked for (a ``KitError``: exit 2; still a ``KeyError``
    for the callers that look a key up and fall back)."""


def shipped_params(name: str) -> Any:
    """``params/<name>.yaml`` as shipped with the kit, never a user's override: for checks of the kit's own
    metadata (the rule registry), which must not fail on import because of a typo in someone's override."""
    path = PARAMS_DIR / f"{name}.yaml"
    return _load(str(path), path.stat().st_mtime)


def _as_date(d) -> dt.date:
    if d is None:
        return dt.date.today()
    if isinstance(d, dt.datetime):
        return d.date()
    if isinstance(d, dt.date):
        return d
    return dt.date.fromisoformat(str(d)[:10])


def param_series(key: str, name: str = "thresholds") -> list[dict]:
    """Every dated value of ``key`` in ``params/<name>.yaml`` (``values: {key: {series: [...]}}``),
    oldest first; each item has ``since``, ``value`` and ``source``."""
    entry = load_params(name)["values"][key]
    return sorted(entry["series"], key=lambda item: _as_date(item["since"]))


def value_on(series: list[dict], on=None, key: str = "") -> Any:
    """The value of a dated series in force on ``on`` (default today): the last item whose
    ``since`` is on or before that date. Before the first ``since`` there is no value."""
    day = _as_date(on)
    live = [item for item in series if _as_date(item["since"]) <= day]
    if not live:
        first = _as_date(series[0]["since"]) if series else None
        raise ParamError(f"参数 {key} 在 {day} 尚未生效（最早自 {first} 起）")
    return live[-1]["value"]


def threshold(key: str, on=None, name: str = "thresholds") -> Any:
    """The value of a dated parameter in force on ``on`` (a date; default today)."""
    return value_on(param_series(key, name), on, key)


def in_force_since(key: str, name: str = "thresholds") -> dt.date:
    """The first date any value of ``key`` is in force."""
    return _as_date(param_series(key, name)[0]["since"])


def demo_file(name: str) -> Path:
    """A demo file the app ships (copies of data/samples/ files, kept equal by a test)."""
    return DATA_DIR / "demo" / name


def notice_text() -> str:
    return (DATA_DIR / "notice-xiangminfa-2023-29.txt").read_text(encoding="utf-8")
