"""How much memory this process really holds, for caches that must bound it.

A prepared template's size cannot be estimated from its source: a template
with thousands of tags compiles to Python code ten times the size the source
suggests. What the process grew by while preparing it can be measured; Python
rarely hands memory back, so that growth is what the template costs.
"""

from __future__ import annotations

import os

_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


def resident_bytes() -> int:
    """This process's resident set size, from /proc (0 where there is none)."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * _PAGE_SIZE
    except (OSError, ValueError, IndexError):
        return 0
