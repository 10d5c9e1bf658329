"""Dated parameter files (YAML under ``params/``): the one home of numbers and word lists."""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any

import yaml

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


def load_params(name: str) -> Any:
    """Load ``params/<name>.yaml`` (``name`` may contain a sub-folder, e.g. ``lexicons/roles``)."""
    path = params_dir() / f"{name}.yaml"
    if not path.exists():  # an override folder may hold only the files the user changed
        path = PARAMS_DIR / f"{name}.yaml"
    return _load(str(path), path.stat().st_mtime)


def threshold(key: str) -> Any:
    return load_params("thresholds")["values"][key]["value"]


def notice_text() -> str:
    return (DATA_DIR / "notice-xiangminfa-2023-29.txt").read_text(encoding="utf-8")
