"""Unlogged PostgreSQL staging tables for one reconciliation run, and streaming COPY into them.

Staged rows are student-level data: they live only while a run works and are dropped at its
end (or when a run is retried after a worker died).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import BinaryIO

import psycopg
from django.db import DataError, connection

# What a COPY or a cast of bad input raises (psycopg directly, or wrapped by Django).
COPY_ERRORS = (psycopg.errors.DataError, psycopg.errors.BadCopyFileFormat, DataError)

CHUNK_BYTES = 1 << 20
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,40}$")


class InputError(Exception):
    """Bad input: ``problems`` are messages naming file, row/line, column and reason."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems[:3]) + (" …" if len(problems) > 3 else ""))


def identifier(name: str) -> str:
    """A safe SQL identifier (names come from report definitions, which are admin data)."""
    if not _NAME.match(name):
        raise ValueError(f"{name!r} is not a valid field name.")
    return name


class Staging:
    """The names of one run's staging tables, and their cleanup."""

    def __init__(self, run_id: int):
        self.prefix = f"parallel_stg_r{int(run_id)}_"
        self.created: list[str] = []

    def table(self, name: str) -> str:
        table = f"{self.prefix}{identifier(name)}"
        if table not in self.created:
            self.created.append(table)
        return table

    @staticmethod
    def runs_with_tables() -> set[int]:
        """The runs that have staging tables (a worker that died mid-run leaves them)."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT DISTINCT substring(tablename FROM '^parallel_stg_r([0-9]+)_')::bigint "
                "FROM pg_tables WHERE tablename LIKE %s",
                [r"parallel\_stg\_r%"],
            )
            return {run_id for (run_id,) in cursor.fetchall() if run_id is not None}

    def drop_all(self) -> None:
        """Drop every staging table of this run, including ones a killed worker left behind."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT tablename FROM pg_tables WHERE tablename LIKE %s",
                [self.prefix.replace("_", r"\_") + "%"],
            )
            for (name,) in cursor.fetchall():
                cursor.execute(f'DROP TABLE IF EXISTS "{name}"')
        self.created.clear()


def copy_bytes(sql: str, chunks: Iterable[bytes]) -> None:
    """Stream ``chunks`` to ``COPY ... FROM STDIN``; memory stays one chunk."""
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(sql) as copy:
            for chunk in chunks:
                copy.write(chunk)


def read_chunks(handle: BinaryIO, size: int = CHUNK_BYTES) -> Iterator[bytes]:
    while chunk := handle.read(size):
        yield chunk


def copy_error_line(exc: Exception) -> str:
    """The "line N" part of a COPY error's context, for a readable message."""
    diag = getattr(exc, "diag", None)
    context = getattr(diag, "context", None) or ""
    match = re.search(r"line (\d+)(?:, column (\w+))?", context)
    if not match:
        return ""
    where = f"line {match.group(1)}"
    return f"{where}, column {match.group(2)}" if match.group(2) else where
