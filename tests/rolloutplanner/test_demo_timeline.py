"""seed_demo also loads a living timeline, once."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from rolloutplanner.timeline.models import Baseline, Milestone, MilestoneDependency
from rolloutplanner.timeline.template import ROLLOUT_TEMPLATE

pytestmark = pytest.mark.django_db

STEP_COUNT = sum(len(phase.steps) for phase in ROLLOUT_TEMPLATE)


def test_seed_demo_loads_the_timeline_under_way_and_is_idempotent(client):
    call_command("seed_demo")
    snapshot = list(Milestone.objects.order_by("pk").values())
    links = MilestoneDependency.objects.count()

    call_command("seed_demo")

    assert Milestone.objects.count() == STEP_COUNT
    assert list(Milestone.objects.order_by("pk").values()) == snapshot
    assert MilestoneDependency.objects.count() == links > 0
    assert Baseline.objects.count() == 1
    statuses = {m.status for m in Milestone.objects.with_status()}
    assert {"done", "late", "on_track"} <= statuses
    assert Milestone.objects.with_status().get(code="3.2").status == "late"
    assert Milestone.objects.with_status().get(code="1.1").status == "done"

    client.force_login(get_user_model().objects.get(username="leader"))
    body = client.get(reverse("rolloutplanner:timeline-dashboard")).content.decode()
    assert "Late milestones that delay the most later ones" in body
    assert "3.2 Pilot LEA onboarding (delays production)" in body
