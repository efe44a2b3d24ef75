"""A run's (or a file check's) spill folder: DuckDB's temporary files live here.

Student-level rows never leave this folder except as results written to PostgreSQL. It is on
``PARALLEL_SPILL_DIR`` (protected disk), removed when the run or check ends, and, when a worker
died mid-way, by the job's clean-up (``services.runs.remove_run_work``,
``services.contract_checks.end_contract_check``); a run's folder also by the retention purge.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb
from django.conf import settings

PREFIX = "run-"
CHECK_PREFIX = "check-"


@dataclass(frozen=True)
class RunFolder:
    folder: Path

    @classmethod
    def of_run(cls, run_id: int) -> RunFolder:
        return cls(Path(settings.PARALLEL_SPILL_DIR) / f"{PREFIX}{int(run_id)}")

    @classmethod
    def of_file_check(cls, file_id: int) -> RunFolder:
        return cls(Path(settings.PARALLEL_SPILL_DIR) / f"{CHECK_PREFIX}{int(file_id)}")

    @staticmethod
    def runs_with_folders() -> set[int]:
        """The runs whose folders exist (a worker killed mid-run leaves one)."""
        root = Path(settings.PARALLEL_SPILL_DIR)
        if not root.is_dir():
            return set()
        found = set()
        for path in root.iterdir():
            suffix = path.name.removeprefix(PREFIX)
            if path.name.startswith(PREFIX) and suffix.isdigit():
                found.add(int(suffix))
        return found

    def create(self) -> Path:
        self.remove()  # what an earlier attempt of the same run left
        self.folder.mkdir(parents=True, mode=0o700)
        return self.folder

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


class engine:
    """A DuckDB database held in memory up to the setting, spilling to ``folder`` beyond it
    (no database file to write and checkpoint: nothing outlives the run anyway)."""

    def __init__(self, folder: Path):
        self.folder = folder

    def __enter__(self) -> duckdb.DuckDBPyConnection:
        self.con = duckdb.connect(
            ":memory:",
            config={
                "memory_limit": settings.PARALLEL_MEMORY_LIMIT,
                "temp_directory": str(self.folder / "tmp"),
                "threads": settings.PARALLEL_THREADS or (os.cpu_count() or 1),
                "preserve_insertion_order": True,
                # DuckDB's allocator otherwise keeps up to 128 MB (per thread) and 512 MB (after
                # a large operator ends) of freed memory for reuse, outside its memory limit:
                # at 5,000,000 students that held the worker's peak 100-200 MB above the one at
                # 1,000,000. Handed back at 16 MB, the peak is about the same for both. (Its
                # background threads, which hand memory back instead of the query's threads,
                # made no difference to the peak and slowed the upload check.)
                "allocator_flush_threshold": "16MB",
                "allocator_bulk_deallocation_flush_threshold": "16MB",
                "autoinstall_known_extensions": False,
                "autoload_known_extensions": False,
            },
        )
        return self.con

    def __exit__(self, *exc_info) -> None:
        self.con.close()
