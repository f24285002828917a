"""Keep Python's cyclic garbage collector from stalling a worker's hot path.

A full (generation-2) collection walks every object the process holds: faust, SQLAlchemy, pydantic
and OR-Tools leave a few hundred thousand of them after start-up. In a busy matcher that collection
fell into every fifth matching round and added ~65 ms to it (bench/incremental.py: rounds of ~35 ms
with spikes to ~100 ms, period 5). Freezing the start-up heap moves those objects out of the
collector's sight (they live as long as the process anyway), so later collections only scan what
the handlers and rounds allocate since.
"""
from __future__ import annotations

import gc


def settle_startup_heap() -> None:
    """Collect once, then freeze what survives; call after imports and migrations, before serving."""
    gc.collect()
    gc.freeze()
