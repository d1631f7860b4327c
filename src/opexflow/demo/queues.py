"""First-come, first-served queues, one per server, computed without a loop per job.

For one server, a job starts when it is ready or when the previous job ends,
whichever is later (Lindley's recursion). With ``C`` the work of the earlier
jobs, that is ``start[i] = C[i] + max over j <= i of (ready[j] - C[j])``: a
running maximum, which NumPy computes for all servers at once.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Int = NDArray[np.int64]


class Queues:
    """``servers`` FIFO queues that remember, from chunk to chunk, when each server is free.

    Example:
        >>> q = Queues(1)
        >>> start, end = q.serve(np.array([0, 5, 100]), np.array([10, 10, 10]), np.array([0, 0, 0]))
        >>> start.tolist(), end.tolist()
        ([0, 10, 100], [10, 20, 110])
    """

    def __init__(self, servers: int) -> None:
        self.free = np.zeros(servers, dtype=np.int64)

    def serve(self, ready: Int, work: Int, server: Int) -> tuple[Int, Int]:
        """Start and end of each job, given when it is ready, its work and its server."""
        n = len(ready)
        if n == 0:
            return ready.copy(), ready.copy()
        order = np.lexsort((ready, server))
        r, w, g = ready[order], work[order], server[order]
        first = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
        length = np.diff(np.r_[first, n])
        before = np.cumsum(w) - w
        done = before - np.repeat(before[first], length)  # work of earlier jobs, same server
        slack = r - done
        slack[first] = np.maximum(slack[first], self.free[g[first]])
        # A running maximum per server: lift each server's values above the previous ones.
        group = np.repeat(np.arange(len(first), dtype=np.int64), length)
        lift = int(slack.max() - slack.min()) + 1
        running = np.maximum.accumulate(slack + group * lift) - group * lift
        start = np.empty(n, dtype=np.int64)
        start[order] = done + running
        end = start + work
        last = first + length - 1
        self.free[g[last]] = (done + running + w)[last]
        return start, end
