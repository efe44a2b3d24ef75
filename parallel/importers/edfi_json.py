"""Ed-Fi extracts (JSON Lines or a JSON array) scanned record by record, to say where and why
a file the engine (``parallel.engine.edfi``) cannot parse breaks: invalid JSON, bytes that are
not UTF-8, nesting no Ed-Fi record has. The scan reads nothing for the comparison; a JSON
array is split with a bounded buffer, so memory stays one record whatever the file's size.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from pathlib import Path

import orjson

from parallel.errors import InputError

# One parsed record: (line or record number, the raw line when read as JSON Lines, the value).
Record = tuple[int, bytes | None, object]


def read_chunks(handle, size: int = 1 << 20) -> Iterator[bytes]:
    while chunk := handle.read(size):
        yield chunk


def first_byte(path: Path) -> bytes:
    with path.open("rb") as handle:
        for chunk in read_chunks(handle, 4096):
            stripped = chunk.lstrip(codecs.BOM_UTF8).lstrip()
            if stripped:
                return stripped[:1]
    return b""


def json_records(path: Path, *, name: str) -> Iterator[Record]:
    """The file's records, parsed one at a time: JSON Lines, or a top-level JSON array."""
    kind = first_byte(path)
    if kind == b"{":
        yield from _lines(path, name=name)
    elif kind == b"[":
        yield from _split_array(path, name=name)
    elif kind == b"":
        return
    else:
        raise InputError([f"{name} line 1: expected a JSON array or JSON Lines of objects."])


def _lines(path: Path, *, name: str) -> Iterator[Record]:
    loads = orjson.loads
    with path.open("rb") as handle:
        for line_no, line in enumerate(handle, start=1):
            if line_no == 1 and line.startswith(codecs.BOM_UTF8):
                line = line[3:]
            try:
                value = loads(line)
            except orjson.JSONDecodeError as exc:
                if not line.strip():
                    continue  # blank lines are allowed (and still counted)
                raise InputError([_invalid_line(name, line_no, line, exc)]) from None
            yield line_no, line, value


def _invalid_line(name: str, line_no: int, line: bytes, exc: orjson.JSONDecodeError) -> str:
    """Why a JSON Lines line does not parse, with its line and column (a character position)."""
    return _not_utf8(name, line_no, line) or (
        f"{name} line {line_no}, column {exc.colno}: {_json_reason(exc.msg)}."
    )


def _not_utf8(name: str, line_no: int, line: bytes) -> str | None:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError as bad:
        column = len(line[: bad.start].decode("utf-8")) + 1
        return (
            f"{name} line {line_no}, column {column}: the byte 0x{line[bad.start]:02X} is not "
            "UTF-8 text (save the file as UTF-8)."
        )
    return None


def _json_reason(message: str) -> str:
    if message.startswith(("depth limit exceeded", "maximum recursion depth")):
        return (
            "invalid JSON (nested too deeply; an Ed-Fi record nests only a few levels, "
            "so this is not an Ed-Fi extract)"
        )
    return f"invalid JSON ({message})"


def _first_not_utf8(path: Path, *, name: str) -> str:
    with path.open("rb") as handle:
        for line_no, line in enumerate(handle, start=1):
            if problem := _not_utf8(name, line_no, line):
                return problem
    return f"{name}: is not UTF-8 text (save the file as UTF-8)."


class _ArrayText:
    """A JSON array's text read a megabyte at a time, with the lines already passed."""

    def __init__(self, handle, *, path: Path, name: str):
        self.handle, self.path, self.name = handle, path, name
        self.buffer, self.position, self.eof = "", 0, False
        self.lines_before = 0  # line breaks in the text dropped from the buffer

    def more(self) -> bool:
        try:
            chunk = self.handle.read(1 << 20)
        except UnicodeDecodeError:
            raise InputError([_first_not_utf8(self.path, name=self.name)]) from None
        self.eof = not chunk
        self.lines_before += self.buffer.count("\n", 0, self.position)
        self.buffer, self.position = self.buffer[self.position :] + chunk, 0
        return not self.eof

    def next_token(self) -> str:
        while True:
            while self.position < len(self.buffer) and self.buffer[self.position].isspace():
                self.position += 1
            if self.position < len(self.buffer):
                return self.buffer[self.position]
            if not self.more():
                return ""

    def where(self, offset: int) -> str:
        """``line L, column C`` of a character of the buffer."""
        line = self.lines_before + self.buffer.count("\n", 0, offset) + 1
        return f"line {line}, column {offset - self.buffer.rfind(chr(10), 0, offset)}"

    def problem(self, record: int, reason: str, offset: int | None = None) -> InputError:
        where = self.where(self.position if offset is None else offset)
        return InputError([f"{self.name} {where} (record {record}): {reason}."])


def _split_array(path: Path, *, name: str) -> Iterator[Record]:
    decoder = json.JSONDecoder()
    with path.open("r", encoding="utf-8-sig") as handle:
        text, index = _ArrayText(handle, path=path, name=name), 0
        if text.next_token() != "[":
            raise InputError([f"{name} line 1, column 1: expected a JSON array."])
        text.position += 1
        expect_item = True
        while True:
            token = text.next_token()
            if token == "]" and (not expect_item or index == 0):
                return
            if token == "," and not expect_item:
                text.position += 1
                expect_item = True
                continue
            if token == "":
                raise text.problem(index + 1, "the JSON array ends early")
            record, text.position = _decode(decoder, text, index + 1)
            index += 1
            expect_item = False
            yield index, None, record


def _decode(decoder: json.JSONDecoder, text: _ArrayText, number: int) -> tuple[object, int]:
    """The record that starts at the text's position, and where it ends."""
    while True:
        try:
            return decoder.raw_decode(text.buffer, text.position)
        except RecursionError:
            raise text.problem(number, _json_reason("maximum recursion depth")) from None
        except json.JSONDecodeError as exc:
            if text.eof or not text.more():
                raise text.problem(number, _json_reason(exc.msg), exc.pos) from None
