"""Import benchmark: an LEA registry and a state specification of N rows, imported as jobs do.

Generates both files as CSV (or XLSX with --xlsx), imports each with the same service a job
calls (one transaction) and prints file size, time, rows per second, peak Python memory
(tracemalloc, when --trace-memory) and the process's peak resident memory.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rp_bench .venv/bin/python bench/imports.py \
        --rows 200000 --kind registry

Everything the benchmark writes is rolled back at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import resource
import sys
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rolloutplanner.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from leas.services import import_leas  # noqa: E402
from mapping.models import DataStandardVersion, MappingPlan  # noqa: E402
from mapping.services.state_spec import import_state_spec  # noqa: E402
from rolloutplanner.jobs import timed  # noqa: E402
from vendors.models import Vendor  # noqa: E402

PREFIX = "B"
PLAN_NAME = "Import benchmark plan (generated)"
CAPACITY = ("low", "moderate", "high")
URBANICITY = ("city", "suburb", "town", "rural")
SIS = ("Bench SIS A", "Bench SIS B", "Bench SIS C")
SOURCES = ("Bench IEP", "Bench Nutrition")


def registry_rows(count: int):
    yield [
        "state_lea_id", "name", "nces_id", "enrollment", "capacity", "urbanicity", "region",
        "poverty_level", "sis", "source_systems",
    ]  # fmt: skip
    for n in range(count):
        sources = SOURCES[0] if n % 3 else f"{SOURCES[0]}; {SOURCES[1]}"
        yield [
            f"{PREFIX}{n:07d}", f"Benchmark District {n} North", f"{n % 10**7:07d}",
            str(100 + n % 90000), CAPACITY[n % 3], URBANICITY[n % 4], f"Region {n % 17}",
            ("low", "moderate", "high")[n % 3], SIS[n % 3], sources,
        ]  # fmt: skip


def spec_rows(count: int):
    yield ["collection", "element", "definition", "data_type", "required", "code_set",
           "allowed_values"]  # fmt: skip
    for n in range(count):
        coded = n % 10 == 0
        yield [
            f"Collection {n % 20}", f"Element {n}",
            f"State element number {n}, reported by every LEA at the fall snapshot date.",
            "code" if coded else ("date" if n % 7 == 0 else "string"), "yes" if n % 2 else "no",
            f"Code set {n % 50}" if coded else "",
            "01=First value; 02=Second value; 03=Third value" if coded else "",
        ]  # fmt: skip


def file_bytes(rows, xlsx: bool) -> bytes:
    if not xlsx:
        return "".join(",".join(f'"{v}"' for v in row) + "\n" for row in rows).encode()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Elements")
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def measure(label: str, content: bytes, rows: int, run, trace: bool) -> None:
    if trace:
        tracemalloc.start()
    timings: dict[str, float] = {}
    with timed(timings, "run"), CaptureQueriesContext(connection) as queries:
        outcome = run()
    seconds = max(timings["run"], 0.001)
    peak = tracemalloc.get_traced_memory()[1] if trace else 0
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{label}: {len(content) / 2**20:.1f} MB, {rows:,} rows in {seconds:.1f} s "
        f"({rows / seconds:,.0f} rows/s), {len(queries.captured_queries):,} queries, "
        + (f"peak Python memory {peak / 2**20:.0f} MB, " if trace else "")
        + f"peak RSS {rss:.0f} MB — {outcome}"
    )


class _RolledBack(Exception):
    pass


@contextlib.contextmanager
def rolled_back():
    """Everything the benchmark writes is rolled back at the end (no slow clean-up)."""
    try:
        with transaction.atomic():
            yield
            raise _RolledBack
    except _RolledBack:
        pass


def bench_registry(rows: int, xlsx: bool, trace: bool) -> None:
    content = file_bytes(registry_rows(rows), xlsx)
    name = "registry.xlsx" if xlsx else "registry.csv"
    changed = content.replace(b"North", b"South")
    with rolled_back():
        for vendor in SIS:
            Vendor.objects.create(name=vendor, product_type="sis")
        for vendor in SOURCES:
            Vendor.objects.create(name=vendor, product_type="iep")
        for run, data in (("create", content), ("update", changed)):
            measure(
                f"LEA registry ({run})", data, rows,
                lambda data=data: import_leas(file_name=name, content=data), trace,
            )  # fmt: skip


def bench_spec(rows: int, xlsx: bool, trace: bool) -> None:
    content = file_bytes(spec_rows(rows), xlsx)
    name = "spec.xlsx" if xlsx else "spec.csv"
    with rolled_back():
        version, _ = DataStandardVersion.objects.get_or_create(version="bench")
        MappingPlan.objects.filter(name=PLAN_NAME).delete()
        plan = MappingPlan.objects.create(name=PLAN_NAME, data_standard_version=version)
        for run in ("create", "re-import"):
            measure(
                f"State specification ({run})", content, rows,
                lambda: import_state_spec(plan=plan, name=name, content=content, user=None),
                trace,
            )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--kind", choices=("registry", "spec", "both"), default="both")
    parser.add_argument("--xlsx", action="store_true", help="generate XLSX instead of CSV")
    parser.add_argument("--trace-memory", action="store_true", help="tracemalloc (slower)")
    args = parser.parse_args()
    print(f"IMPORT_MAX_BYTES={settings.IMPORT_MAX_BYTES:,}")
    if args.kind in ("registry", "both"):
        bench_registry(args.rows, args.xlsx, args.trace_memory)
    if args.kind in ("spec", "both"):
        bench_spec(args.rows, args.xlsx, args.trace_memory)


if __name__ == "__main__":
    main()
