"""Factories for the timeline's models (app label ``rolloutplanner``)."""

from datetime import date, timedelta

import factory
from factory.django import DjangoModelFactory

from rolloutplanner.timeline.models import (
    ChangeNotice,
    Milestone,
    MilestoneDependency,
    MilestoneKind,
    Phase,
    Scope,
    Wave,
)


class PhaseFactory(DjangoModelFactory):
    class Meta:
        model = Phase
        django_get_or_create = ("number",)

    number = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"Phase {n + 1}")


class WaveFactory(DjangoModelFactory):
    class Meta:
        model = Wave

    name = factory.Sequence(lambda n: f"Wave {n + 1}")


class MilestoneFactory(DjangoModelFactory):
    """A statewide milestone a month long starting in two weeks (on track)."""

    class Meta:
        model = Milestone

    phase = factory.SubFactory(PhaseFactory, number=3, name="Pilot")
    code = factory.Sequence(lambda n: f"M{n}")
    name = factory.Sequence(lambda n: f"Pilot data load {n}")
    kind = MilestoneKind.MILESTONE
    scope = Scope.STATEWIDE
    planned_start = factory.LazyFunction(lambda: date.today() + timedelta(days=14))
    planned_end = factory.LazyAttribute(lambda m: m.planned_start + timedelta(days=30))


class LEAMilestoneFactory(MilestoneFactory):
    scope = Scope.LEA
    lea = factory.SubFactory("tests.factories.LEAFactory")


class VendorMilestoneFactory(MilestoneFactory):
    scope = Scope.VENDOR
    vendor = factory.SubFactory("tests.factories.VendorFactory")


class MilestoneDependencyFactory(DjangoModelFactory):
    class Meta:
        model = MilestoneDependency

    predecessor = factory.SubFactory(MilestoneFactory)
    successor = factory.SubFactory(MilestoneFactory)


class ChangeNoticeFactory(DjangoModelFactory):
    class Meta:
        model = ChangeNotice

    milestone = factory.SubFactory(MilestoneFactory)
    old_start = factory.LazyFunction(date.today)
    old_end = factory.LazyFunction(lambda: date.today() + timedelta(days=10))
    new_start = factory.LazyFunction(lambda: date.today() + timedelta(days=7))
    new_end = factory.LazyFunction(lambda: date.today() + timedelta(days=17))
    reason = "Vendor certification slipped"
