"""Timeline benchmark: 40,000 milestones, 1,200 LEAs, 300 vendors, 60,000 dependencies.

Usage (PostgreSQL, from the project root):

    DATABASE_URL=postgres://… python bench/timeline.py [--runs 5] [--scale 1.0]

Creates its own throw-away database (the configured name + ``_bench``), seeds it, then prints
the median time and query count of the dashboard, the Gantt page for one LEA, the statewide
Gantt for one phase, ``/api/v1/timeline/`` (first page, a ``changed since`` poll and a 304
conditional poll) and one LEA's iCal feed, and the time of a critical-path computation.
Targets: each page under 300 ms median with a query count that does not grow with rows;
critical path under 1 s. ``--scale`` shrinks the data set for a quick run.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rolloutplanner.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

LEAS, VENDORS, MILESTONES, DEPENDENCIES, WAVES = 1200, 300, 40_000, 60_000, 30


def seed(scale: float) -> dict:
    """Bulk-load the data set; returns the objects the measurements need."""
    from leas.models import LEA
    from rolloutplanner.roles import Role
    from rolloutplanner.timeline import services
    from rolloutplanner.timeline.models import (
        ChangeNotice,
        Milestone,
        MilestoneDependency,
        Phase,
        Wave,
    )
    from tests.factories import make_user
    from vendors.models import Vendor

    rng = random.Random(2027)
    n_leas, n_vendors = int(LEAS * scale), int(VENDORS * scale)
    n_milestones, n_deps = int(MILESTONES * scale), int(DEPENDENCIES * scale)
    today = timezone.localdate()
    start = today - timedelta(weeks=40)
    template_steps = services.load_template(start=start)
    phases = list(Phase.objects.order_by("number"))
    vendors = Vendor.objects.bulk_create(
        Vendor(name=f"Vendor {i}", product_name=f"SIS {i}", product_type="sis")
        for i in range(n_vendors)
    )
    leas = LEA.objects.bulk_create(
        LEA(
            name=f"District {i:04d}",
            state_lea_id=f"{i:05d}",
            urbanicity=rng.choice(["city", "suburb", "town", "rural"]),
            sis_vendor=vendors[i % n_vendors],
        )
        for i in range(n_leas)
    )
    waves = Wave.objects.bulk_create(Wave(name=f"Wave {i + 1}") for i in range(WAVES))
    Wave.leas.through.objects.bulk_create(
        Wave.leas.through(wave_id=waves[i % WAVES].pk, lea_id=lea.pk) for i, lea in enumerate(leas)
    )
    now = timezone.now() - timedelta(days=2)

    def milestone(i: int, **owner) -> Milestone:
        begin = start + timedelta(days=rng.randrange(0, 600))
        end = begin + timedelta(days=rng.randrange(5, 60))
        done = end < today and rng.random() < 0.7
        return Milestone(
            phase=phases[min(4, (begin - start).days // 120)],
            code=f"L{i}",
            name=f"Milestone {i}",
            planned_start=begin,
            planned_end=end,
            actual_start=begin if begin < today and rng.random() < 0.8 else None,
            actual_end=end if done else None,
            updated_at=now,
            **owner,
        )

    per_vendor, per_wave = 10, 30
    rows = [milestone(i, scope="vendor", vendor=v) for i, v in enumerate(vendors * per_vendor)]
    rows += [milestone(i, scope="wave", wave=w) for i, w in enumerate(waves * per_wave)]
    per_lea = (n_milestones - len(rows)) // n_leas
    rows += [milestone(i, scope="lea", lea=lea) for i, lea in enumerate(leas * per_lea)]
    statewide = n_milestones - template_steps - len(rows)
    rows += [milestone(i, scope="statewide") for i in range(statewide)]
    created = Milestone.objects.bulk_create(rows, batch_size=5000)
    by_lea: dict[int, list[int]] = {}
    for m in created:
        if m.lea_id:
            by_lea.setdefault(m.lea_id, []).append(m)
    edges: set[tuple[int, int]] = set()
    for chain in by_lea.values():
        chain.sort(key=lambda m: (m.planned_start, m.pk))
        for gap in (1, 2, 3):
            for a, b in zip(chain, chain[gap:], strict=False):
                edges.add((a.pk, b.pk))
    edges = set(sorted(edges)[: n_deps - MilestoneDependency.objects.count()])
    MilestoneDependency.objects.bulk_create(
        (MilestoneDependency(predecessor_id=a, successor_id=b) for a, b in edges), batch_size=5000
    )
    services.save_baseline(name="Bench baseline")
    sample = rng.sample(created, 200)
    ChangeNotice.objects.bulk_create(
        ChangeNotice(
            milestone=m,
            lea_id=m.lea_id,
            vendor_id=m.vendor_id,
            old_start=m.planned_start,
            old_end=m.planned_end,
            new_start=m.planned_start,
            new_end=m.planned_end + timedelta(days=7),
            reason="Bench",
        )
        for m in sample
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would after a bulk load
    coordinator = make_user(Role.LEA_COORDINATOR, username="bench-coordinator", leas=[leas[7]])
    return {
        "lea": leas[7],
        "phase": phases[2],
        "leadership": make_user(Role.LEADERSHIP, username="bench-leader"),
        "sea": make_user(Role.SEA_TEAM, username="bench-sea"),
        "coordinator": coordinator,
        "counts": (
            len(leas),
            len(vendors),
            Milestone.objects.count(),
            MilestoneDependency.objects.count(),
        ),
    }


def measure(label: str, call, runs: int) -> None:
    timings, queries, status = [], [], None
    call()  # warm-up: template loading, first connection
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            response = call()
            timings.append((time.perf_counter() - began) * 1000)
        queries.append(len(captured.captured_queries))
        status = getattr(response, "status_code", "")
    print(
        f"{label:<44} median {statistics.median(timings):7.1f} ms   "
        f"queries {max(queries):3d}   status {status}"
    )


def run(runs: int, scale: float) -> None:
    from django.urls import reverse

    from rolloutplanner.timeline import services
    from rolloutplanner.timeline.critical_path import compute_critical_path
    from rolloutplanner.timeline.models import Milestone

    began = time.perf_counter()
    data = seed(scale)
    leas, vendors, milestones, deps = data["counts"]
    print(
        f"Seeded {milestones} milestones, {leas} LEAs, {vendors} vendors, {deps} dependencies "
        f"in {time.perf_counter() - began:.1f} s"
    )
    leader, sea = Client(), Client()
    leader.force_login(data["leadership"])
    sea.force_login(data["sea"])
    gantt = reverse("rolloutplanner:timeline-gantt")
    api = reverse("api:milestone-list")
    measure("Dashboard", lambda: leader.get(reverse("rolloutplanner:timeline-dashboard")), runs)
    measure("Gantt, one LEA", lambda: sea.get(gantt, {"lea": data["lea"].pk}), runs)
    measure(
        "Gantt, statewide, one phase", lambda: sea.get(gantt, {"phase": data["phase"].pk}), runs
    )
    measure("API /api/v1/timeline/ first page", lambda: sea.get(api), runs)
    touched = list(Milestone.objects.order_by("?").values_list("pk", flat=True)[:5])
    Milestone.objects.filter(pk__in=touched).update(updated_at=timezone.now())
    since = (timezone.now() - timedelta(minutes=5)).isoformat()
    measure(
        "API changed-since poll (5 changed)", lambda: sea.get(api, {"changed_since": since}), runs
    )
    etag = sea.get(api)["ETag"]
    measure("API conditional poll (304)", lambda: sea.get(api, HTTP_IF_NONE_MATCH=etag), runs)
    _, key = services.create_feed_token(user=data["coordinator"])
    feed = reverse("rolloutplanner:feed-lea", args=[key, data["lea"].pk])
    measure("iCal feed, one LEA", lambda: Client().get(feed), runs)
    timings, cpu = [], []
    for _ in range(max(1, runs // 2)):
        began, began_cpu = time.perf_counter(), time.process_time()
        result = compute_critical_path()
        timings.append(time.perf_counter() - began)
        cpu.append(time.process_time() - began_cpu)
    print(
        f"{'Critical path (all milestones)':<44} median {statistics.median(timings) * 1000:7.1f} ms"
        f"   (Python CPU {statistics.median(cpu) * 1000:.0f} ms)"
        f"   production delay {result.production_delay_days} d, {len(result.impacts)} late causes"
    )
    print(f"Load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run the benchmark on PostgreSQL: set DATABASE_URL.")
    settings.DATABASES["default"].setdefault("TEST", {})
    settings.DATABASES["default"]["TEST"]["NAME"] = f"{settings.DATABASES['default']['NAME']}_bench"
    setup_test_environment()
    settings.DEBUG = False
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(args.runs, args.scale)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
