"""Timing and peak-memory helpers for the benchmarks (standard library only).

Peak memory is measured three ways, because a phase may start worker processes:

- ``self_peak_mb``: the kernel's high-water mark of this process
  (``getrusage(RUSAGE_SELF).ru_maxrss``), exact;
- ``children_peak_mb``: the largest high-water mark of any finished child
  (``RUSAGE_CHILDREN``), e.g. a pool worker;
- ``tree_peak_mb``: the largest sum of the resident sizes of a process and all
  its descendants, sampled every ``interval`` seconds from ``/proc`` by the
  process that waits for it (what a machine must hold at once when workers run
  side by side).

``peak_mb`` is the largest of the tree sample and the process's own high-water
mark: exact for a single process, a sampled lower bound of the true total with
workers. Run every measured phase in a fresh process so the marks belong to it.
"""

from __future__ import annotations

import os
import platform
import resource
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _kb_to_mb(kb: float) -> float:
    # ru_maxrss is in kilobytes on Linux, in bytes on macOS.
    return kb / (1024 * 1024) if sys.platform == "darwin" else kb / 1024


def _rss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", "rb") as handle:
            return int(handle.read().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return 0


def _children(pid: int) -> list[int]:
    found: list[int] = []
    task_dir = Path(f"/proc/{pid}/task")
    try:
        tasks = list(task_dir.iterdir())
    except OSError:
        return found
    for task in tasks:
        try:
            found.extend(int(c) for c in (task / "children").read_text().split())
        except (OSError, ValueError):
            continue
    return found


def tree_rss_bytes(pid: int | None = None) -> int:
    """Resident bytes of ``pid`` (default: this process) and all its descendants."""
    root = os.getpid() if pid is None else pid
    total = 0
    stack = [root]
    seen: set[int] = set()
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        total += _rss_bytes(current)
        stack.extend(_children(current))
    return total


class PeakSampler:
    """Samples the resident size of process ``pid``'s tree in a background thread.

    Run it in the process that *waits* for the measured one, so the measured
    process has no extra thread (a thread changes how it may start workers).
    """

    def __init__(self, pid: int | None = None, interval: float = 0.05) -> None:
        self.pid = pid
        self.interval = interval
        self.peak_bytes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="peak-rss", daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_bytes = max(self.peak_bytes, tree_rss_bytes(self.pid))
            self._stop.wait(self.interval)

    def __enter__(self) -> PeakSampler:
        self.peak_bytes = tree_rss_bytes(self.pid)
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()


def own_peaks() -> dict[str, float]:
    """This process's high-water mark and its largest finished child's, in MB."""
    own = _kb_to_mb(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    children = _kb_to_mb(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    return {"self_peak_mb": round(own, 1), "children_peak_mb": round(children, 1)}


def memory_report(peaks: dict[str, float], tree_peak_bytes: int) -> dict[str, float]:
    """Combine a process's own peaks with the sampled peak of its tree (see above)."""
    tree = round(tree_peak_bytes / 2**20, 1)
    own = peaks.get("self_peak_mb", 0.0)
    return {"peak_mb": max(own, tree), **peaks, "tree_peak_mb": tree}


def cpu_seconds() -> float:
    """User + system CPU time of this process and its finished children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


@dataclass
class Timer:
    """Wall and CPU seconds of a block (CPU includes children that finished in it)."""

    seconds: float = 0.0
    cpu: float = 0.0
    _wall0: float = field(default=0.0, repr=False)
    _cpu0: float = field(default=0.0, repr=False)

    def as_dict(self) -> dict[str, float]:
        return {"seconds": round(self.seconds, 4), "cpu_seconds": round(self.cpu, 3)}


@contextmanager
def timed() -> Iterator[Timer]:
    timer = Timer()
    timer._cpu0 = cpu_seconds()
    timer._wall0 = time.perf_counter()
    try:
        yield timer
    finally:
        timer.seconds = time.perf_counter() - timer._wall0
        timer.cpu = cpu_seconds() - timer._cpu0


def load_average() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


def machine() -> dict[str, object]:
    """What the numbers were measured on."""
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_gb = 0.0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_gb = round(int(line.split()[1]) / 2**20, 1)
                break
    except OSError:
        pass
    return {
        "cpus": os.cpu_count(),
        "usable_cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "cpu_model": model,
        "memory_gb": memory_gb,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average": load_average(),
    }
