"""How many threads the kit's own work may use (rules of one check, chunks of one report).

``ZYFW_THREADS`` sets it (1 = everything on one thread, as before threads were used); by default as many as the
machine has cores, at most 2: the machines this is measured on have two, and more threads only hold more of a
big run in memory at once (each rule's intermediate columns, each report chunk)."""

from __future__ import annotations

import os

ENV = "ZYFW_THREADS"
DEFAULT_MAX = 2


def workers() -> int:
    given = os.environ.get(ENV, "").strip()
    if given.isdigit() and int(given) >= 1:
        return int(given)
    return max(1, min(DEFAULT_MAX, os.cpu_count() or 1))
