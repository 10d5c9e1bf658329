"""Which allocator Arrow uses for the kit's large text columns.

Measured on a million findings-heavy records (README, 性能): with the default mimalloc pool a third
of the run was the kernel mapping and unmapping memory, because every large buffer freed went back
to the system at once; jemalloc keeps freed buffers for a moment and reuses them (about 15% faster,
lower peak). Windows wheels generally come without jemalloc: there the default stays. A pool chosen by the user
(ARROW_DEFAULT_MEMORY_POOL) is left alone.

Importing this module (or the engine) changes nothing: the pool is process-wide state, so it is switched
by the entry points (``zyfw``: cli/options.py) and at the first check (``engine.check_table``), once, through
:func:`ensure_reusing_pool`.
"""

from __future__ import annotations

import os
import threading

import pyarrow as pa

_lock = threading.Lock()
_chosen: str | None = None  # the backend chosen by ensure_reusing_pool (None: not yet)


def use_reusing_pool() -> str:
    """Switch to jemalloc when available; returns the backend in use."""
    if not os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        try:
            pa.set_memory_pool(pa.jemalloc_memory_pool())
        except (NotImplementedError, pa.ArrowNotImplementedError):
            pass
    return pa.default_memory_pool().backend_name


def ensure_reusing_pool() -> str:
    """:func:`use_reusing_pool` once per process (later calls return the backend and change nothing, so
    a pool the program sets afterwards stands)."""
    global _chosen
    with _lock:
        if _chosen is None:
            _chosen = use_reusing_pool()
        return _chosen
