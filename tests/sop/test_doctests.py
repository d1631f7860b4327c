"""The examples in the docstrings of opexflow.sop run and print what they say."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "opexflow.sop",
    "opexflow.sop.checks",
    "opexflow.sop.diff",
    "opexflow.sop.docx",
    "opexflow.sop.draft",
    "opexflow.sop.export",
    "opexflow.sop.markup",
    "opexflow.sop.model",
    "opexflow.sop.render",
    "opexflow.sop.versioning",
    "opexflow.sop.xlsx",
    "opexflow.demo.sops",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted > 0 or name == "opexflow.sop.checks"
