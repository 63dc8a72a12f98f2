"""Reading export files as text whatever their encoding, and saying so when we had to guess.

UTF-8 (with or without a byte-order mark) and UTF-16 LE/BE with a BOM are read as such. Bytes
that are not UTF-8 are read as Windows-1252 (Latin-1 for the five bytes cp1252 leaves
undefined), line by line, and every such line is reported, so the import summary says which
lines may show wrong accents. A binary file (a zip, an xlsx, a database: a known signature, or
NUL bytes in a start that is not UTF-8 text) is refused with a message instead of importing
garbage; a stray NUL byte in a text export is the business of the record it is in (that record
is quarantined, the others are imported).
"""

from __future__ import annotations

import codecs
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from warehouse.errors import WarehouseError

HEAD_BYTES = 64 * 1024
SNIFF_LINES = 5  # format detection looks at (at least) this many lines...
SNIFF_MAX_BYTES = 16 * 1024 * 1024  # ...reading past a long first line up to this much
BINARY_SIGNATURES = (
    (b"PK\x03\x04", "a zip archive (an .xlsx or .docx is one)"),
    (b"\xd0\xcf\x11\xe0", "an old Office document (.xls)"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"%PDF", "a PDF"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ", "an xz archive"),
)
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


class NotTextError(WarehouseError):
    """The file is binary (or empty), not a text export."""


@dataclass
class TextSource:
    """How a file is to be decoded, and what we noticed while decoding it."""

    path: Path
    encoding: str  # "utf-8", "utf-16-le", ...
    bom_length: int
    size: int
    fallback_lines: list[int] = field(default_factory=list)  # lines read as cp1252

    @property
    def warnings(self) -> list[str]:
        if not self.fallback_lines:
            return []
        shown = ", ".join(str(n) for n in self.fallback_lines[:10])
        more = f" and {len(self.fallback_lines) - 10} more" if len(self.fallback_lines) > 10 else ""
        return [
            f"{len(self.fallback_lines)} line(s) were not valid UTF-8 and were read as "
            f"Windows-1252 (line {shown}{more}); check accented characters"
        ]


def decode_fallback(data: bytes) -> str:
    """Windows-1252, with Latin-1 for the bytes cp1252 leaves undefined (never fails)."""
    return data.decode("cp1252", errors="_latin1_fallback")


def _latin1_fallback(error: UnicodeDecodeError) -> tuple[str, int]:
    chunk = error.object[error.start : error.end]
    return chunk.decode("latin-1"), error.end


codecs.register_error("_latin1_fallback", _latin1_fallback)


def inspect(path: Path) -> TextSource:
    """Decide how to decode `path`; raise NotTextError for empty or binary files."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            source = TextSource(path, encoding, len(bom), size)
            if not head[len(bom) :].decode(encoding, errors="replace").strip():
                raise NotTextError("the file is empty (only a byte-order mark)")
            return source
    if not head.strip():
        raise NotTextError("the file is empty" if size == 0 else "the file holds only blank lines")
    kind = _binary_kind(head, size)
    if kind:
        raise NotTextError(
            f"not a text export: {kind}. Export JSON, JSONL or CSV from the helpdesk and "
            "import that"
        )
    return TextSource(path, "utf-8", 0, size)


def _binary_kind(head: bytes, size: int) -> str | None:
    """What makes `head` binary, or None for text (a few stray NUL bytes are not enough)."""
    for signature, kind in BINARY_SIGNATURES:
        if head.startswith(signature):
            return f"the file is {kind}"
    if b"\x00" not in head:
        return None
    offset = head.index(b"\x00")
    text = head.replace(b"\x00", b"")
    if len(head) == HEAD_BYTES and size > HEAD_BYTES:
        text = text[:-4]  # a character cut at the end of the head is not an error
    try:
        text.decode("utf-8")
    except UnicodeDecodeError:
        return f"binary data at byte {offset} (is it a zip, spreadsheet or database file?)"
    if head.count(b"\x00") * 100 > len(head):  # more than 1%: not a stray byte
        return f"binary data at byte {offset} (is it a zip, spreadsheet or database file?)"
    return None


def iter_lines(source: TextSource) -> Iterator[tuple[str, int]]:
    """(line with its ending, bytes read so far) for every line; decodes per `source`."""
    with source.path.open("rb") as handle:
        handle.seek(source.bom_length)
        if source.encoding != "utf-8":
            text = io.TextIOWrapper(handle, encoding=source.encoding, newline="")
            for line in text:
                yield line, min(handle.tell(), source.size)
            return
        done = source.bom_length
        for number, raw in enumerate(handle, start=1):
            done += len(raw)
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                line = decode_fallback(raw)
                source.fallback_lines.append(number)
            yield line, done


def read_text(source: TextSource) -> str:
    """The whole file as one string (for formats that are one JSON document)."""
    return "".join(line for line, _ in iter_lines(source))


def read_head(source: TextSource) -> str:
    """The start of the file, decoded, for format sniffing: about 64 KB, more when that does not
    hold SNIFF_LINES lines (a first record longer than 64 KB), up to SNIFF_MAX_BYTES."""
    with source.path.open("rb") as handle:
        handle.seek(source.bom_length)
        data = handle.read(HEAD_BYTES)
        while data.count(b"\n") < SNIFF_LINES and len(data) < SNIFF_MAX_BYTES:
            more = handle.read(min(len(data), SNIFF_MAX_BYTES - len(data)))
            if not more:
                break
            data += more
    decoder = codecs.getincrementaldecoder(source.encoding)(errors="replace")
    text = decoder.decode(data)
    if source.encoding == "utf-8" and "\ufffd" in text and b"\xef\xbf\xbd" not in data:
        return decode_fallback(data)
    return text
