"""Which allocator Arrow uses for the kit's large text columns.

Measured on a million findings-heavy records (README, 性能): with the default mimalloc pool a third
of the run was the kernel mapping and unmapping memory, because every large buffer freed went back
to the system at once; jemalloc keeps freed buffers for a moment and reuses them (about 15% faster,
lower peak). Windows wheels generally come without jemalloc: there the default stays. A pool chosen by the user
(ARROW_DEFAULT_MEMORY_POOL) is left alone.
"""

from __future__ import annotations

import os

import pyarrow as pa


def use_reusing_pool() -> str:
    """Switch to jemalloc when available; returns the backend in use."""
    if not os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        try:
            pa.set_memory_pool(pa.jemalloc_memory_pool())
        except (NotImplementedError, pa.ArrowNotImplementedError):
            pass
    return pa.default_memory_pool().backend_name
