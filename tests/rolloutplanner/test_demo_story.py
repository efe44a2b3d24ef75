"""seed_demo builds a rollout in the middle of its pilot, and a second run changes nothing.

The state is seeded once (twice, to prove idempotency) for the whole module, inside a
transaction rolled back at the end; each test reads one part of the story.
"""

from datetime import timedelta

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone

from leas.models import Cohort, LEAPerson, ReadinessItem
from mapping.models import ElementMapping, MappingStatus
from parallel.models import CollectionCycle, RunState, TriageStatus
from rolloutplanner.demo import DEMO_PASSWORD, DEMO_USERS
from rolloutplanner.timeline.demo import LATE_STEP_CODE
from rolloutplanner.timeline.models import Milestone, MilestoneKind, Scope
from usecases.models import (
    AgreedRating,
    AssessmentRound,
    CommentResolution,
    CommunicationItem,
    DataFlow,
    DataSystem,
    DocumentKind,
    DocumentStatus,
    PlanningDocument,
    SectionComment,
)
from vendors.models import APICredential, Certification, CertificationStatus, FollowUp, Vendor

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="the demo's parallel-year runs need PostgreSQL (set DATABASE_URL)",
    ),
]


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.app_label not in {"sessions", "admin", "axes"}
    }


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    """Counts of every table after the first and after the second seeding."""
    test_settings = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        MEDIA_ROOT=tmp_path_factory.mktemp("demo-media"),
    )
    with django_db_blocker.unblock(), test_settings, transaction.atomic():
        call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
        first = _row_counts()
        call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
        second = _row_counts()
        yield first, second
        transaction.set_rollback(True)


def test_a_second_seeding_creates_nothing(seeded):
    first, second = seeded
    changed = {
        label: (first[label], second[label]) for label in first if first[label] != second[label]
    }
    assert changed == {}


def test_phases_one_and_two_are_done_and_the_pilot_is_under_way(seeded):
    steps = Milestone.objects.filter(scope=Scope.STATEWIDE, kind=MilestoneKind.STEP)
    planning = steps.filter(phase__number__in=[1, 2])
    assert planning.exists() and not planning.filter(actual_end__isnull=True).exists()
    pilot = steps.filter(phase__number=3)
    assert pilot.filter(actual_start__isnull=False, actual_end__isnull=True).exists()
    assert pilot.filter(actual_end__isnull=False).exists()
    assert steps.with_status().get(code=LATE_STEP_CODE).status == "late"


def test_one_use_case_is_approved_and_one_is_in_review_with_open_comments(seeded):
    use_cases = PlanningDocument.objects.filter(kind=DocumentKind.USE_CASE)
    approved = use_cases.get(status=DocumentStatus.APPROVED)
    assert approved.approvals.get().decided_by.username == "leader"
    assert approved.submitted_by.username == "sea"
    in_review = use_cases.get(status=DocumentStatus.STAKEHOLDER_REVIEW)
    assert in_review.review_due > timezone.localdate()
    open_comments = SectionComment.objects.filter(
        section__document=in_review, resolution=CommentResolution.OPEN
    )
    assert {c.author.username for c in open_comments} == {"coordinator", "vendor"}


def test_the_scope_document_is_approved_with_its_items(seeded):
    scope = PlanningDocument.objects.get(kind=DocumentKind.SCOPE)
    assert scope.status == DocumentStatus.APPROVED
    assert scope.scope_items.count() >= 4


def test_two_self_assessment_rounds_show_progress(seeded):
    rounds = list(AssessmentRound.objects.order_by("held_on"))
    assert len(rounds) >= 2

    def mean(round_):
        levels = list(AgreedRating.objects.filter(round=round_).values_list("level", flat=True))
        assert levels
        return sum(levels) / len(levels)

    assert mean(rounds[-1]) > mean(rounds[0])
    assert rounds[-1].ratings.values("rater").distinct().count() == 2


def test_the_data_system_inventory_has_flows_between_its_systems(seeded):
    assert DataSystem.objects.count() >= 5
    assert DataFlow.objects.count() >= 5
    assert DataSystem.objects.filter(vendor__isnull=False).exists()


def test_some_communications_are_overdue_and_some_are_coming(seeded):
    items = list(CommunicationItem.objects.all())
    assert any(item.is_overdue for item in items)
    assert any(item.next_date > timezone.localdate() for item in items)
    assert CommunicationItem.objects.filter(log__isnull=False).exists()


def test_lea_people_show_turnover(seeded):
    left = LEAPerson.objects.filter(left_on__isnull=False)
    assert left.exists()
    assert LEAPerson.objects.current().filter(lea__in=left.values("lea")).exists()


def test_the_pilot_cohort_is_saved_with_the_coordinators_district(seeded):
    cohort = Cohort.objects.get(kind="pilot")
    leas = cohort.current_version.leas.all()
    assert leas.count() == 8
    assert leas.filter(state_lea_id="0001").exists()
    assert cohort.current_version.explanation


def test_readiness_items_are_in_varied_states(seeded):
    statuses = set(ReadinessItem.objects.values_list("status", flat=True))
    assert {"done", "in_progress", "blocked", "not_started"} <= statuses


def test_vendors_have_edfi_experience_and_certifications(seeded):
    assert Vendor.objects.filter(edfi_experience="state_level").exists()
    assert Vendor.objects.filter(edfi_experience="none").exists()
    statuses = set(Certification.objects.values_list("status", flat=True))
    assert {CertificationStatus.CERTIFIED, CertificationStatus.IN_PROGRESS} <= statuses


def test_the_demo_vendor_has_an_overdue_and_a_coming_follow_up(seeded):
    vendor = get_user_model().objects.get(username="vendor").profile.vendor
    follow_ups = FollowUp.objects.filter(touchpoint__vendor=vendor, done_on__isnull=True)
    today = timezone.localdate()
    assert follow_ups.filter(due_on__lt=today).exists()
    assert follow_ups.filter(due_on__gt=today).exists()


def test_one_credential_expires_soon_and_one_was_revoked_after_a_leak(seeded):
    today = timezone.localdate()
    active = APICredential.objects.filter(revoked_on__isnull=True)
    assert (
        active.filter(expires_on__gte=today, expires_on__lte=today + timedelta(days=30)).count()
        == 1
    )
    revoked = APICredential.objects.get(revoked_on__isnull=False)
    incident = revoked.incidents.get()
    assert incident.secret_matched is True
    assert revoked.revocation_reason == "leak reported"


def test_the_mapping_plan_has_approved_in_review_and_draft_rows(seeded):
    statuses = set(ElementMapping.objects.values_list("status", flat=True))
    assert statuses == {MappingStatus.APPROVED, MappingStatus.IN_REVIEW, MappingStatus.DRAFT}
    for mapping in ElementMapping.objects.filter(status=MappingStatus.APPROVED):
        assert (mapping.submitted_by.username, mapping.approved_by.username) == ("sea", "sea2")
        assert mapping.targets.exists()


def test_the_parallel_cycle_has_two_finished_runs_with_discrepancies_in_triage(seeded):
    cycle = CollectionCycle.objects.get()
    runs = list(cycle.runs.order_by("number"))
    assert [run.state for run in runs] == [RunState.COMPLETE, RunState.COMPLETE]
    assert runs[1].previous_run == runs[0]
    statuses = set(runs[1].groups.values_list("status", flat=True))
    assert TriageStatus.OPEN in statuses and len(statuses) >= 3
    assert runs[1].groups.filter(responsible_party="vendor").exists()


def test_every_demo_login_works_with_the_published_password(seeded, client):
    for username, *_ in DEMO_USERS:
        page = client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD})
        assert page.status_code == 302, username
        client.logout()
