"""How much of the machine a benchmark had: CPU time taken by other guests.

On a shared virtual machine the hypervisor runs other guests on the same cores, and
the time they take from this one is counted as "steal" in /proc/stat. A run during
which much was stolen is slower for reasons outside the code: the runners print it
beside their figures, so a slow run can be told from a slow change.
"""

from __future__ import annotations

import os


def stolen_seconds() -> float | None:
    """CPU seconds stolen from this machine since it started (all cores), or None
    where the kernel does not say."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            fields = stat.readline().split()
    except OSError:
        return None
    if len(fields) < 9 or fields[0] != "cpu":
        return None
    return int(fields[8]) / os.sysconf("SC_CLK_TCK")


def stolen_since(start: float | None) -> float | None:
    """Seconds stolen since `start` (a `stolen_seconds()` reading)."""
    now = stolen_seconds()
    return None if start is None or now is None else now - start


def describe_stolen(seconds: float | None) -> str:
    return "" if seconds is None else f"; other guests took {seconds:.2f} s of CPU meanwhile"
