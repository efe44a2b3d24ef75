"""Student-keyed partitions on disk: how the columnar engine keeps memory flat.

Every input row is sent, by a hash of its student id, to one of ``count`` partitions, written
as Arrow IPC files in the run's spill folder. A student's rows in every resource and in the
legacy file land in the same partition, so each partition is reconciled on its own and only
one partition per thread is ever in memory, however many students the state has.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import itertools
import resource
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
from django.conf import settings

# Eight zero bytes put before each id, so that every id has a last eight bytes.
_PAD = pa.scalar(b"\0" * 8, pa.binary())


def partition_numbers(ids: pa.Array, count: int) -> pa.Array:
    """The partition (0 … count-1) of each id; the same id always gets the same number.

    Ids differ most in their last characters: their last eight bytes, read as a 64-bit number
    and xor-ed with the length, are mixed (multiply, xor-shift, multiply) and the high half
    taken modulo ``count``.
    """
    if count == 1:
        return pa.array([0] * len(ids), pa.uint64())
    if isinstance(ids, pa.ChunkedArray):
        ids = ids.combine_chunks()
    data = pc.cast(ids, pa.binary())
    last = pc.binary_slice(pc.binary_join_element_wise(_PAD, data, b""), -8)
    hashed = pc.cast(last, pa.binary(8)).view(pa.uint64())
    hashed = pc.bit_wise_xor(hashed, pc.cast(pc.binary_length(data), pa.uint64()))
    hashed = pc.multiply(hashed, pa.scalar(0x9E3779B97F4A7C15, pa.uint64()))
    hashed = pc.bit_wise_xor(hashed, pc.shift_right(hashed, pa.scalar(29, pa.uint64())))
    hashed = pc.multiply(hashed, pa.scalar(0xBF58476D1CE4E5B9, pa.uint64()))
    high = pc.shift_right(hashed, pa.scalar(32, pa.uint64()))
    return pc.subtract(high, pc.multiply(pc.divide(high, count), count))


# The legacy records' cell columns, partitioned by LEA rather than by student.
LEGACY_BY_LEA = "legacy-by-lea"


# Files the worker holds besides the spill: sockets, libraries, logs.
_OTHER_OPEN_FILES = 256


def allow_open_files(spill_files: int) -> bool:
    """Whether this process may hold ``spill_files`` open besides its own, raising its soft
    limit towards the hard one when it must (services often start with a soft limit of 1,024,
    and five million students make about a thousand spill streams)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = spill_files + _OTHER_OPEN_FILES
    if soft == resource.RLIM_INFINITY or soft >= wanted:
        return True
    raised = wanted if hard == resource.RLIM_INFINITY else min(hard, wanted)
    resource.setrlimit(resource.RLIMIT_NOFILE, (raised, hard))
    return raised >= wanted


def _malloc_trim():
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None


_MALLOC_TRIM = _malloc_trim()


_releases = itertools.count(1)


def release_memory(*, every: int = 1) -> None:
    """Give freed memory back to the operating system, on every ``every``-th call (each call
    walks every arena: a few milliseconds).

    Arrow's kernels allocate through malloc on many threads; glibc keeps what they free in
    per-thread arenas, so without this the worker's memory would stay at its highest point.
    """
    if _MALLOC_TRIM is not None and next(_releases) % every == 0:
        _MALLOC_TRIM(0)


@dataclass
class Spill:
    """The run's partition files: ``<folder>/<name>/<partition>/<writer>.arrow``.

    Each thread appends to its own stream per partition, so a run writes a few files per
    partition however many chunks it reads; :meth:`finish_writing` closes them for reading.
    """

    folder: Path
    count: int  # partitions by student
    lea_groups: int = 1  # partitions by LEA, for the cells (an LEA's cells are all in one)

    def __post_init__(self):
        self._writers: dict[tuple, tuple[pa.NativeFile, pa.ipc.RecordBatchStreamWriter]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def runs_with_folders() -> set[int]:
        """The runs that have a spill folder (a worker that died mid-run leaves one)."""
        root = Path(settings.PARALLEL_SPILL_DIR)
        folders = root.glob("run-*") if root.exists() else []
        return {int(f.name[4:]) for f in folders if f.name[4:].isdigit()}

    @classmethod
    def of_run(cls, run_id: int) -> Spill:
        return cls(Path(settings.PARALLEL_SPILL_DIR) / f"run-{int(run_id)}", 1)

    @classmethod
    def for_run(cls, run_id: int, count: int, lea_groups: int = 1) -> Spill:
        spill = cls(cls.of_run(run_id).folder, count, lea_groups)
        spill.remove()
        spill.folder.mkdir(parents=True)
        return spill

    def write(self, name: str, table: pa.Table, ids: str = "student_id", count: int = 0) -> None:
        """Split ``table`` by the partition of its ``ids`` column (one of ``count``, by default
        the student partitions) and append each part."""
        if not table.num_rows:
            return
        numbers = partition_numbers(table.column(ids), count or self.count)
        # One gather into partition order, then a slice (no copy) per partition.
        order = pc.sort_indices(numbers)
        table, numbers = table.take(order), numbers.take(order)
        start = 0
        for entry in pc.value_counts(numbers).to_pylist():
            number, length = entry["values"], entry["counts"]
            part = table.slice(start, length)
            self._writer(name, number, part.schema).write_table(part)
            start += length

    def _writer(self, name: str, number: int, schema: pa.Schema):
        key = (threading.get_ident(), name, number)
        if key not in self._writers:
            folder = self.folder / name / str(number)
            folder.mkdir(parents=True, exist_ok=True)
            sink = pa.OSFile(str(folder / f"{len(self._writers)}-{key[0]}.arrow"), "wb")
            with self._lock:
                self._writers[key] = (sink, pa.ipc.new_stream(sink, schema))
        return self._writers[key][1]

    def finish_writing(self) -> None:
        with self._lock:
            for sink, writer in self._writers.values():
                writer.close()
                sink.close()
            self._writers.clear()

    def append(self, name: str, table: pa.Table) -> None:
        """Append ``table`` to ``name`` whole (results waiting to be stored)."""
        if table.num_rows:
            self._writer(name, 0, table.schema).write_table(table)

    def read(self, name: str, number: int, schema: pa.Schema) -> pa.Table:
        """Every piece of one partition of ``name`` (an empty table when there is none)."""
        batches = list(self.batches(name, number))
        if not batches:
            return schema.empty_table()
        return pa.Table.from_batches(batches).combine_chunks()

    def batches(self, name: str, number: int = 0) -> Iterator[pa.RecordBatch]:
        """One partition of ``name`` batch by batch, as written (once writing is finished)."""
        folder = self.folder / name / str(number)
        for path in sorted(folder.glob("*.arrow")) if folder.exists() else []:
            with pa.OSFile(str(path), "rb") as source:
                yield from pa.ipc.open_stream(source)

    def remove(self) -> None:
        self.finish_writing()
        shutil.rmtree(self.folder, ignore_errors=True)
