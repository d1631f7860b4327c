"""Timing and memory measurement shared by the harness and its worker processes.

Peak memory is the resident set size high-water mark (Linux ``VmHWM``):

- inside a process, :func:`reset_peak` sets the mark back to the current RSS
  (by writing ``5`` to ``/proc/self/clear_refs``), so the mark read after an
  operation is that operation's peak, including whatever the process already held
  (the library, the loaded log);
- for a child process, :func:`run_process` waits for it with ``os.wait4``, whose
  ``ru_maxrss`` is that child's own peak (unlike ``RUSAGE_CHILDREN``, which is the
  maximum over every child the harness ever waited for).
"""

from __future__ import annotations

import gc
import json
import os
import re
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_STATUS = Path("/proc/self/status")
_CLEAR_REFS = Path("/proc/self/clear_refs")


def peak_rss_mb() -> float:
    """This process's RSS high-water mark, in MB (0 where /proc is missing)."""
    try:
        text = _STATUS.read_text()
    except OSError:
        return 0.0
    match = re.search(r"^VmHWM:\s+(\d+) kB", text, re.MULTILINE)
    return int(match.group(1)) / 1024 if match else 0.0


def reset_peak() -> None:
    """Set the RSS high-water mark back to the current RSS (Linux >= 4.0)."""
    gc.collect()
    try:
        _CLEAR_REFS.write_text("5")
    except OSError:
        pass


@dataclass
class Timing:
    """Wall times of the runs of one operation, and the peak RSS of its first run."""

    times: list[float] = field(default_factory=list)
    peak_rss_mb: float = 0.0
    error: str | None = None

    @property
    def best(self) -> float | None:
        return min(self.times) if self.times else None

    @property
    def spread(self) -> float | None:
        """(slowest - fastest) / fastest over the runs: how noisy the measurement was."""
        if len(self.times) < 2:
            return None
        return (max(self.times) - min(self.times)) / min(self.times)

    def to_dict(self) -> dict[str, Any]:
        return {
            "best_s": self.best,
            "times_s": self.times,
            "runs": len(self.times),
            "spread": self.spread,
            "peak_rss_mb": round(self.peak_rss_mb, 1),
            "error": self.error,
        }


def best_of(
    fn: Callable[[], object],
    *,
    repeat: int,
    slow: float,
    before: Callable[[], None] | None = None,
) -> Timing:
    """Run ``fn`` up to ``repeat`` times (once if the first run takes ``slow`` s or more).

    ``before`` runs untimed before every run (e.g. to remove the previous output).
    The result of a run is dropped before the next one starts. An exception stops
    the runs and is recorded in :attr:`Timing.error`.
    """
    timing = Timing()
    for i in range(max(1, repeat)):
        if before is not None:
            before()
        reset_peak()
        t0 = time.perf_counter()
        try:
            result = fn()
        except Exception as exc:
            timing.error = f"{type(exc).__name__}: {exc}"[:500]
            return timing
        timing.times.append(time.perf_counter() - t0)
        if i == 0:
            timing.peak_rss_mb = peak_rss_mb()
        del result
        if timing.times[0] >= slow:
            break
    return timing


@dataclass
class ProcessRun:
    """One child process: wall time, peak RSS, exit code and where its output went."""

    wall_s: float
    peak_rss_mb: float
    returncode: int
    stdout: Path
    stderr: Path

    def tail(self, lines: int = 15) -> str:
        text = self.stderr.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def failure(self) -> str:
        """Why the process failed: the ``error`` of a JSON object it printed, or its stderr."""
        try:
            out = json.loads(self.stdout.read_text(encoding="utf-8", errors="replace"))
        except ValueError:
            out = None
        message = out.get("error") if isinstance(out, dict) else None
        return f"exit code {self.returncode}: {message or self.tail()}"


def run_process(
    cmd: Sequence[str | Path],
    *,
    out_dir: Path,
    label: str,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> ProcessRun:
    """Run ``cmd`` to completion; its stdout and stderr go to files in ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stdout, stderr = out_dir / f"{label}.out", out_dir / f"{label}.err"
    with stdout.open("wb") as out, stderr.open("wb") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            [str(c) for c in cmd], stdout=out, stderr=err, env=dict(env or os.environ), cwd=cwd
        )
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    # ru_maxrss is in kB on Linux.
    return ProcessRun(wall, usage.ru_maxrss / 1024, proc.returncode, stdout, stderr)
