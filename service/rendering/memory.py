"""How much memory this process really holds, for caches that must bound it.

A prepared template's size cannot be estimated from its source: a template
with thousands of tags compiles to Python code ten times the size the source
suggests, and compiling it passes through a peak ten times larger still. What
the process keeps after preparing it can be measured: collect garbage, hand
the allocator's free memory back to the system (glibc's ``malloc_trim``), then
read the resident set.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import os
from collections.abc import Callable

_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


def _malloc_trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    trim: Callable[[int], int] | None = getattr(ctypes.CDLL(name), "malloc_trim", None)
    return trim


_TRIM = _malloc_trim()


def resident_bytes() -> int:
    """This process's resident set size, from /proc (0 where there is none)."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * _PAGE_SIZE
    except (OSError, ValueError, IndexError):
        return 0


def settled_resident_bytes() -> int:
    """The resident set once garbage is collected and free memory handed back."""
    gc.collect()
    if _TRIM is not None:
        _TRIM(0)
    return resident_bytes()
