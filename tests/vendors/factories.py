"""Factories for the vendor app's models (Vendor itself is in tests/factories.py)."""

import datetime

import factory
from factory.django import DjangoModelFactory

from tests.factories import LEAFactory, VendorFactory
from vendors.models import (
    APICredential,
    Certification,
    ClaimSet,
    DeploymentTimeline,
    FollowUp,
    MarketEvent,
    Touchpoint,
)


class CertificationFactory(DjangoModelFactory):
    class Meta:
        model = Certification

    vendor = factory.SubFactory(VendorFactory)
    certification = "SIS"
    version = factory.Sequence(lambda n: f"Data Standard 5.{n}")
    status = "certified"


class TouchpointFactory(DjangoModelFactory):
    class Meta:
        model = Touchpoint

    vendor = factory.SubFactory(VendorFactory)
    held_on = datetime.date(2026, 10, 2)
    attendees = "Vendor product manager, SEA Ed-Fi lead"
    decisions = "Vendor ships Ed-Fi 5.2 connector in the spring release."


class FollowUpFactory(DjangoModelFactory):
    class Meta:
        model = FollowUp

    touchpoint = factory.SubFactory(TouchpointFactory)
    description = "Share the QA environment schedule"
    owner = "Vendor product manager"
    due_on = datetime.date(2026, 10, 30)


class DeploymentTimelineFactory(DjangoModelFactory):
    class Meta:
        model = DeploymentTimeline

    vendor = factory.SubFactory(VendorFactory)
    lea = factory.SubFactory(LEAFactory)
    development_on = datetime.date(2026, 11, 1)
    qa_on = datetime.date(2026, 12, 1)


class MarketEventFactory(DjangoModelFactory):
    class Meta:
        model = MarketEvent
        skip_postgeneration_save = True

    vendor = factory.SubFactory(VendorFactory)
    kind = "leaving"
    announced_on = datetime.date(2026, 9, 1)
    handoff_plan = "Migrate affected LEAs to another certified SIS before spring."

    @factory.post_generation
    def affected_leas(self, create, extracted, **kwargs):
        if create and extracted:
            self.affected_leas.set(extracted)


class ClaimSetFactory(DjangoModelFactory):
    class Meta:
        model = ClaimSet

    name = factory.Sequence(lambda n: f"SIS Vendor {n}")
    writable_resources = ["students", "studentSchoolAssociations"]


class APICredentialFactory(DjangoModelFactory):
    class Meta:
        model = APICredential
        skip_postgeneration_save = True

    application_name = "SIS sync"
    key = factory.Sequence(lambda n: f"key{n:08d}")
    vendor = factory.SubFactory(VendorFactory)
    claim_set = factory.SubFactory(ClaimSetFactory)
    school_year = 2027
    issued_on = datetime.date(2026, 7, 1)
    expires_on = datetime.date(2027, 6, 30)
    owner_email = "owner@vendor.example.org"

    @factory.post_generation
    def leas(self, create, extracted, **kwargs):
        if create and extracted:
            self.leas.set(extracted)
