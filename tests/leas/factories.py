"""Factories for the LEA app's models (LEA itself is in tests/factories.py)."""

import datetime

import factory
from factory.django import DjangoModelFactory

from leas.models import (
    Cohort,
    LEAPerson,
    ReadinessItem,
    ReportingRole,
    RolloutPhase,
    SupportNetwork,
    SupportRequest,
)
from tests.factories import LEAFactory


class LEAPersonFactory(DjangoModelFactory):
    class Meta:
        model = LEAPerson

    lea = factory.SubFactory(LEAFactory)
    name = factory.Faker("name")
    title = "Director of Data and Assessment"
    reporting_role = ReportingRole.DATA_STEWARD
    state_data_hours = 12
    training_completed = "Ed-Fi ODS basics (2026-08-14)"


class ReadinessItemFactory(DjangoModelFactory):
    class Meta:
        model = ReadinessItem

    lea = factory.SubFactory(LEAFactory)
    phase = RolloutPhase.CONNECT
    key = factory.Sequence(lambda n: f"item-{n}")
    title = "SIS vendor configured for Ed-Fi"


class SupportRequestFactory(DjangoModelFactory):
    class Meta:
        model = SupportRequest

    lea = factory.SubFactory(LEAFactory)
    topic = "Descriptor mapping for program codes"
    held_on = datetime.date(2026, 9, 14)
    participants = "LEA data steward, SEA analyst"


class SupportNetworkFactory(DjangoModelFactory):
    class Meta:
        model = SupportNetwork

    lea = factory.SubFactory(LEAFactory)
    kind = "esa"
    name = factory.Sequence(lambda n: f"Region {n} ESA")


class CohortFactory(DjangoModelFactory):
    class Meta:
        model = Cohort

    name = factory.Sequence(lambda n: f"Pilot cohort {n}")
