"""The toolkit checklist moves by itself: each evidence rule, once its evidence appears,
completes its task on the next read; a person may still mark a task done with a note."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from leas.models import CohortKind
from leas.services import save_cohort_version
from rolloutplanner.evidence import EvidenceRule, judge_evidence, registered_kinds
from rolloutplanner.roles import Role
from rolloutplanner.timeline.step_evidence import STEP_EVIDENCE, step_evidence
from tests.factories import LEAFactory
from tests.leas.factories import CohortFactory, ReadinessItemFactory
from tests.mapping.factories import CoverageRunFactory
from tests.parallel.factories import LEARunSummaryFactory, ReconciliationRunFactory
from tests.usecases import factories as f
from usecases import models as m
from usecases.checklist_evidence import CHECKLIST_EVIDENCE
from usecases.selectors.checklist import checklist_progress
from usecases.services.checklist import mark_checklist_task_done, reopen_checklist_task

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def toolkit_checklist_loaded(db):
    """The migration preloads the checklist, but a transactional test elsewhere may have
    flushed it; loading is idempotent."""
    from django.apps import apps

    from usecases.services.seed import load_checklist

    load_checklist(apps.get_model)


def state_of(user, number: str) -> str:
    return next(row for row in checklist_progress(user=user) if row.task.number == number).state


def test_every_kind_named_by_a_rule_table_is_registered_by_an_app():
    named = {rule.kind for rule in (*CHECKLIST_EVIDENCE.values(), *STEP_EVIDENCE.values())}
    assert named <= registered_kinds()


def test_every_checklist_number_with_a_rule_is_a_preloaded_task():
    assert set(CHECKLIST_EVIDENCE) <= set(m.ChecklistTask.objects.values_list("number", flat=True))


def test_an_approved_use_case_completes_task_1_1(sea_user):
    assert state_of(sea_user, "1.1") == "not_started"
    document = f.PlanningDocumentFactory(title="Part B child count")
    assert state_of(sea_user, "1.1.1") == "not_started"

    m.PlanningDocument.objects.filter(pk=document.pk).update(status=m.DocumentStatus.APPROVED)

    rows = {row.task.number: row for row in checklist_progress(user=sea_user)}
    assert rows["1.1"].state == rows["1.1.1"].state == rows["1.1.2"].state == "done_by_evidence"
    assert rows["1.1"].evidence.url == document.get_absolute_url()
    assert "Part B child count" in rows["1.1"].evidence.found


def test_a_use_case_in_stakeholder_review_completes_only_the_presenting_activity(sea_user):
    f.PlanningDocumentFactory(status=m.DocumentStatus.STAKEHOLDER_REVIEW)
    assert state_of(sea_user, "1.1.1") == "done_by_evidence"
    assert state_of(sea_user, "1.1.2") == "not_started"
    assert state_of(sea_user, "1.1") == "in_progress"


def test_an_approved_scope_completes_task_1_3(sea_user):
    f.ScopeDocumentFactory(status=m.DocumentStatus.APPROVED)
    assert state_of(sea_user, "1.3") == "done_by_evidence"


def test_a_closed_self_assessment_round_completes_task_1_2_1(sea_user):
    item = f.AssessmentItemFactory()
    second = f.AssessmentItemFactory(dimension=item.dimension)
    round_ = f.AssessmentRoundFactory(instrument=item.dimension.instrument)
    m.AgreedRating.objects.create(round=round_, item=item, level=2)
    assert state_of(sea_user, "1.2.1") == "not_started"  # one item still without agreement

    m.AgreedRating.objects.create(round=round_, item=second, level=3)

    assert state_of(sea_user, "1.2.1") == "done_by_evidence"


def test_data_flows_and_data_stewards_complete_their_activities(sea_user):
    f.DataFlowFactory()
    f.StakeholderFactory(category=m.StakeholderCategory.DATA_STEWARD)
    assert state_of(sea_user, "1.2.2") == "done_by_evidence"
    assert state_of(sea_user, "2.1.2") == "done_by_evidence"
    assert state_of(sea_user, "2.1.1") == "not_started"  # three stakeholders asked


def test_a_communication_plan_completes_task_2_2(sea_user):
    f.CommunicationItemFactory(active=False)
    assert state_of(sea_user, "2.2") == "not_started"
    f.CommunicationItemFactory()
    assert state_of(sea_user, "2.2") == "done_by_evidence"


def test_a_saved_pilot_cohort_completes_task_2_4(world, sea_user):
    cohort = CohortFactory(kind=CohortKind.PILOT)
    assert state_of(sea_user, "2.4") == "not_started"
    save_cohort_version(cohort=cohort, leas=[world.own_lea], user=sea_user, explanation={})
    assert state_of(sea_user, "2.4") == "done_by_evidence"


def test_coverage_above_the_threshold_completes_task_3_1_and_can_fall_back(sea_user):
    CoverageRunFactory(mapped_percent=79.9)
    assert state_of(sea_user, "3.1") == "not_started"
    CoverageRunFactory(mapped_percent=85)
    assert state_of(sea_user, "3.1") == "done_by_evidence"
    CoverageRunFactory(mapped_percent=60)  # the latest run decides, not the best
    assert state_of(sea_user, "3.1") == "not_started"


def test_a_parallel_run_within_tolerance_completes_task_4_2_3(world, sea_user):
    run = ReconciliationRunFactory()
    LEARunSummaryFactory(run=run, lea=world.own_lea, within_tolerance=True)
    LEARunSummaryFactory(run=run, lea=world.other_lea, within_tolerance=False)
    assert state_of(sea_user, "4.2.3") == "not_started"

    again = ReconciliationRunFactory(cycle=run.cycle)
    LEARunSummaryFactory(run=again, lea=world.own_lea, within_tolerance=True)
    LEARunSummaryFactory(run=again, lea=world.other_lea, within_tolerance=True)

    assert state_of(sea_user, "4.2.3") == "done_by_evidence"


def test_a_step_is_done_when_all_its_tasks_are(sea_user):
    f.PlanningDocumentFactory(status=m.DocumentStatus.APPROVED)
    f.ScopeDocumentFactory(status=m.DocumentStatus.APPROVED)
    assert state_of(sea_user, "1") == "in_progress"
    item = f.AssessmentItemFactory()
    round_ = f.AssessmentRoundFactory(instrument=item.dimension.instrument)
    m.AgreedRating.objects.create(round=round_, item=item, level=2)
    assert state_of(sea_user, "1") == "done_by_parts"


def test_pilot_readiness_share_completes_the_onboarding_step(world, sea_user):
    cohort = CohortFactory(kind=CohortKind.PILOT)
    save_cohort_version(cohort=cohort, leas=[world.own_lea], user=sea_user, explanation={})
    item = ReadinessItemFactory(lea=world.own_lea, key="credentials-received")
    ReadinessItemFactory(lea=world.other_lea, key="credentials-received")  # not in the pilot
    assert not step_evidence(code="3.2", user=sea_user).met
    item.status = "done"
    item.save()
    evidence = step_evidence(code="3.2", user=sea_user)
    assert evidence.met and evidence.found == "1 of 1 pilot LEAs done (100%)."
    assert step_evidence(code="9.9", user=sea_user) is None


def test_an_unknown_evidence_kind_is_an_error(sea_user):
    with pytest.raises(LookupError):
        judge_evidence(EvidenceRule("no_such_kind"), user=sea_user)


def test_evidence_a_coordinator_may_not_see_does_not_count_for_them(world):
    LEAFactory()
    ReadinessItemFactory(lea=world.other_lea, key="first-data-sent", status="done")
    coordinator = world.users[Role.LEA_COORDINATOR]
    rule = EvidenceRule("readiness_share", {"key": "first-data-sent", "percent": 50})
    assert judge_evidence(rule, user=world.users[Role.SEA_TEAM]).found.startswith("1 of 3")
    assert judge_evidence(rule, user=coordinator).found == "0 of 1 LEAs done (0%)."


def test_a_task_without_evidence_is_marked_done_by_hand_with_a_note(sea_user):
    task = m.ChecklistTask.objects.get(number="4.1.2")
    mark_checklist_task_done(
        task=task, user=sea_user, note="Generate 12.1 installed on the test box"
    )
    task.refresh_from_db()
    assert (task.status, task.done_by, task.done_note) == (
        "done",
        sea_user,
        "Generate 12.1 installed on the test box",
    )
    assert state_of(sea_user, "4.1.2") == "done_by_hand"
    assert task.history.first().history_change_reason.startswith("marked done: Generate")
    reopen_checklist_task(task=task, user=sea_user)
    assert state_of(sea_user, "4.1.2") == "in_progress"
    assert task.history.count() >= 2


def test_marking_done_needs_a_note(sea_user):
    task = m.ChecklistTask.objects.get(number="4.1.2")
    with pytest.raises(ValidationError):
        mark_checklist_task_done(task=task, user=sea_user, note="  ")


@pytest.mark.parametrize("role", [Role.LEADERSHIP, Role.LEA_COORDINATOR, Role.VENDOR_CONTACT])
def test_leadership_and_scoped_roles_may_not_mark_a_task_done(world, role):
    task = m.ChecklistTask.objects.get(number="4.1.2")
    with pytest.raises(PermissionDenied):
        mark_checklist_task_done(task=task, user=world.users[role], note="done")
    task.refresh_from_db()
    assert task.status == "not_started"


def test_checklist_page_shows_evidence_with_its_link_and_marks_by_hand(client, sea_user):
    document = f.PlanningDocumentFactory(status=m.DocumentStatus.APPROVED, title="Child count")
    client.force_login(sea_user)
    page = client.get(reverse("usecases:checklisttask-list"))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Done: evidence found" in body and document.get_absolute_url() in body
    task = m.ChecklistTask.objects.get(number="4.3.1")
    response = client.post(
        reverse("usecases:checklisttask-done", args=[task.pk]), {"note": "Held on 3 March"}
    )
    assert response.status_code == 302
    body = client.get(reverse("usecases:checklisttask-list") + "?show=done").content.decode()
    assert "Held on 3 March" in body and "Done: marked by hand" in body


def test_leadership_sees_the_checklist_but_may_not_mark_it(client, world):
    leader = world.users[Role.LEADERSHIP]
    client.force_login(leader)
    page = client.get(reverse("usecases:checklisttask-list"))
    assert page.status_code == 200 and b"Mark done" not in page.content
    task = m.ChecklistTask.objects.get(number="4.3.1")
    response = client.post(reverse("usecases:checklisttask-done", args=[task.pk]), {"note": "x"})
    assert response.status_code == 403
    task.refresh_from_db()
    assert task.status == "not_started"


def test_home_tile_counts_are_the_rows_its_links_list(client, sea_user):
    from usecases.dashboard_panels import toolkit_checklist

    f.PlanningDocumentFactory(status=m.DocumentStatus.APPROVED)
    tile = toolkit_checklist(sea_user)
    done, open_ = tile.counts
    assert done.count == 1 and done.count + open_.count == 13
    client.force_login(sea_user)
    for count in tile.counts:
        body = client.get(count.url).content.decode()
        assert body.count('class="checklist-task"') == count.count


def test_api_lists_progress_and_marks_done_with_a_note(api_client, world, sea_user):
    f.PlanningDocumentFactory(status=m.DocumentStatus.APPROVED)
    api_client.force_authenticate(sea_user)
    rows = {r["number"]: r for r in api_client.get("/api/v1/checklist-tasks/progress/").json()}
    assert rows["1.1"]["state"] == "done_by_evidence" and rows["1.1"]["evidence"]["met"]
    assert rows["4.1.2"]["evidence"] is None
    task = m.ChecklistTask.objects.get(number="4.1.2")
    url = f"/api/v1/checklist-tasks/{task.pk}/mark-done/"
    assert api_client.post(url, {"note": ""}, format="json").status_code == 400
    response = api_client.post(url, {"note": "Installed"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "done"

    api_client.force_authenticate(world.users[Role.LEADERSHIP])
    other = m.ChecklistTask.objects.get(number="4.3.1")
    refused = api_client.post(
        f"/api/v1/checklist-tasks/{other.pk}/mark-done/", {"note": "x"}, format="json"
    )
    assert refused.status_code == 403
    other.refresh_from_db()
    assert other.status == "not_started"


def test_checklist_page_lists_the_rollout_steps_and_their_evidence(client, sea_user):
    from rolloutplanner.timeline.step_evidence import rollout_step_progress

    steps = {step.code: step for step in rollout_step_progress(user=sea_user)}
    assert set(steps) == set(STEP_EVIDENCE)
    client.force_login(sea_user)
    body = client.get(reverse("usecases:checklisttask-list")).content.decode()
    assert "Rollout steps and the evidence that completes them" in body
    assert steps["2.4"].evidence.asked in body
