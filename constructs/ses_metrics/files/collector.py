"""Python's cyclic garbage collector paused around work that builds many objects that live
on: parsing a document, a simulation run.

Such work makes the collector re-scan everything it has built so far, again and again, and
none of it is garbage: ``json.loads`` of a 6 MB scenario took 0.10 s with the collector
running and 0.04 s without it (0.25 s in ``simulate``'s process, whose imports make every
full collection longer), and a simulation run spent half of its time in it
(benchmarks/RESULTS.md).
Reference counting still frees what the work drops meanwhile.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic collector for the block; it resumes when the block ends, unless it
    was off already (so pauses nest: the outermost resumes it).

    On resuming, what the block allocated is placed in the oldest generation (``gc.freeze``
    then ``gc.unfreeze``, which moves objects without scanning them): left in the youngest,
    the first young collections after a 20,000-send run re-scanned every object it kept,
    0.26 s then 0.35 s. Cycles among them are still found by the next full collection.
    Skipped when the program has frozen objects of its own, which unfreezing would release."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if gc.get_freeze_count() == 0:
                gc.freeze()
                gc.unfreeze()
            gc.enable()
