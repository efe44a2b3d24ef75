"""Running independent staging work at once: one extra PostgreSQL connection per core.

Most reconciliation statements run inside one PostgreSQL backend, on one core. Where several
are independent (checks over committed staging tables, one count per category set, chunks of
a file being loaded), they run at once from a thread per core, each thread with its own
connection carrying the run's session settings.

Inside a transaction (the tests' transactions, typically) other connections cannot see the
staging tables, so everything runs one after another over Django's connection instead.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import NamedTuple, TypeVar

import psycopg
from django.conf import settings
from django.db import connection

# Threads (and extra PostgreSQL connections) per run: one per core, at most
# PARALLEL_MAX_CONNECTIONS so that several runs at once cannot exhaust the server's connections.
WORKERS = max(1, min(os.cpu_count() or 1, settings.PARALLEL_MAX_CONNECTIONS))
# Staging queries scan whole tables once: let PostgreSQL scan them with parallel workers, and
# skip JIT compilation, which costs more than it saves for these single-pass statements.
SESSION_SETTINGS = {
    "parallel_setup_cost": "0",
    "parallel_tuple_cost": "0",
    "min_parallel_table_scan_size": "0",
    "jit": "off",
    # Staging tables are read once or twice by plain joins: a small sample is enough for the
    # planner, and analysing them costs a tenth of the default's.
    "default_statistics_target": "10",
}


def session_settings() -> dict[str, str]:
    return {**SESSION_SETTINGS, "work_mem": settings.PARALLEL_WORK_MEM}


T = TypeVar("T")
R = TypeVar("R")


class Statement(NamedTuple):
    sql: str
    params: Sequence | Mapping | None = None


def concurrent() -> bool:
    """Whether work may run on extra connections (outside a transaction, more than one core)."""
    return WORKERS > 1 and not connection.in_atomic_block


class Connections:
    """One autocommit connection per thread that asks, with the run's session settings."""

    def __init__(self):
        self._params = {
            k: v
            for k, v in connection.get_connection_params().items()
            if k not in ("cursor_factory", "context", "prepare_threshold")
        }
        self._local = threading.local()
        self._opened: list[psycopg.Connection] = []
        self._lock = threading.Lock()

    def get(self) -> psycopg.Connection:
        own = getattr(self._local, "connection", None)
        if own is None:
            own = psycopg.connect(**self._params, autocommit=True)
            for name, value in session_settings().items():
                own.execute("SELECT set_config(%s, %s, false)", [name, value])
            self._local.connection = own
            with self._lock:
                self._opened.append(own)
        return own

    def close(self) -> None:
        for own in self._opened:
            own.close()
        self._opened.clear()

    def __enter__(self) -> Connections:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def map_at_once(
    function: Callable[[T], R],
    items: Iterable[T],
    *,
    on_done: Callable[[int, int], None] | None = None,
) -> list[R]:
    """``function`` over ``items`` on a thread per core; results in order.

    The first exception (from ``function`` or from ``on_done``, e.g. a cancelled job) stops
    everything not yet started and is raised once the running calls have finished.
    """
    items = list(items)
    pool = ThreadPoolExecutor(max_workers=WORKERS)
    try:
        futures = {pool.submit(function, item): index for index, item in enumerate(items)}
        results: list = [None] * len(items)
        for done, future in enumerate(as_completed(futures), start=1):
            results[futures[future]] = future.result()
            if on_done:
                on_done(done, len(items))
        return results
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def fetch_all(statements: Sequence[Statement]) -> list[list[tuple]]:
    """Each statement's rows (none for statements returning none), in order, run at once."""
    if not concurrent() or len(statements) < 2:
        results = []
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement.sql, statement.params)
                results.append(cursor.fetchall() if cursor.description else [])
        return results
    with Connections() as connections:

        def run(statement: Statement) -> list[tuple]:
            with connections.get().cursor() as cursor:
                cursor.execute(statement.sql, statement.params)
                return cursor.fetchall() if cursor.description else []

        return map_at_once(run, statements)
