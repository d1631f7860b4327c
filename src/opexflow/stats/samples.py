"""Checking the samples a test is given."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from opexflow.errors import InputError

if TYPE_CHECKING:
    from numpy.typing import ArrayLike, NDArray


def as_sample(values: ArrayLike, name: str, *, minimum: int = 1) -> NDArray[np.float64]:
    """``values`` as a 1-D float array without NaN, with at least ``minimum`` values."""
    arr = np.asarray(values, dtype=np.float64).ravel()
    arr = arr[~np.isnan(arr)]
    if arr.size < minimum:
        raise InputError(
            f"样本 {name} 只有 {arr.size} 个值,至少需要 {minimum} 个 / sample {name} has "
            f"{arr.size} values; this needs at least {minimum}"
        )
    return arr


def check_counts(events: int, trials: int, name: str) -> None:
    """``0 <= events <= trials`` and ``trials > 0``."""
    if trials <= 0 or events < 0 or events > trials:
        raise InputError(
            f"{name}: {events}/{trials} 不是有效的计数 / {events} of {trials} is not a valid "
            "count; give 0 <= events <= trials and trials > 0"
        )
