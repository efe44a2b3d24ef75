"""Mapping benchmark: full Ed-Fi catalog, 5,000 state elements with mappings, 200 code sets.

Prints the catalog import time, the coverage job time, the SQL query count and median time of
the mapping list page and API list endpoint, and the suggestion quality on the public mapping
corpus in bench/data/mapping-corpus/: hit@1 and hit@5 per source, for the tuning sources and the
held-out sources apart (see bench/suggestion_corpus.py for the split and the weighting).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rp_mapping .venv/bin/python bench/mapping.py
    ... bench/mapping.py --suggestions-only     # only the suggestion table
    ... bench/mapping.py --suggestions-only --misses   # and every tuning source's miss

The generated plan is deleted at the end; the catalog stays (its import is idempotent).
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rolloutplanner.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from bench import suggestion_corpus  # noqa: E402
from mapping.models import (  # noqa: E402
    DescriptorMapping,
    DescriptorValue,
    EdFiProperty,
    ElementMapping,
    MappingKind,
    MappingPlan,
    StateCode,
    StateCodeSet,
    StateCollection,
    StateElement,
)
from mapping.services.catalog import import_edfi_model  # noqa: E402
from mapping.services.coverage import record_coverage_run  # noqa: E402
from rolloutplanner.jobs import timed  # noqa: E402
from rolloutplanner.models import UserProfile  # noqa: E402
from rolloutplanner.roles import Role  # noqa: E402

ELEMENTS, CODE_SETS, CODES_PER_SET, COLLECTIONS = 5000, 200, 8, 10
PLAN_NAME = "Benchmark plan (generated)"
REPEATS = 15


def seed(version) -> MappingPlan:
    """A generated state model: bulk inserts (no history rows) to keep seeding short."""
    rng = random.Random(42)
    MappingPlan.objects.filter(name=PLAN_NAME).delete()
    plan = MappingPlan.objects.create(name=PLAN_NAME, data_standard_version=version)
    collections = StateCollection.objects.bulk_create(
        StateCollection(plan=plan, name=f"Collection {i:02d}") for i in range(COLLECTIONS)
    )
    code_sets = StateCodeSet.objects.bulk_create(
        StateCodeSet(plan=plan, name=f"Code set {i:03d}") for i in range(CODE_SETS)
    )
    codes = StateCode.objects.bulk_create(
        StateCode(code_set=s, code=f"C{j}", description=f"Code {j}")
        for s in code_sets
        for j in range(CODES_PER_SET)
    )
    values = list(DescriptorValue.objects.filter(descriptor__version=version)[:500])
    DescriptorMapping.objects.bulk_create(
        DescriptorMapping(state_code=c, descriptor_value=rng.choice(values))
        for c in codes
        if rng.random() < 0.7
    )
    elements = StateElement.objects.bulk_create(
        StateElement(
            collection=collections[i % COLLECTIONS],
            name=f"Element {i:05d}",
            definition="A generated state element",
            data_type="code" if i % 5 == 0 else "string",
            code_set=code_sets[i % CODE_SETS] if i % 5 == 0 else None,
        )
        for i in range(ELEMENTS)
    )
    kinds = [MappingKind.ONE_TO_ONE, MappingKind.CLOSE, MappingKind.EXTENSION]
    kinds += [MappingKind.NOT_MAPPED, MappingKind.RETIRE]
    mappings = ElementMapping.objects.bulk_create(
        ElementMapping(element=e, kind=rng.choice(kinds)) for e in elements
    )
    properties = list(EdFiProperty.objects.filter(resource__version=version))
    through = ElementMapping.targets.through
    through.objects.bulk_create(
        through(elementmapping_id=m.pk, edfiproperty_id=rng.choice(properties).pk)
        for m in mappings
        if m.kind in (MappingKind.ONE_TO_ONE, MappingKind.CLOSE)
    )
    return plan


def count_queries(client: Client, url: str, params: dict) -> int:
    """SQL statements one request runs (counted at the driver: request signals can't reset it)."""
    executed = []

    def counter(execute, sql, params_, many, context):
        executed.append(sql)
        return execute(sql, params_, many, context)

    with connection.execute_wrapper(counter):
        assert client.get(url, params).status_code == 200
    return len(executed)


def measure(client: Client, url: str, params: dict) -> tuple[int, float]:
    client.get(url, params)  # warm up
    queries = count_queries(client, url, params)
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        client.get(url, params)
        times.append((time.perf_counter() - started) * 1000)
    return queries, statistics.median(times)


def print_suggestions(version) -> None:
    timings: dict[str, float] = {}
    with timed(timings, "suggestions"):
        scores = suggestion_corpus.evaluate(version)
    print(
        f"suggestions on the mapping corpus ({timings['suggestions']:.1f} s), weighted, "
        "cap 3 per pattern:"
    )
    suggestion_corpus.print_table(scores, show_misses="--misses" in sys.argv)


def main() -> None:
    timings: dict[str, float] = {}
    with timed(timings, "catalog"):
        result = import_edfi_model(directory=ROOT / "mapping" / "data" / "edfi" / "5.2.0")
    print(
        f"catalog import: {timings['catalog']:.2f} s "
        f"({result.resources} resources, {result.properties} properties, {result.values} values)"
    )
    version = result.version
    if "--suggestions-only" in sys.argv:
        print_suggestions(version)
        return
    with timed(timings, "seed"), transaction.atomic():
        plan = seed(version)
    print(f"seeded {ELEMENTS} elements, {CODE_SETS} code sets in {timings['seed']:.1f} s")
    try:
        with timed(timings, "coverage"):
            run = record_coverage_run(plan=plan)
        print(
            f"coverage job: {timings['coverage']:.2f} s "
            f"({run.element_count} elements, {run.mapped_percent}% mapped)"
        )
        user, _ = get_user_model().objects.get_or_create(username="bench-sea")
        UserProfile.objects.get_or_create(user=user, defaults={"role": Role.SEA_TEAM})
        client = Client()
        client.force_login(user)
        params = {"plan": plan.pk}
        for label, url in (
            ("mapping list page", reverse("mapping:elementmapping-list")),
            ("mapping API list", reverse("api:elementmapping-list")),
        ):
            queries, median = measure(client, url, params)
            print(f"{label}: {queries} queries, median {median:.0f} ms over {REPEATS} requests")
        print_suggestions(version)
    finally:
        MappingPlan.objects.filter(pk=plan.pk).delete()


if __name__ == "__main__":
    main()
