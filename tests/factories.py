"""factory-boy factories, one per model. Apps add theirs here (or in tests/factories_<app>.py
re-exported below) so every test builds data the same way."""

import factory
from django.contrib.auth import get_user_model
from factory.django import DjangoModelFactory

from leas.models import LEA, Capacity, PovertyLevel, Urbanicity
from rolloutplanner.models import Job, UserProfile
from rolloutplanner.roles import Role
from vendors.models import ProductType, Vendor


class VendorFactory(DjangoModelFactory):
    class Meta:
        model = Vendor

    name = factory.Sequence(lambda n: f"Vendor {n} Inc.")
    product_name = factory.Sequence(lambda n: f"Product {n}")
    product_type = ProductType.SIS


class LEAFactory(DjangoModelFactory):
    class Meta:
        model = LEA

    name = factory.Sequence(lambda n: f"District {n} Public Schools")
    state_lea_id = factory.Sequence(lambda n: f"{n:05d}")
    nces_id = factory.Sequence(lambda n: f"98{n:05d}")
    enrollment = factory.Faker("random_int", min=200, max=60000)
    capacity = Capacity.MODERATE
    urbanicity = Urbanicity.TOWN
    region = "Central"
    poverty_level = PovertyLevel.MODERATE
    sis_vendor = factory.SubFactory(VendorFactory)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery-9")

    @factory.post_generation
    def saved(self, create, extracted, **kwargs):
        if create:
            self.save()


class UserProfileFactory(DjangoModelFactory):
    class Meta:
        model = UserProfile

    user = factory.SubFactory(UserFactory)
    role = Role.SEA_TEAM


def make_user(role: str, *, username: str | None = None, leas=(), vendor=None):
    """A user holding ``role``, bound to ``leas`` (coordinators) or ``vendor`` (vendor contacts)."""
    user = UserFactory(
        username=username or f"{role}-user",
        is_staff=role == Role.ADMINISTRATOR,
        is_superuser=role == Role.ADMINISTRATOR,
    )
    profile = UserProfileFactory(user=user, role=role, vendor=vendor)
    profile.leas.set(leas)
    return user


class JobFactory(DjangoModelFactory):
    class Meta:
        model = Job

    kind = "state_summary"
