"""Pausing Python's cyclic garbage collector while large, cycle-free record sets are built
(a page of ClassLink records, a roster index).

A 10,000-user page decodes into ~100,000 dicts and lists and then ~10,000 records, none of
them in reference cycles. Left on, the collector keeps re-scanning that growing heap (and the
rest of the process); on a 100k-user district that costs about as much as the parsing itself.
Reference counting still frees everything as usual; only cycle detection waits until the last
concurrent page is done (the pause covers the whole page read, retries and their waits too).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0  # pages being read right now, across threads
_paused_by_us = False


@contextmanager
def gc_paused() -> Iterator[None]:
    """Disable the cyclic GC for the block (nestable, thread-safe); restore it afterwards."""
    global _depth, _paused_by_us
    with _lock:
        if _depth == 0:
            _paused_by_us = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _paused_by_us:
                _paused_by_us = False
                gc.enable()
