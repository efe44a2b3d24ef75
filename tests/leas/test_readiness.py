"""Readiness and people kept by LEA coordinators for their own LEA only."""

import pytest
from django.urls import reverse

from leas.models import LEAPerson, ReadinessItem
from leas.services import READINESS_CHECKLIST, ensure_readiness_checklist
from rolloutplanner.roles import Role
from tests.leas.factories import LEAPersonFactory, ReadinessItemFactory

pytestmark = pytest.mark.django_db


def test_checklist_is_created_once_per_lea(world):
    assert ensure_readiness_checklist(leas=[world.own_lea]) == len(READINESS_CHECKLIST)
    item = ReadinessItem.objects.get(lea=world.own_lea, key="credentials-received")
    item.status = "done"
    item.save()
    assert ensure_readiness_checklist(leas=[world.own_lea, world.other_lea]) == len(
        READINESS_CHECKLIST
    )
    item.refresh_from_db()
    assert item.status == "done"
    phases = list(
        ReadinessItem.objects.filter(lea=world.own_lea).order_by("order").values_list("phase")
    )
    assert phases[0] == ("prepare",) and phases[-1] == ("parallel",)


def test_coordinator_updates_own_readiness_on_the_lea_page(client, world):
    ensure_readiness_checklist(leas=[world.own_lea, world.other_lea])
    client.force_login(world.users[Role.LEA_COORDINATOR])
    page = client.get(world.own_lea.get_absolute_url())
    assert page.status_code == 200
    assert b"Readiness (0 of 9 done)" in page.content
    item = ReadinessItem.objects.get(lea=world.own_lea, key="first-data-sent")
    edit = reverse("leas:readinessitem-edit", args=[item.pk])
    assert edit.encode() in page.content
    response = client.post(
        edit, {"status": "done", "status_on": "2026-10-02", "evidence_note": "ODS load #12"}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.evidence_note) == ("done", "ODS load #12")
    other = ReadinessItem.objects.get(lea=world.other_lea, key="first-data-sent")
    assert client.post(reverse("leas:readinessitem-edit", args=[other.pk]), {}).status_code == 404
    assert client.get(world.other_lea.get_absolute_url()).status_code == 404


def test_coordinator_may_not_rewrite_the_checklist_item_by_api(api_client, world):
    item = ReadinessItemFactory(lea=world.own_lea, title="SIS configured")
    api_client.force_authenticate(world.users[Role.LEA_COORDINATOR])
    url = reverse("api:readinessitem-detail", args=[item.pk])
    response = api_client.patch(url, {"title": "Something easier"}, format="json")
    assert response.status_code == 400
    response = api_client.patch(url, {"lea": world.other_lea.pk}, format="json")
    assert response.status_code == 400
    item.refresh_from_db()
    assert (item.title, item.lea) == ("SIS configured", world.own_lea)


def test_coordinator_cannot_move_a_person_to_another_lea(client, api_client, world):
    person = LEAPersonFactory(lea=world.own_lea)
    user = world.users[Role.LEA_COORDINATOR]
    api_client.force_authenticate(user)
    url = reverse("api:leaperson-detail", args=[person.pk])
    assert api_client.patch(url, {"lea": world.other_lea.pk}, format="json").status_code == 400
    client.force_login(user)
    edit = reverse("leas:leaperson-edit", args=[person.pk])
    client.post(
        edit,
        {"lea": world.other_lea.pk, "name": "Kept", "reporting_role": "it", "hours_period": "week"},
    )
    person.refresh_from_db()
    assert (person.lea, person.name) == (world.own_lea, "Kept")


def test_add_form_offers_only_own_leas(client, world):
    client.force_login(world.users[Role.LEA_COORDINATOR])
    response = client.get(reverse("leas:leaperson-add"), {"lea": world.own_lea.pk})
    choices = list(response.context["form"].fields["lea"].queryset)
    assert choices == [world.own_lea]


def test_turnover_is_visible(client, world, sea_user):
    LEAPersonFactory(lea=world.own_lea, name="Ada Left", left_on="2026-06-30")
    LEAPersonFactory(lea=world.own_lea, name="Ben Here")
    client.force_login(sea_user)
    content = client.get(world.own_lea.get_absolute_url()).content.decode()
    assert "Ada Left" in content and "2026" in content and "still here" in content
    assert LEAPerson.objects.current().count() == 1


def test_sea_team_lists_readiness_filtered_and_sorted(api_client, world, sea_user):
    ensure_readiness_checklist(leas=[world.own_lea, world.other_lea])
    ReadinessItem.objects.filter(lea=world.other_lea, key="sis-configured").update(status="done")
    api_client.force_authenticate(sea_user)
    response = api_client.get(
        reverse("api:readinessitem-list"), {"status": "done", "ordering": "lea"}
    )
    assert [row["lea"] for row in response.data["results"]] == [world.other_lea.pk]
    api_client.force_authenticate(world.users[Role.LEA_COORDINATOR])
    response = api_client.get(reverse("api:readinessitem-list"))
    assert {row["lea"] for row in response.data["results"]} == {world.own_lea.pk}


def test_a_new_lea_gets_the_checklist_from_page_and_api(client, api_client, world, sea_user):
    client.force_login(sea_user)
    client.post(reverse("leas:lea-add"), {"name": "Page SD", "state_lea_id": "80001"})
    api_client.force_authenticate(sea_user)
    api_client.post(
        reverse("api:lea-list"), {"name": "API SD", "state_lea_id": "80002"}, format="json"
    )
    for state_id in ("80001", "80002"):
        items = ReadinessItem.objects.filter(lea__state_lea_id=state_id)
        assert items.count() == len(READINESS_CHECKLIST)


def test_sea_team_sorts_leas_by_readiness(api_client, world, sea_user):
    ensure_readiness_checklist(leas=[world.own_lea, world.other_lea])
    ReadinessItem.objects.filter(lea=world.other_lea).update(status="done")
    api_client.force_authenticate(sea_user)
    response = api_client.get(reverse("api:lea-list"), {"ordering": "-readiness_done"})
    rows = response.data["results"]
    assert [row["name"] for row in rows] == ["Other District", "Own District"]
    assert (rows[0]["readiness_done"], rows[0]["readiness_total"]) == (9, 9)


def test_readiness_phases_carry_the_timeline_phase_names():
    from leas.models import RolloutPhase
    from rolloutplanner.timeline.template import ROLLOUT_TEMPLATE

    timeline = {f"Phase {phase.number} – {phase.name}" for phase in ROLLOUT_TEMPLATE}
    for phase in RolloutPhase:
        assert phase.label.split(":")[0] in timeline, phase.label
