import uuid
from dataclasses import dataclass

import pytest
from rest_framework.test import APIClient

import tests.support.job_kinds  # noqa: F401  (test-only job kinds, also loaded by test workers)
from rolloutplanner.roles import Role
from tests.factories import LEAFactory, VendorFactory, make_user

pytest_plugins = ["tests.support.celery_worker", "tests.support.browser"]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Hashing cost is irrelevant to behaviour under test and dominates run time otherwise.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_throttle_counters(settings):
    # Each test counts API requests from zero, in memory: with a shared Redis, counters of
    # earlier tests (or of another checkout's run) would otherwise leak into this one.
    settings.CACHES = {
        **settings.CACHES,
        "throttle": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"throttle-{uuid.uuid4()}",
        },
    }


@dataclass
class World:
    """Two LEAs and two vendors, one of each "own" for the scoped users, plus a user per role."""

    own_lea: object
    other_lea: object
    own_vendor: object
    other_vendor: object
    users: dict


@pytest.fixture
def world(db) -> World:
    own_vendor = VendorFactory(name="Own SIS Co")
    other_vendor = VendorFactory(name="Other SIS Co")
    own_lea = LEAFactory(name="Own District", sis_vendor=own_vendor)
    other_lea = LEAFactory(name="Other District", sis_vendor=other_vendor)
    users = {
        Role.SEA_TEAM: make_user(Role.SEA_TEAM),
        Role.LEADERSHIP: make_user(Role.LEADERSHIP),
        Role.LEA_COORDINATOR: make_user(Role.LEA_COORDINATOR, leas=[own_lea]),
        Role.VENDOR_CONTACT: make_user(Role.VENDOR_CONTACT, vendor=own_vendor),
        Role.ADMINISTRATOR: make_user(Role.ADMINISTRATOR),
    }
    return World(own_lea, other_lea, own_vendor, other_vendor, users)


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def sea_user(world):
    return world.users[Role.SEA_TEAM]


@pytest.fixture
def sea_reviewer(world):
    """A second member of the SEA team, who approves what ``sea_user`` submits (four eyes)."""
    return make_user(Role.SEA_TEAM, username="sea-reviewer")
