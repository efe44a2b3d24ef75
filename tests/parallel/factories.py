"""Factories for the parallel-year models (the shipped report definitions come from the
migration, so factories look them up by code)."""

import datetime

import factory
from factory.django import DjangoModelFactory

from parallel.definitions import load_shipped_definitions
from parallel.models import (
    CollectionCycle,
    Discrepancy,
    DiscrepancyGroup,
    DiscrepancyKind,
    LEARunSummary,
    ReconciliationRun,
    ReportDefinition,
    RunState,
)
from tests.factories import LEAFactory

CHILD_COUNT = "idea-child-count-school-age"


def shipped_definition(code: str = CHILD_COUNT) -> ReportDefinition:
    # Transactional tests flush the rows the migration created; put them back when needed.
    load_shipped_definitions(ReportDefinition)
    return ReportDefinition.objects.get(code=code)


class CollectionCycleFactory(DjangoModelFactory):
    class Meta:
        model = CollectionCycle
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Child count {2025 + n}")
    school_year = "2025-26"
    report_definition = factory.LazyFunction(shipped_definition)
    snapshot_date = datetime.date(2025, 10, 1)


class ReconciliationRunFactory(DjangoModelFactory):
    class Meta:
        model = ReconciliationRun

    cycle = factory.SubFactory(CollectionCycleFactory)
    number = factory.Sequence(lambda n: n + 1)
    state = RunState.COMPLETE


class LEARunSummaryFactory(DjangoModelFactory):
    class Meta:
        model = LEARunSummary

    run = factory.SubFactory(ReconciliationRunFactory)
    lea = factory.SubFactory(LEAFactory)
    legacy_records = 100
    edfi_records = 99
    matched_records = 98
    only_in_legacy = 1
    records_with_mismatches = 1
    field_mismatches = 1
    match_rate = 98


class DiscrepancyGroupFactory(DjangoModelFactory):
    class Meta:
        model = DiscrepancyGroup

    run = factory.SubFactory(ReconciliationRunFactory)
    lea = factory.SubFactory(LEAFactory)
    kind = DiscrepancyKind.FIELD_MISMATCH
    field = "disability"
    count = 1


class DiscrepancyFactory(DjangoModelFactory):
    class Meta:
        model = Discrepancy

    group = factory.SubFactory(DiscrepancyGroupFactory)
    run = factory.SelfAttribute("group.run")
    lea = factory.SelfAttribute("group.lea")
    kind = factory.SelfAttribute("group.kind")
    field = factory.SelfAttribute("group.field")
    student_id = factory.Sequence(lambda n: f"S{n:08d}")
    legacy_value = "AUT"
    edfi_value = "SLD"
