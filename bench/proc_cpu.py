"""CPU seconds used so far by a process tree (gunicorn's master and its workers), from /proc.

bench/load.py reads it before and after a run, next to its own time.process_time(), so that a
reader sees who used the shared cores: the load generator or the server.
"""

from __future__ import annotations

import os
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _stat(pid: int | str) -> list[str] | None:
    try:
        # after the command name in parentheses (which may hold spaces): state, ppid, ...
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def tree_seconds(root: int) -> float:
    """User + system CPU of `root`, of its live children, and of the children it has reaped
    (a worker that gunicorn restarted). 0.0 where /proc is missing (not Linux)."""
    fields = _stat(root)
    if fields is None:
        return 0.0
    # fields[11:15]: utime, stime, cutime, cstime (proc(5) numbers 14-17, less the first two)
    ticks = sum(int(value) for value in fields[11:15])
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) != root:
            child = _stat(entry)
            if child is not None and int(child[1]) == root:
                ticks += int(child[11]) + int(child[12])
    return ticks / TICKS
