"""The one finding schema: which keys a finding has in every output, and which kit, schema and
parameter set produced it (``schema_version``, ``kit_version``, ``params_date``).

The JSON Schema is published beside this module (``finding.schema.json``, shipped as package
data): ``$defs/finding`` is one finding — one JSON Lines line, one element of the JSON document's
``findings``, one Parquet row, whether one file or a folder was checked; the root is the JSON
document (``--format json``).

Convention for JSON Lines: every line is a finding and carries the three provenance keys itself
(no header line), so ``pandas.read_json(lines=True)``, DuckDB's ``read_json`` or ``jq`` read the
file as one homogeneous table and any single line says which kit produced it. Parquet carries the
same columns and, in the file's key-value metadata under ``zyfw``, the same header as JSON.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

SCHEMA_VERSION = "1.0"  # bump the major part when a key is removed or changes meaning
SCHEMA_FILE = Path(__file__).with_name("finding.schema.json")
PROVENANCE = ("schema_version", "kit_version", "params_date")
_SINCE = re.compile(rb"^\s*-?\s*since:\s*['\"]?(\d{4}-\d{2}-\d{2})", re.M)


def finding_keys() -> list[str]:
    """The keys of one finding, in output order: the source file, the engine's columns, provenance."""
    from zyfw_checks.engine import FINDING_COLUMNS

    return ["file", *FINDING_COLUMNS, *PROVENANCE]


def kit_version() -> str:
    from zyfw_checks import __version__

    return __version__


@functools.cache
def _newest_since(folders: tuple[str, ...], today: str) -> str:
    newest = ""
    seen: set[str] = set()
    for folder in folders:  # the override folder first: a file there replaces the built-in one
        root = Path(folder)
        for path in sorted(root.rglob("*.yaml")):
            rel = path.relative_to(root).as_posix()
            if rel in seen:
                continue
            seen.add(rel)
            for m in _SINCE.finditer(path.read_bytes()):
                day = m.group(1).decode()
                if day <= today:  # a value dated ahead (a transition period) is not yet in force
                    newest = max(newest, day)
    return newest


def params_date() -> str:
    """The parameter set's date: the newest ``since`` in force today of any dated value in the
    parameter files in use (an override folder's files in place of the built-in ones). A changed
    value needs a new dated entry, so this date moves whenever the numbers or word lists do."""
    import datetime as dt

    from zyfw_checks.params import PARAMS_DIR, params_dir

    folders = tuple(dict.fromkeys([str(params_dir()), str(PARAMS_DIR)]))
    return _newest_since(folders, dt.date.today().isoformat())


def provenance() -> dict[str, str]:
    """The three keys every output carries."""
    return {"schema_version": SCHEMA_VERSION, "kit_version": kit_version(), "params_date": params_date()}


def footer() -> str:
    """One line for the terminal and the reports a person reads."""
    p = provenance()
    return f"zyfw_checks {p['kit_version']} · 结果格式 {p['schema_version']} · 参数版本 {p['params_date']}"


@functools.cache
def schema() -> dict:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


def finding_schema() -> dict:
    """A schema for one finding (one JSON Lines line), with the published file's definitions."""
    s = schema()
    return {"$schema": s["$schema"], "$defs": s["$defs"], "$ref": "#/$defs/finding"}
