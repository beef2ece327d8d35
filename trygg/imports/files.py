"""Reading import files: checks of the whole file, encoding detection and streaming records.

`inspect` reads the file once, in chunks, before anything is imported: its size and sha256,
its encoding (UTF-8, UTF-8 with BOM, UTF-16 with BOM, Windows-1252 or ISO-8859-1), whether it
is text at all, and its kind (CSV with its delimiter and columns, or JSON). Damaged files are
rejected here with a clear message. `csv_records` and `json_records` then stream the records
with their line numbers; memory stays flat whatever the size of the file. Files compressed
with gzip are read as they are.
"""

import codecs
import csv
import gzip
import hashlib
import io
import json
import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

CHUNK = 1 << 18
PEEK = 64 * 1024
MAX_ELEMENT = 1 << 20
DELIMITERS = (";", ",", "\t", "|")
ENCODING_LABELS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 with BOM",
    "utf-16": "UTF-16",
    "cp1252": "Windows-1252",
    "latin-1": "ISO-8859-1",
}
# A UTF-8 encoded letter of Latin-1 (ä is C3 A4): in Windows-1252 text that would read "Ã¤".
UTF8_LATIN = re.compile(rb"\xc3[\x80-\xbf]")
# UTF-8 text that was decoded as Windows-1252 and encoded again: "Ã¤" for "ä".
DOUBLE_ENCODED = re.compile(rb"\xc3\x83\xc2[\x80-\xbf]|\xc3\x83\xe2\x80[\x80-\xbf]")
CONTROL = re.compile(rb"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]")
UNDEFINED_CP1252 = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")
WHITESPACE = re.compile(r"\s*")

Progress = Callable[[int], None]


class Rejected(Exception):
    """A file that cannot be imported at all. Nothing of it is written."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line

    def __str__(self) -> str:
        if self.line is None:
            return self.message
        return _("Line %(line)d: %(message)s") % {"line": self.line, "message": self.message}


@dataclass
class FileInfo:
    path: Path
    name: str
    size: int = 0
    sha256: str = ""
    compressed: bool = False
    encoding: str = "utf-8"
    kind: str = ""  # "csv", "json" or "text"
    delimiter: str = ""
    columns: list[str] = field(default_factory=list)
    ends_with_newline: bool = True

    @property
    def encoding_label(self) -> str:
        return ENCODING_LABELS.get(self.encoding, self.encoding)

    def describe(self) -> dict[str, Any]:
        return {
            "file": self.name,
            "size": self.size,
            "sha256": self.sha256,
            "encoding": self.encoding_label,
            "compressed": self.compressed,
            "kind": self.kind,
            "delimiter": {"\t": "tab"}.get(self.delimiter, self.delimiter),
            "columns": self.columns,
        }


def open_binary(path: Path) -> IO[bytes]:
    """The file's bytes, decompressed when it is gzip-compressed."""
    raw = path.open("rb")
    if raw.read(2) == b"\x1f\x8b":
        raw.seek(0)
        return gzip.GzipFile(fileobj=raw)  # type: ignore[return-value]
    raw.seek(0)
    return raw


class _Scan:
    """What one pass over the bytes learns: encoding evidence and the first damaged place."""

    def __init__(self) -> None:
        self.sha = hashlib.sha256()
        self.size = 0
        self.lines = 1  # the line the next chunk starts on
        self.head = b""
        self.tail = b""
        self.end = b""
        self.utf16 = False
        self.decoder: codecs.IncrementalDecoder = codecs.getincrementaldecoder("utf-8")()
        self.utf8_error: int | None = None  # the line of the first byte that is not UTF-8
        self.utf8_latin = False
        self.cp1252_undefined = False

    def feed(self, chunk: bytes) -> None:
        if not self.size and chunk[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
            self.utf16 = True
            self.decoder = codecs.getincrementaldecoder("utf-16")()
        self.sha.update(chunk)
        self._decode(chunk)
        if not self.utf16:
            self._check_text(chunk)
            joined = self.tail + chunk
            self.utf8_latin = self.utf8_latin or bool(UTF8_LATIN.search(joined))
            self.cp1252_undefined = self.cp1252_undefined or bool(UNDEFINED_CP1252.search(chunk))
            self.tail = joined[-4:]
        if len(self.head) < PEEK:
            self.head += chunk[: PEEK - len(self.head)]
        self.size += len(chunk)
        self.end = (self.end + chunk)[-4:]
        self.lines += chunk.count(b"\n")

    def _check_text(self, chunk: bytes) -> None:
        if (nul := chunk.find(b"\x00")) >= 0:
            raise Rejected(
                _(
                    "The file is not text (it holds a NUL byte): a binary file, or UTF-16 text "
                    "without a byte-order mark."
                ),
                self._line(chunk, nul),
            )
        if match := CONTROL.search(chunk):
            raise Rejected(
                _(
                    "The file holds control characters that text never has: it is damaged or "
                    "not a text file."
                ),
                self._line(chunk, match.start()),
            )
        joined = self.tail + chunk
        if match := DOUBLE_ENCODED.search(joined):
            raise Rejected(
                _(
                    "The text is encoded twice (for example “Ã¤” where “ä” was meant). "
                    "Export the file again as UTF-8."
                ),
                self._line(chunk, max(match.start() - len(self.tail), 0)),
            )

    def _line(self, chunk: bytes, pos: int) -> int:
        return self.lines + chunk[:pos].count(b"\n")

    def _decode(self, chunk: bytes) -> None:
        if self.utf8_error is not None:
            return
        try:
            self.decoder.decode(chunk)
        except UnicodeDecodeError as e:
            line = self._line(chunk, max(e.start, 0))
            if self.utf16:
                raise Rejected(_("The file is not valid UTF-16 text."), line) from None
            self.utf8_error = line

    def finish(self) -> str:
        """The encoding to read the file with."""
        if self.size == 0:
            raise Rejected(_("The file is empty."))
        if self.utf8_error is None:
            try:
                self.decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                raise Rejected(
                    _("The file ends in the middle of a character: it looks truncated."),
                    self.lines,
                ) from None
            if self.utf16:
                return "utf-16"
            return "utf-8-sig" if self.head.startswith(codecs.BOM_UTF8) else "utf-8"
        if self.utf8_latin:
            raise Rejected(
                _(
                    "The file is UTF-8 in places but not everywhere: it is damaged, or parts of "
                    "it were saved in another encoding."
                ),
                self.utf8_error,
            )
        return "latin-1" if self.cp1252_undefined else "cp1252"


def max_uncompressed_bytes() -> int:
    """The largest file an import reads, once uncompressed: a gzip bomb stops here."""
    return int(getattr(settings, "TRYGG_IMPORT_MAX_UNCOMPRESSED_BYTES", 4 << 30))


def inspect(path: Path, name: str | None = None) -> FileInfo:
    """Check the whole file and describe it; `Rejected` when it cannot be read as text."""
    info = FileInfo(path=Path(path), name=name or Path(path).name)
    scan = _Scan()
    limit = max_uncompressed_bytes()
    with open_binary(info.path) as stream:
        info.compressed = isinstance(stream, gzip.GzipFile)
        try:
            while chunk := stream.read(CHUNK):
                scan.feed(chunk)
                if scan.size > limit:
                    raise Rejected(
                        _("The file is larger than %(size)s when uncompressed.")
                        % {"size": filesizeformat(limit)}
                    )
        except (EOFError, gzip.BadGzipFile, zlib.error) as e:
            raise Rejected(
                _("The compressed file is damaged or truncated (%(error)s).") % {"error": e}
            ) from None
    info.encoding = scan.finish()
    info.size, info.sha256 = scan.size, scan.sha.hexdigest()
    info.ends_with_newline = scan.end.rstrip(b"\x00").endswith((b"\n", b"\r"))
    _sniff(info, scan.head.decode(info.encoding, errors="replace"))
    return info


def _sniff(info: FileInfo, head: str) -> None:
    """The kind of file, and for CSV its delimiter and columns, from its first bytes."""
    text = head.lstrip("\ufeff \t\r\n")
    if text[:1] in ("[", "{"):
        info.kind = "json"
        info.columns = _json_columns(text)
        return
    first = text.splitlines()[0] if text else ""
    best = max(DELIMITERS, key=lambda d: len(_fields(first, d)))
    columns = _fields(first, best)
    while columns and not columns[-1]:
        columns.pop()  # a delimiter at the end of the header line
    if len(columns) < 2:
        info.kind, info.columns = "text", columns
        return
    info.kind, info.delimiter, info.columns = "csv", best, columns


def _fields(line: str, delimiter: str) -> list[str]:
    try:
        row = next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return []
    return [value.strip().strip("\ufeff") for value in row]


def _json_columns(text: str) -> list[str]:
    """The keys of the first element, nested keys as `location.name`."""
    start = 1 if text.startswith("[") else 0
    try:
        first, _end = json.JSONDecoder().raw_decode(text, WHITESPACE.match(text, start).end())  # type: ignore[union-attr]
    except json.JSONDecodeError:
        return []
    if not isinstance(first, dict):
        return []
    keys: list[str] = []
    for key, value in first.items():
        if isinstance(value, dict):
            keys += [f"{key}.{inner}" for inner in value]
        else:
            keys.append(str(key))
    return keys


class _Counted(io.RawIOBase):
    """A byte stream that reports how much was read, for the progress bar."""

    def __init__(self, stream: IO[bytes], progress: Progress | None):
        self.stream = stream
        self.progress = progress

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.stream.read(len(buffer))
        buffer[: len(data)] = data
        if self.progress and data:
            self.progress(len(data))
        return len(data)

    def close(self) -> None:
        self.stream.close()
        super().close()


def open_text(info: FileInfo, progress: Progress | None = None) -> IO[str]:
    stream = io.BufferedReader(_Counted(open_binary(info.path), progress), CHUNK)
    return io.TextIOWrapper(stream, encoding=info.encoding, newline="")


@dataclass(slots=True)
class Record:
    line: int
    data: Any  # list[str] for CSV, a decoded JSON value for JSON
    cut: bool = False  # the last line of a file that does not end with a line break


def csv_records(info: FileInfo, progress: Progress | None = None) -> Iterator[Record]:
    """The rows after the header, each with the line it starts on; `Rejected` if damaged."""
    width = len(info.columns)
    with open_text(info, progress) as text:
        reader = csv.reader(text, delimiter=info.delimiter)
        pending: Record | None = None
        start = 1
        try:
            for header in reader:
                if any(value.strip() for value in header):
                    break
            start = reader.line_num + 1
            for row in reader:
                line, start = start, reader.line_num + 1
                if not any(row) or (len(row) == 1 and not row[0].strip()):
                    continue  # a blank line
                if pending:
                    yield _checked(pending, width)
                pending = Record(line, row)
        except csv.Error as e:
            raise Rejected(_("The CSV is damaged: %(error)s.") % {"error": e}, start) from None
        if pending:
            pending.cut = not info.ends_with_newline
            yield _checked(pending, width)


def _checked(record: Record, width: int) -> Record:
    row = record.data
    while len(row) > width and not row[-1].strip():
        row.pop()  # a delimiter at the end of the line
    if len(row) == width:
        return record
    if record.cut:
        raise Rejected(
            _("The file ends in the middle of this line: it looks truncated."), record.line
        )
    raise Rejected(
        _(
            "The line has %(found)d fields where the header has %(expected)d: the file is "
            "damaged, or a value holds an unquoted delimiter."
        )
        % {"found": len(row), "expected": width},
        record.line,
    )


class _JsonStream:
    """Decodes one JSON value at a time from a text stream, keeping only a window in memory."""

    def __init__(self, text: IO[str]):
        self.text = text
        self.decoder = json.JSONDecoder()
        self.buf = ""
        self.pos = 0
        self.eof = False
        self.line = 1
        self.counted = 0  # newlines counted up to this position of buf

    def more(self) -> bool:
        if self.eof:
            return False
        chunk = self.text.read(PEEK)
        if not chunk:
            self.eof = True
            return False
        self.line_at(self.pos)
        self.buf = self.buf[self.pos :] + chunk
        self.counted -= self.pos
        self.pos = 0
        return True

    def line_at(self, pos: int) -> int:
        if pos > self.counted:
            self.line += self.buf.count("\n", self.counted, pos)
            self.counted = pos
        return self.line

    def peek(self) -> str:
        """The next character that is not white space, or "" at the end of the file."""
        while True:
            self.pos = WHITESPACE.match(self.buf, self.pos).end()  # type: ignore[union-attr]
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self.more():
                return ""

    def value(self) -> Any:
        self.peek()
        while True:
            try:
                value, end = self.decoder.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as e:
                if len(self.buf) - self.pos < MAX_ELEMENT and self.more():
                    continue
                raise Rejected(self.error(e), self.line_at(min(e.pos, len(self.buf)))) from None
            self.pos = end
            return value

    def error(self, e: json.JSONDecodeError) -> str:
        if (self.eof and e.pos >= len(self.buf) - 1) or "Unterminated" in e.msg:
            return _("The JSON ends in the middle of an element: the file is truncated.")
        return _("The JSON is damaged: %(error)s.") % {"error": e.msg}


def json_records(info: FileInfo, progress: Progress | None = None) -> Iterator[Record]:
    """The elements of a top-level JSON array (or of JSON Lines), each with its first line."""
    with open_text(info, progress) as text:
        stream = _JsonStream(text)
        if stream.peek() == "\ufeff":
            stream.pos += 1
        first = stream.peek()
        if first == "[":
            stream.pos += 1
            yield from _array(stream)
        elif first == "{":
            while stream.peek():
                line = stream.line_at(stream.pos)
                yield Record(line, stream.value())
        else:
            raise Rejected(_("This is not JSON."), 1)


def _array(stream: _JsonStream) -> Iterator[Record]:
    if stream.peek() == "]":
        stream.pos += 1
    else:
        while True:
            stream.peek()
            line = stream.line_at(stream.pos)
            yield Record(line, stream.value())
            separator = stream.peek()
            stream.pos += 1
            if separator == "]":
                break
            if separator != ",":
                raise Rejected(_truncated_or_damaged(separator), stream.line_at(stream.pos - 1))
    if stream.peek():
        raise Rejected(
            _("There is more text after the end of the JSON array."), stream.line_at(stream.pos)
        )


def _truncated_or_damaged(found: str) -> str:
    if not found:
        return _("The JSON ends before its closing “]”: the file is truncated.")
    return _("The JSON is damaged: “,” or “]” expected, found “%(found)s”.") % {"found": found}
