from __future__ import annotations

import pytest

from opexflow.demo.sops import activation_sop, fulfilment_sop
from opexflow.sop import Sop


@pytest.fixture(scope="session")
def v10() -> Sop:
    return activation_sop("V1.0")


@pytest.fixture(scope="session")
def v11() -> Sop:
    return activation_sop("V1.1")


@pytest.fixture(scope="session")
def orders() -> Sop:
    return fulfilment_sop()
