"""Staging CSV files: encoding, delimiter, header.

UTF-8 (with or without BOM) is scanned by DuckDB in place. GBK/GB18030 (as
Chinese Excel writes CSV) and other encodings are transcoded to UTF-8 in a
streaming pass first. The delimiter is sniffed from the first lines among
``,`` ``;`` tab and ``|``. Every column is read as text; types are decided by
the canonical import.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections import Counter
from pathlib import Path

from charset_normalizer import from_bytes

from opexflow.errors import Location, LogFormatError
from opexflow.logs.staging import ProgressCallback, Staged, no_progress

_SAMPLE_BYTES = 1 << 16
_CHUNK = 1 << 22
_DELIMITERS = (",", ";", "\t", "|")


def stage_csv(
    path: Path,
    workdir: Path,
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    progress: ProgressCallback = no_progress,
) -> Staged:
    """Describe a CSV file for the canonical import (transcoding it if needed).

    Args:
        path: the CSV file.
        workdir: a private temporary directory for a transcoded copy.
        encoding: the file's encoding; None detects UTF-8, UTF-8 with BOM and GB18030.
        delimiter: the field separator; None sniffs it.
        progress: progress callback.

    Raises:
        LogFormatError: empty file, undecodable bytes, no header, no delimiter.
    """
    with path.open("rb") as f:
        head = f.read(_SAMPLE_BYTES)
    if not head.strip():
        raise LogFormatError(
            "the file is empty; expected a header line and one line per event",
            location=Location(file=str(path)),
        )
    encoding = encoding or detect_encoding(head, path)
    scan_path = path
    cleanup: tuple[Path, ...] = ()
    if codecs.lookup(encoding).name not in ("utf-8", "utf-8-sig"):
        scan_path = workdir / "transcoded.csv"
        cleanup = (scan_path,)
        transcode(path, scan_path, encoding, progress=progress)
        head = scan_path.read_bytes()[:_SAMPLE_BYTES]
    text = head.decode("utf-8-sig", errors="ignore")
    delimiter = delimiter or sniff_delimiter(text, path)
    header = next(csv.reader(io.StringIO(text), delimiter=delimiter), [])
    if not any(h.strip() for h in header):
        raise LogFormatError(
            "the first line is empty; expected a header line naming the columns",
            location=Location(file=str(path), line=1),
        )
    relation = (
        f"read_csv({_lit(scan_path)}, delim={_lit(delimiter)}, header=true, all_varchar=true, "
        "quote='\"', escape='\"', auto_detect=false, columns=" + _columns_struct(header) + ")"
    )
    return Staged(
        relation=relation,
        columns=tuple(_unique_names(header)),
        file=path,
        location="line",
        position_base=2,
        cleanup=cleanup,
    )


def _lit(value: object) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _unique_names(header: list[str]) -> list[str]:
    seen: Counter[str] = Counter()
    names = []
    for i, raw in enumerate(header):
        name = raw.strip().lstrip("\ufeff") or f"column{i}"
        seen[name] += 1
        names.append(name if seen[name] == 1 else f"{name}_{seen[name]}")
    return names


def _columns_struct(header: list[str]) -> str:
    cols = ", ".join(f"{_lit(n)}: 'VARCHAR'" for n in _unique_names(header))
    return "{" + cols + "}"


def detect_encoding(head: bytes, path: Path) -> str:
    """UTF-8 (with BOM), GB18030 or what charset-normalizer finds best."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    for candidate in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(candidate)().decode(head, final=False)
            return candidate
        except UnicodeDecodeError:
            continue
    best = from_bytes(head).best()
    if best is None:
        raise LogFormatError(
            "cannot tell the text encoding (not UTF-8 or GBK); save the file as UTF-8 "
            "or name the encoding with --encoding",
            location=Location(file=str(path)),
        )
    return str(best.encoding)


def transcode(
    src: Path, dst: Path, encoding: str, *, progress: ProgressCallback = no_progress
) -> None:
    """Rewrite ``src`` as UTF-8 in ``dst``, streaming; undecodable bytes name their line."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    total = src.stat().st_size
    done = 0
    line = 1
    with src.open("rb") as fin, dst.open("w", encoding="utf-8", newline="") as fout:
        while chunk := fin.read(_CHUNK):
            try:
                text = decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                bad_line = line + chunk[: exc.start].count(b"\n")
                raise LogFormatError(
                    f"bytes {chunk[exc.start : exc.start + 4]!r} are not valid {encoding}; "
                    "save the file as UTF-8 or name its encoding with --encoding",
                    location=Location(file=str(src), line=bad_line),
                ) from exc
            line += chunk.count(b"\n")
            fout.write(text)
            done += len(chunk)
            progress("Converting to UTF-8", done, total)
        try:
            fout.write(decoder.decode(b"", final=True))
        except UnicodeDecodeError as exc:
            raise LogFormatError(
                f"the file ends in the middle of a {encoding} character (truncated?)",
                location=Location(file=str(src), line=line),
            ) from exc


def sniff_delimiter(text: str, path: Path) -> str:
    """The candidate delimiter found the same number of times on most of the first lines."""
    lines = [ln for ln in text.splitlines()[:50] if ln.strip()]
    if len(lines) > 1 and not text.endswith("\n"):
        lines = lines[:-1]  # the sample may cut the last line
    best, best_score = None, 0.0
    for cand in _DELIMITERS:
        counts = [_count_outside_quotes(ln, cand) for ln in lines]
        if not counts or counts[0] == 0:
            continue
        consistent = sum(1 for c in counts if c == counts[0]) / len(counts)
        score = consistent * 1000 + counts[0]
        if score > best_score:
            best, best_score = cand, score
    if best is None:
        if len(lines) >= 1:
            return ","  # a single column; the mapping will say what is missing
        raise LogFormatError(
            "cannot find the field delimiter; expected one of , ; tab |",
            location=Location(file=str(path), line=1),
        )
    return best


def _count_outside_quotes(line: str, delim: str) -> int:
    count, quoted = 0, False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif ch == delim and not quoted:
            count += 1
    return count
