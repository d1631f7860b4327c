"""The background well-formedness check of the flat XES reader: which error wins."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from opexflow.errors import LogFormatError
from opexflow.logs.xes_check import XmlCheck

PATH = Path("log.xes")


def test_a_well_formed_document_passes() -> None:
    check = XmlCheck(PATH)
    for chunk in (
        b"<log><trace>",
        b'<event><string key="a" value="b"/></event>',
        b"</trace></log>",
    ):
        check.feed(chunk)
    check.close()


def test_the_end_of_the_document_is_checked() -> None:
    check = XmlCheck(PATH)
    check.feed(b"<log><trace>")
    with pytest.raises(LogFormatError, match="malformed XML") as info:
        check.close()
    assert info.value.location.file == "log.xes"


def test_the_xml_error_wins_over_the_readers_own() -> None:
    check = XmlCheck(PATH)
    check.feed(b"<log>\n<trace>\n</lg>")
    error = check.outcome(ValueError("the scan failed"))
    assert isinstance(error, LogFormatError)
    assert error.location.line == 3
    assert "mismatch" in str(error)


def test_the_readers_error_stands_when_the_bytes_so_far_are_fine() -> None:
    check = XmlCheck(PATH)
    check.feed(b"<log><trace>")
    failure = ValueError("the scan failed")
    assert check.outcome(failure) is failure


def test_an_interrupt_is_not_replaced() -> None:
    check = XmlCheck(PATH)
    check.feed(b"<log></lg>")
    interrupt = KeyboardInterrupt()
    assert check.outcome(interrupt) is interrupt


def test_feeding_after_a_failed_check_raises_its_error_and_ends_the_thread() -> None:
    before = threading.active_count()
    check = XmlCheck(PATH)
    check.feed(b"<log></lg>")
    with pytest.raises(LogFormatError, match="mismatch"):
        for _ in range(1000):
            check.feed(b"<trace/>")
    assert threading.active_count() == before
