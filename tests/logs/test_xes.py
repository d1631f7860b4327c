"""The XES reader: hand-written logs, the public XES logs, errors and fuzzed files.

Every test runs with both readers: the flat one (Arrow/NumPy over the bytes) and
the tree one (lxml), which the flat one hands over to for unusual XML.
"""

from __future__ import annotations

import gzip
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opexflow.errors import LogFormatError, NotFoundError
from opexflow.logs import xes, xes_flat, xes_reader, xes_tree
from opexflow.logs.staging import Staged
from opexflow.logs.xes import stage_xes

DATASETS = Path(__file__).resolve().parents[3] / "shared" / "datasets"


class Reader:
    """Which reader a test runs with, and whether the flat one handed over."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.handovers = 0
        self.handover_expected = False

    def expect_handover(self) -> None:
        self.handover_expected = True


@pytest.fixture(autouse=True, params=["flat", "tree"])
def reader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Reader]:
    """Run the test with one reader; the flat one must not hand over unless expected."""
    current = Reader(request.param)
    monkeypatch.setattr(xes, "_FLAT", current.name == "flat")
    tree_read = xes_tree.TreeReader.read

    def read(self: xes_tree.TreeReader, chunks: Any) -> None:
        current.handovers += current.name == "flat"
        tree_read(self, chunks)

    monkeypatch.setattr(xes_tree.TreeReader, "read", read)
    yield current
    assert current.handovers == 0 or current.handover_expected


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xes, "_BATCH_EVENTS", 2)
    monkeypatch.setattr(xes_reader, "_CHUNK_BYTES", 64)
    monkeypatch.setattr(xes_flat, "_SCAN_BYTES", 100)


HEADER = '<?xml version="1.0" encoding="UTF-8"?>\n<log xes.version="1.0">\n'

TINY = (
    HEADER
    + """  <global scope="trace"><string key="channel" value="web"/></global>
  <global scope="event"><string key="org:resource" value="nobody"/></global>
  <string key="log-level" value="not imported"/>
  <trace>
    <string key="concept:name" value="c1"/>
    <date key="REG_DATE" value="2024-03-01T09:00:00+08:00"/>
    <event>
      <string key="concept:name" value="A"/>
      <string key="lifecycle:transition" value="start"/>
      <date key="time:timestamp" value="2024-03-01T09:00:00.000+08:00"/>
      <string key="org:resource" value="Ann"/>
      <int key="amount" value="10"/>
    </event>
    <event>
      <string key="concept:name" value="A"/>
      <string key="lifecycle:transition" value="complete"/>
      <date key="time:timestamp" value="2024-03-01T09:30:00.000+08:00"/>
      <float key="amount" value="10.5"/>
      <boolean key="urgent" value="true"/>
    </event>
  </trace>
  <trace>
    <string key="concept:name" value="c2"/>
    <string key="channel" value="phone"/>
    <event>
      <string key="concept:name" value="B &amp; C"/>
      <date key="time:timestamp" value="2024-03-02T10:00:00Z"/>
      <id key="ticket" value="T-7"/>
    </event>
  </trace>
</log>
"""
)


def write(tmp_path: Path, text: str | bytes, name: str = "log.xes", *, gz: bool = False) -> Path:
    data = text.encode() if isinstance(text, str) else text
    path = tmp_path / name
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


def rows(staged: Staged) -> list[dict[str, Any]]:
    rel = duckdb.sql(f"SELECT * FROM {staged.relation} ORDER BY _pos")
    return [dict(zip(rel.columns, r, strict=True)) for r in rel.fetchall()]


def stage(tmp_path: Path, text: str, **kw: Any) -> Staged:
    return stage_xes(write(tmp_path, text, **kw), tmp_path / "work")


def event(*attributes: str) -> str:
    return "<event>" + "".join(attributes) + "</event>"


def string(key: str, value: str) -> str:
    return f'<string key="{key}" value="{value}"/>'


def test_one_row_per_event_with_event_and_trace_attributes(tmp_path: Path) -> None:
    staged = stage(tmp_path, TINY)
    assert staged.columns == (
        "case:channel",
        "org:resource",
        "case:concept:name",
        "case:REG_DATE",
        "concept:name",
        "lifecycle:transition",
        "time:timestamp",
        "amount",
        "urgent",
        "ticket",
    )
    assert (staged.location, staged.position_column, staged.typed) == ("event", "_pos", False)
    got = rows(staged)
    assert [(r["_pos"], r["case:concept:name"], r["concept:name"]) for r in got] == [
        (1, "c1", "A"),
        (2, "c1", "A"),
        (3, "c2", "B & C"),
    ]
    # Values are the strings of the file, lifecycle transitions included.
    assert [r["lifecycle:transition"] for r in got] == ["start", "complete", None]
    assert [r["time:timestamp"] for r in got][2] == "2024-03-02T10:00:00Z"
    assert [r["amount"] for r in got] == ["10", "10.5", None]
    assert got[0]["case:REG_DATE"] == "2024-03-01T09:00:00+08:00"
    assert "log-level" not in got[0]


def test_declared_types_follow_the_xes_types(tmp_path: Path) -> None:
    types = stage(tmp_path, TINY).declared_types
    assert types == {
        "case:channel": "text",
        "org:resource": "text",
        "case:concept:name": "text",
        "case:REG_DATE": "timestamp",
        "concept:name": "text",
        "lifecycle:transition": "text",
        "time:timestamp": "timestamp",
        "amount": "text",  # <int> in one event, <float> in another
        "urgent": "boolean",
        "ticket": "text",
    }


def test_globals_fill_missing_values(tmp_path: Path) -> None:
    got = rows(stage(tmp_path, TINY))
    assert [r["org:resource"] for r in got] == ["Ann", "nobody", "nobody"]
    assert [r["case:channel"] for r in got] == ["web", "web", "phone"]


def test_nested_attributes_keep_their_own_value_and_lists_are_skipped(tmp_path: Path) -> None:
    text = (
        HEADER
        + "<trace>"
        + string("concept:name", "c1")
        + event(
            '<string key="concept:name" value="A"><int key="inner" value="1"/></string>',
            '<list key="items"><values><string key="x" value="1"/></values></list>',
            '<container key="box"><string key="y" value="2"/></container>',
        )
        + "</trace></log>"
    )
    staged = stage(tmp_path, text)
    assert staged.columns == ("case:concept:name", "concept:name")
    assert rows(staged)[0]["concept:name"] == "A"
    assert staged.notes == ("list and container attributes are not imported: box, items",)


def test_traces_without_name_are_numbered_by_position(tmp_path: Path) -> None:
    text = (
        HEADER
        + '<global scope="trace"><string key="concept:name" value="UNKNOWN"/></global>'
        + "<trace>"
        + event(string("concept:name", "A"))
        + "</trace><trace>"
        + string("concept:name", "named")
        + event(string("concept:name", "B"))
        + "</trace><trace>"
        + event(string("concept:name", "C"))
        + "</trace></log>"
    )
    staged = stage(tmp_path, text)
    assert [r["case:concept:name"] for r in rows(staged)] == ["1", "named", "3"]
    assert staged.notes == (
        "2 traces have no concept:name; they are named by their position in the file",
    )


def test_default_namespace_and_attribute_order_do_not_matter(tmp_path: Path) -> None:
    text = (
        '<log xmlns="http://www.xes-standard.org/"><trace>'
        '<string value="c1" key="concept:name"/>'
        + event('<string value="A" key="concept:name"/>')
        + "</trace></log>"
    )
    got = rows(stage(tmp_path, text))
    assert got == [{"case:concept:name": "c1", "concept:name": "A", "_pos": 1}]


@pytest.mark.parametrize(("name", "gz"), [("log.xes", True), ("log.xes.gz", False)])
def test_gzip_is_recognised_by_content_not_suffix(tmp_path: Path, name: str, gz: bool) -> None:
    staged = stage_xes(write(tmp_path, TINY, name, gz=gz), tmp_path / "work")
    assert len(rows(staged)) == 3


def test_names_that_differ_only_in_case_are_renamed(tmp_path: Path) -> None:
    text = (
        HEADER
        + "<trace>"
        + string("concept:name", "c1")
        + event(string("Costs", "1"), string("costs", "2"), string("_POS", "x"))
        + "</trace></log>"
    )
    staged = stage(tmp_path, text)
    assert staged.columns == ("case:concept:name", "Costs", "costs (2)", "_POS (2)")
    row = rows(staged)[0]
    assert (row["Costs"], row["costs (2)"], row["_POS (2)"], row["_pos"]) == ("1", "2", "x", 1)
    assert "'costs' -> 'costs (2)'" in staged.notes[0]


PLAIN = [
    {"_pos": 1, "case:concept:name": "c1", "concept:name": "A & B", "note": 'say "hi"'},
    {"_pos": 2, "case:concept:name": "c1", "concept:name": "C", "note": None},
]


@pytest.mark.parametrize(
    "text",
    [
        # What the flat reader reads itself: entities, character references, raw
        # newlines and tabs (which XML turns into spaces), a UTF-8 BOM, comments
        # before the root.
        "\ufeff<?xml version='1.0' encoding='utf-8'?><!-- made by hand -->\n<log><trace>"
        '<string key="concept:name"  value = "c1"/><event><string key="concept:name" '
        'value="A &amp; B"/><string key="note" value="say &#34;hi&#x22;"/></event><event>'
        '<string key="concept:name" value="C"/></event></trace></log>',
    ],
)
def test_what_the_flat_reader_reads(tmp_path: Path, text: str) -> None:
    assert rows(stage(tmp_path, text)) == PLAIN


TRACE = (
    '<trace><string key="concept:name" value="c1"/><event><string key="concept:name" '
    'value="A &amp; B"/>{extra}<string key="note" value=\'say "hi"\'/></event>'
    '<event><string key="concept:name" value="C"/></event></trace>'
)


@pytest.mark.parametrize(
    ("prolog", "extra"),
    [
        ("", ""),  # a single-quoted attribute
        ("", "<!-- a comment -->"),
        ("", "<?pi data?>"),
        ("", "text"),
        ("", "<![CDATA[x]]>"),
        ('<!DOCTYPE log [<!ENTITY e "">]>', "&e;"),
        ('<?xml version="1.0" encoding="ISO-8859-1"?>', ""),
    ],
)
def test_unusual_xml_is_handed_to_the_tree_reader(
    tmp_path: Path, reader: Reader, prolog: str, extra: str
) -> None:
    reader.expect_handover()
    got = rows(stage(tmp_path, prolog + "<log>" + TRACE.format(extra=extra) + "</log>"))
    assert got == PLAIN
    assert reader.handovers == (reader.name == "flat")


@pytest.mark.usefixtures("small_batches")
def test_columns_may_first_appear_in_a_later_part(tmp_path: Path) -> None:
    traces = "".join(
        f"<trace>{string('concept:name', f'c{i}')}"
        + event(string("concept:name", "A"), *([string("late", "yes")] if i == 9 else []))
        + event(string("concept:name", "B"))
        + "</trace>"
        for i in range(10)
    )
    staged = stage(tmp_path, HEADER + traces + "</log>")
    assert len(list(staged.cleanup[0].glob("part-*.parquet"))) > 2
    assert staged.columns == ("case:concept:name", "concept:name", "late")
    got = rows(staged)
    assert [r["_pos"] for r in got] == list(range(1, 21))
    assert [r["late"] for r in got] == [None] * 18 + ["yes", None]
    assert got[19]["case:concept:name"] == "c9"


def test_a_long_trace_is_read_in_slices(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (
        HEADER
        + "<trace>"
        + string("concept:name", "c1")
        + "".join(event(string("concept:name", f"a{i}")) for i in range(50))
        + string("late", "after the events")
        + "</trace></log>"
    )
    whole = rows(stage(tmp_path, text))
    monkeypatch.setattr(xes_tree, "_MAX_OPEN_CHILDREN", 3)
    monkeypatch.setattr(xes_reader, "_CHUNK_BYTES", 100)
    monkeypatch.setattr(xes_flat, "_SCAN_BYTES", 100)
    monkeypatch.setattr(xes, "_BATCH_EVENTS", 7)
    sliced = rows(stage_xes(write(tmp_path, text, "again.xes"), tmp_path / "work2"))
    assert [r["concept:name"] for r in sliced] == [f"a{i}" for i in range(50)]
    assert {r["case:concept:name"] for r in sliced} == {"c1"}
    # Events written before a trace attribute was read miss it; the others have it.
    assert [r["case:late"] for r in whole] == ["after the events"] * 50
    late = [r.get("case:late") for r in sliced]
    assert late == sorted(late, key=lambda v: v is not None)
    assert set(late) <= {None, "after the events"}
    assert [{k: v for k, v in r.items() if k != "case:late"} for r in sliced] == [
        {k: v for k, v in r.items() if k != "case:late"} for r in whole
    ]


def test_progress_reports_bytes_of_the_file(tmp_path: Path) -> None:
    calls: list[tuple[str, float, float | None]] = []
    path = write(tmp_path, TINY, gz=True)
    stage_xes(path, tmp_path / "work", progress=lambda *a: calls.append(a))
    size = path.stat().st_size
    assert calls[-1] == ("Reading XES", size, size)


def test_cleanup_lists_the_parts_directory(tmp_path: Path) -> None:
    staged = stage(tmp_path, TINY)
    (parts,) = staged.cleanup
    assert parts.parent == tmp_path / "work"
    assert re.findall(r"'([^']+)'", staged.relation) == [
        str(p) for p in sorted(parts.glob("part-*.parquet"))
    ]


# The public logs: event counts as in ../shared/datasets/README.md.
PUBLIC = [
    ("running-example.xes", 6, 42, 8),
    ("roadtraffic100traces.xes", 100, 390, 10),
    ("04_reviewing.xes.gz", 100, 3_730, 14),
    ("03_repairExample.xes.gz", 1_104, 11_855, 8),
    ("08_receipt.xes.gz", 1_434, 8_577, 27),
    ("helpdesk.xes.gz", 4_580, 21_348, 14),
    ("02_teleclaims.xes.gz", 3_512, 46_138, 11),
    ("07_bpic2013_incidents.xes.gz", 7_554, 65_533, 4),
    ("bpic2012.xes.gz", 13_087, 262_200, 24),
]


@pytest.mark.parametrize(("name", "cases", "events", "activities"), PUBLIC)
def test_public_logs(tmp_path: Path, name: str, cases: int, events: int, activities: int) -> None:
    path = DATASETS / name
    if not path.exists():
        pytest.fail(f"public dataset {path} is missing (expected beside the checkout)")
    staged = stage_xes(path, tmp_path)
    got = duckdb.sql(
        f'SELECT count(*), count(DISTINCT "case:concept:name"), count(DISTINCT "concept:name"),'
        f" max(_pos) FROM {staged.relation}"
    ).fetchone()
    assert got == (events, cases, activities, events)
    assert staged.declared_types["time:timestamp"] == "timestamp"


# Errors: the class, the location, and nothing left behind.


def failure(path: Path, workdir: Path, error: type[Exception] = LogFormatError) -> Any:
    with pytest.raises(error) as info:
        stage_xes(path, workdir)
    assert list(workdir.iterdir()) == []
    assert info.value.location.file == str(path)
    return info.value


def test_malformed_xml_names_the_line(tmp_path: Path) -> None:
    text = HEADER + "<trace>\n" + event(string("concept:name", "A")) + "\n</trace>\n</lg>\n"
    err = failure(write(tmp_path, text), tmp_path / "work")
    assert err.location.line == 6
    assert "line 6" in str(err)
    assert "mismatch" in str(err) and "expected a well-formed XES" in str(err)


def test_malformed_xml_in_a_gzip_file_names_the_line(tmp_path: Path) -> None:
    text = TINY.replace('<boolean key="urgent" value="true"/>', '<boolean key="urgent" value=/>')
    err = failure(write(tmp_path, text, "log.xes.gz", gz=True), tmp_path / "work")
    assert err.location.line == 1 + next(
        i for i, line in enumerate(text.splitlines()) if "urgent" in line
    )
    assert "AttValue" in err.message


def test_truncated_gzip(tmp_path: Path) -> None:
    data = gzip.compress(TINY.encode())
    err = failure(write(tmp_path, data[: len(data) // 2], "log.xes.gz"), tmp_path / "work")
    assert "truncated" in str(err)


def test_corrupt_gzip(tmp_path: Path) -> None:
    data = bytearray(gzip.compress(TINY.encode()))
    data[-6] ^= 0xFF  # the CRC
    err = failure(write(tmp_path, bytes(data), "log.xes.gz"), tmp_path / "work")
    assert "gzip data is corrupt" in str(err)


def test_xml_that_is_not_xes(tmp_path: Path) -> None:
    text = '<?xml version="1.0"?>\n<definitions><process id="p"/></definitions>\n'
    err = failure(write(tmp_path, text), tmp_path / "work")
    assert "root element is <definitions>, expected <log>" in str(err)
    assert err.location.line == 2


def test_xes_log_below_another_root(tmp_path: Path) -> None:
    text = "<wrapper><log><trace>" + event(string("concept:name", "A")) + "</trace></log></wrapper>"
    err = failure(write(tmp_path, text), tmp_path / "work")
    assert "root element is <wrapper>" in str(err)


@pytest.mark.parametrize("body", ["", "<trace/>", '<trace><string key="a" value="b"/></trace>'])
def test_log_without_events(tmp_path: Path, body: str) -> None:
    err = failure(write(tmp_path, HEADER + body + "</log>"), tmp_path / "work")
    assert "contains no events" in str(err)
    assert err.location.line == 2


@pytest.mark.parametrize(
    ("data", "line"), [(b"case,activity\n1,A\n", 1), (b"\x00\x01\x02", 1), (b"\n\n<log", 3)]
)
def test_not_xml_at_all(tmp_path: Path, data: bytes, line: int) -> None:
    err = failure(write(tmp_path, data), tmp_path / "work")
    assert err.location.line == line


def test_empty_file(tmp_path: Path) -> None:
    err = failure(write(tmp_path, b""), tmp_path / "work")
    assert "the file is empty" in str(err)


def test_missing_file(tmp_path: Path) -> None:
    (tmp_path / "work").mkdir()
    err = failure(tmp_path / "nope.xes", tmp_path / "work", NotFoundError)
    assert "cannot read the XES file" in str(err)


@pytest.mark.usefixtures("small_batches")
def test_error_after_a_part_was_written_removes_it(tmp_path: Path) -> None:
    text = TINY.replace("</log>", "<trace>")
    failure(write(tmp_path, text), tmp_path / "work")


# Fuzzing: a damaged file gives a Staged or a LogFormatError, and no leftovers.

SMALL = (
    HEADER
    + '<global scope="event"><string key="org:resource" value="x"/></global>'
    + "<trace>"
    + string("concept:name", "c1")
    + event(string("concept:name", "A"), '<date key="time:timestamp" value="2024-01-01"/>')
    + event('<int key="n" value="1"><string key="k" value="v"/></int>')
    + "</trace><trace>"
    + event(string("concept:name", "B"), '<list key="l"><values/></list>')
    + "</trace></log>\n"
).encode()


def damaged(data: bytes, cut: int, flips: list[tuple[int, int]]) -> bytes:
    out = bytearray(data[: cut % (len(data) + 1)])
    for at, mask in flips:
        if out:
            out[at % len(out)] ^= mask
    return bytes(out)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    compress=st.booleans(),
    cut=st.integers(min_value=0),
    flips=st.lists(st.tuples(st.integers(min_value=0), st.integers(1, 255)), max_size=3),
)
def test_damaged_files_fail_cleanly(
    reader: Reader, compress: bool, cut: int, flips: list[tuple[int, int]]
) -> None:
    reader.expect_handover()
    data = damaged(gzip.compress(SMALL) if compress else SMALL, cut, flips)
    with tempfile.TemporaryDirectory() as tmp:
        path, workdir = Path(tmp) / "log.xes", Path(tmp) / "work"
        path.write_bytes(data)
        try:
            staged = stage_xes(path, workdir)
        except LogFormatError:
            assert list(workdir.iterdir()) == []
        else:
            n = duckdb.sql(f"SELECT count(*) FROM {staged.relation}").fetchone()
            assert n is not None and n[0] > 0
            assert set(staged.columns) <= set(
                duckdb.sql(f"SELECT * FROM {staged.relation}").columns
            )


# The flat reader gives what the tree reader gives, on random XES.

KEYS = st.sampled_from(["concept:name", "org:resource", "a", "A", "_pos", "x y", "é", ""])
TAGS = st.sampled_from(["string", "date", "int", "boolean", "id", "list", "container", "foo"])
TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"))
    | st.sampled_from(list("\t\n\r&<>\"'")),
    max_size=6,
)


@st.composite
def quoted(draw: st.DrawFn, text: str, odd: bool) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;")
    if draw(st.booleans()):
        text = text.replace("\n", "&#10;").replace("\t", "&#x9;").replace("\r", "&#13;")
    if odd and draw(st.booleans()) and "'" not in text:
        return f"'{text}'"  # the tree reader's job
    return '"' + text.replace('"', draw(st.sampled_from(["&quot;", "&#34;", "&#x22;"]))) + '"'


@st.composite
def attribute(draw: st.DrawFn, odd: bool, depth: int = 0) -> str:
    tag = draw(TAGS)
    items = [
        f"{name}{draw(st.sampled_from(['=', ' = ']))}{draw(quoted(text, odd))}"
        for name, text in (("key", draw(KEYS)), ("value", draw(TEXT)))
        if draw(st.integers(0, 5))
    ]
    if draw(st.booleans()):
        items.reverse()
    children = draw(st.lists(attribute(odd, depth + 1), max_size=2)) if depth < 2 else []
    start = "<" + " ".join([tag, *items])
    return f"{start}>{''.join(children)}</{tag}>" if children else start + "/>"


@st.composite
def xes_document(draw: st.DrawFn) -> str:
    odd = draw(st.integers(0, 5)) == 0  # single quotes: the tree reader's job
    attributes = st.lists(attribute(odd), max_size=3).map("".join)
    events = st.lists(attributes.map(lambda a: f"<event>{a}</event>"), max_size=3).map("".join)
    traces = st.lists(
        st.tuples(attributes, events, attributes).map(lambda t: f"<trace>{''.join(t)}</trace>"),
        max_size=4,
    )
    scope = st.sampled_from(["", ' scope="trace"', ' scope="event"', ' scope="log"'])
    globals_ = st.lists(
        st.tuples(scope, attributes).map(lambda g: f"<global{g[0]}>{g[1]}</global>")
    )
    body = [*draw(globals_), draw(attributes), *draw(traces), draw(events)]
    prolog = draw(st.sampled_from(["", '<?xml version="1.0" encoding="UTF-8"?>\n<!-- x -->\n']))
    ns = draw(st.sampled_from(["", ' xmlns="http://www.xes-standard.org/"']))
    return f"{prolog}<log{ns}>\n" + "\n".join(body) + "\n</log>\n"


def outcome(path: Path, workdir: Path) -> Any:
    try:
        staged = stage_xes(path, workdir)
    except LogFormatError as exc:
        return str(exc)
    return staged.columns, staged.declared_types, staged.notes, rows(staged)


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(document=xes_document(), scan=st.integers(1, 300))
def test_both_readers_agree(reader: Reader, document: str, scan: int) -> None:
    if reader.name == "tree":
        return  # this test runs both readers itself
    reader.expect_handover()
    with tempfile.TemporaryDirectory() as tmp, pytest.MonkeyPatch.context() as patch:
        path = Path(tmp) / "log.xes"
        path.write_text(document, encoding="utf-8")
        patch.setattr(xes_flat, "_SCAN_BYTES", scan)
        patch.setattr(xes_reader, "_CHUNK_BYTES", 7)
        patch.setattr(xes_tree, "_MAX_OPEN_CHILDREN", 2)
        flat = outcome(path, Path(tmp) / "flat")
        patch.setattr(xes, "_FLAT", False)
        assert outcome(path, Path(tmp) / "tree") == flat
