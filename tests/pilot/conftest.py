"""The activation demo logs before and after the pilot, 6,000 cases each, imported once."""

from __future__ import annotations

from pathlib import Path

import pytest

from opexflow.demo import activation_log, write_log
from opexflow.logs import EventLog, import_log

CASES = 6000


@pytest.fixture(scope="session")
def pilot_logs(tmp_path_factory: pytest.TempPathFactory) -> tuple[EventLog, EventLog]:
    root = tmp_path_factory.mktemp("pilot")
    out = []
    for period in ("before", "after"):
        rows = activation_log(cases=CASES, period=period)  # type: ignore[arg-type]
        csv = write_log(rows, root / f"{period}.csv")
        out.append(import_log(Path(csv), root / f"ds-{period}"))
    return out[0], out[1]
