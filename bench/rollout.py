"""Benchmark of the LEA and vendor rollout at state scale.

Seeds 1,200 LEAs, 300 vendor products, 30,000 readiness items, 6,000 people and 2,000 API
credentials into a throw-away database (``bench_<name>`` beside DATABASE_URL's database), then
prints the median time and SQL query count of the LEA list page, the LEA detail page, the
readiness API list and the cohort suggestion for a cohort of 12.

Targets: pages and API lists constant in query count and under 300 ms median; the cohort
suggestion under 2 s.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rolloutplanner_bench \
        .venv/bin/python bench/rollout.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rolloutplanner.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

SCALE = {"leas": 1200, "vendors": 300, "people": 6000, "credentials": 2000}


def seed(rng: random.Random):
    from leas.models import LEA, LEAPerson, ReadinessItem
    from leas.services import READINESS_CHECKLIST
    from rolloutplanner.models import UserProfile
    from rolloutplanner.roles import Role
    from vendors.models import APICredential, ClaimSet, ProductType, Vendor

    types = [t.value for t in ProductType]
    vendors = Vendor.objects.bulk_create(
        Vendor(name=f"Vendor {n:03d}", product_name=f"Product {n}", product_type=types[n % 7])
        for n in range(SCALE["vendors"])
    )
    sis = [v for v in vendors if v.product_type == ProductType.SIS]
    regions = ["North", "South", "East", "West", "Central", "Coast", "Mountain", "Valley"]
    leas = LEA.objects.bulk_create(
        LEA(
            name=f"District {n:04d}",
            state_lea_id=f"{n:05d}",
            enrollment=int(rng.lognormvariate(7.5, 1.3)),
            capacity=rng.choice(["high", "moderate", "low"]),
            urbanicity=rng.choice(["city", "suburb", "town", "rural"]),
            region=rng.choice(regions),
            poverty_level=rng.choice(["low", "moderate", "high", "very_high"]),
            sis_vendor=rng.choice(sis[:12]),
        )
        for n in range(SCALE["leas"])
    )
    statuses = ["not_started", "in_progress", "done", "blocked"]
    checklist = list(READINESS_CHECKLIST)
    items = []
    for lea in leas:  # 25 items per LEA: the 9-item checklist plus 16 LEA-specific checks
        for order in range(25):
            phase, key, title = (
                checklist[order]
                if order < len(checklist)
                else (
                    checklist[order % len(checklist)][0],
                    f"local-check-{order}",
                    f"Local check {order}",
                )
            )
            items.append(
                ReadinessItem(
                    lea=lea,
                    phase=phase,
                    key=key,
                    title=title,
                    order=order,
                    status=rng.choice(statuses),
                )
            )
    ReadinessItem.objects.bulk_create(items, batch_size=5000)
    LEAPerson.objects.bulk_create(
        (
            LEAPerson(
                lea=leas[n % len(leas)],
                name=f"Person {n}",
                reporting_role="data_steward",
                state_data_hours=rng.randint(1, 30),
            )
            for n in range(SCALE["people"])
        ),
        batch_size=5000,
    )
    claim_set = ClaimSet.objects.create(name="SIS Vendor", writable_resources=["students"])
    today = date.today()
    APICredential.objects.bulk_create(
        (
            APICredential(
                application_name=f"App {n}",
                key=f"key{n:06d}",
                vendor=rng.choice(vendors),
                claim_set=claim_set,
                school_year=today.year + 1,
                issued_on=today,
                expires_on=today + timedelta(days=rng.randint(1, 700)),
            )
            for n in range(SCALE["credentials"])
        ),
        batch_size=2000,
    )
    user = get_user_model().objects.create_user("bench-sea", password="bench-password-1")
    UserProfile.objects.create(user=user, role=Role.SEA_TEAM)
    return user, leas


def measure(label: str, call, runs: int) -> tuple[str, float, int]:
    call()  # warm caches (templates, URL resolvers, connection)
    times, queries = [], []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            call()
            times.append((time.perf_counter() - start) * 1000)
        queries.append(len(captured))
    return label, statistics.median(times), max(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    from leas.services import suggest_cohort

    setup_test_environment()
    settings.DATABASES["default"].setdefault("TEST", {})
    settings.DATABASES["default"]["TEST"]["NAME"] = f"bench_{settings.DATABASES['default']['NAME']}"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        start = time.perf_counter()
        user, leas = seed(random.Random(20260901))
        print(f"seeded in {time.perf_counter() - start:.1f} s: {SCALE}, 30,000 readiness items")
        client = Client()
        client.force_login(user)
        detail_url = leas[len(leas) // 2].get_absolute_url()

        def get(url, **params):
            def call():
                response = client.get(url, params)
                assert response.status_code == 200, (url, response.status_code)

            return call

        results = [
            measure("LEA list page", get(reverse("leas:lea-list")), args.runs),
            measure("LEA list page, page 20", get(reverse("leas:lea-list"), page=20), args.runs),
            measure("LEA detail page", get(detail_url), args.runs),
            measure("readiness API list", get(reverse("api:readinessitem-list")), args.runs),
            measure(
                "readiness API list, page 100",
                get(reverse("api:readinessitem-list"), page=100),
                args.runs,
            ),
            measure("cohort suggestion (12)", lambda: suggest_cohort(size=12), args.runs),
        ]
        print(f"{'':32} {'median ms':>10} {'queries':>8}")
        for label, median, queries in results:
            print(f"{label:32} {median:10.1f} {queries:8d}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
