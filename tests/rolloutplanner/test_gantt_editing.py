"""Rescheduling from the Gantt chart: the knock-on preview, the save (reason, change notices,
optimistic concurrency), who may do it, and adding several predecessors at once."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from rolloutplanner import versioning
from rolloutplanner.roles import Role
from rolloutplanner.timeline import services
from rolloutplanner.timeline.critical_path import knock_on
from rolloutplanner.timeline.models import ChangeNotice, Milestone, MilestoneDependency
from tests.rolloutplanner.factories import (
    LEAMilestoneFactory,
    MilestoneDependencyFactory,
    MilestoneFactory,
    VendorMilestoneFactory,
)

pytestmark = pytest.mark.django_db

START = date.today() + timedelta(days=60)


def day(n: int) -> date:
    return START + timedelta(days=n)


@pytest.fixture
def chain():
    """design (0–9) → build (10–19) → pilot (30–39, nine days of slack); rollout after build
    (20–29, none); an unrelated milestone."""
    design = MilestoneFactory(code="D", name="Design", planned_start=day(0), planned_end=day(9))
    build = MilestoneFactory(code="B", name="Build", planned_start=day(10), planned_end=day(19))
    pilot = MilestoneFactory(code="P", name="Pilot", planned_start=day(30), planned_end=day(39))
    rollout = MilestoneFactory(code="R", name="Rollout", planned_start=day(20), planned_end=day(29))
    MilestoneFactory(code="U", name="Unrelated", planned_start=day(0), planned_end=day(5))
    MilestoneDependencyFactory(predecessor=design, successor=build)
    MilestoneDependencyFactory(predecessor=build, successor=pilot)
    MilestoneDependencyFactory(predecessor=build, successor=rollout)
    return design, build, pilot, rollout


def reschedule_url(milestone: Milestone) -> str:
    return reverse("rolloutplanner:milestone-reschedule", args=[milestone.pk])


def test_knock_on_lists_the_later_milestones_that_move_and_by_how_much(chain):
    design, build, pilot, rollout = chain

    effect = knock_on(milestone=design, planned_start=day(5), planned_end=day(14))

    moved = {shift.code: shift for shift in effect.moved}
    assert set(moved) == {"B", "R"}  # the pilot's slack absorbs the move; "U" is not after it
    assert (moved["B"].start_after, moved["B"].end_after) == (day(15), day(24))
    assert (moved["B"].start_days, moved["B"].end_days) == (5, 5)
    assert moved["R"].start_days == 5
    assert effect.unchanged == 1
    assert (effect.own.start_after, effect.own.end_after) == (day(5), day(14))
    assert Milestone.objects.get(pk=design.pk).planned_end == day(9)  # nothing written


def test_knock_on_of_an_earlier_end_moves_nothing_that_was_not_pushed(chain):
    design, *_ = chain
    effect = knock_on(milestone=design, planned_start=day(0), planned_end=day(7))
    assert effect.moved == [] and effect.unchanged == 3


def test_the_service_refuses_a_stale_version_and_an_unchanged_plan(world, chain):
    design, *_ = chain
    opened = versioning.version_of(design)
    sea = world.users[Role.SEA_TEAM]
    with pytest.raises(ValidationError, match="nothing moved"):
        services.reschedule_milestone(
            milestone=design, user=sea, planned_start=day(0), planned_end=day(9), reason="x"
        )
    result = services.reschedule_milestone(
        milestone=design,
        user=sea,
        planned_start=day(1),
        planned_end=day(10),
        reason="Design review later",
        version=opened,
    )
    assert [n.reason for n in result.notices] == ["Design review later"]
    with pytest.raises(versioning.StaleVersion):
        services.reschedule_milestone(
            milestone=design,
            user=sea,
            planned_start=day(2),
            planned_end=day(11),
            reason="Again",
            version=opened,
        )
    assert Milestone.objects.get(pk=design.pk).planned_start == day(1)


def test_preview_page_shows_the_knock_on_and_asks_for_the_reason(client, world, chain):
    design, *_ = chain
    client.force_login(world.users[Role.SEA_TEAM])

    response = client.get(
        reschedule_url(design),
        {"planned_start": day(5), "planned_end": day(14)},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body  # the chart's script gets the fragment only
    assert "B Build" in body and "R Rollout" in body and "P Pilot" not in body
    assert "+5" in body
    assert "1 other later milestone keeps its forecast dates" in body
    assert "Change notices go to everybody" in body
    assert 'name="change_reason"' in body and "Reason for the change" in body
    assert versioning.version_of(design) in body


def test_preview_counts_the_later_milestones_with_slack_in_words(client, world, chain):
    _design, build, *_ = chain
    client.force_login(world.users[Role.SEA_TEAM])
    body = client.get(
        reschedule_url(build), {"planned_start": day(10), "planned_end": day(18)}
    ).content.decode()
    assert "2 other later milestones keep their forecast dates" in body
    assert "No later milestone moves." in body


def test_preview_without_script_is_a_page_with_date_fields(client, world, chain):
    design, *_ = chain
    client.force_login(world.users[Role.SEA_TEAM])
    body = client.get(reschedule_url(design)).content.decode()
    assert "<html" in body and 'type="date"' in body and "Show the knock-on effect" in body


def test_preview_refuses_an_end_before_the_start(client, world, chain):
    design, *_ = chain
    client.force_login(world.users[Role.SEA_TEAM])
    response = client.get(reschedule_url(design), {"planned_start": day(5), "planned_end": day(1)})
    assert response.status_code == 400
    assert "cannot be before the planned start" in response.content.decode()


def save(client, milestone, *, reason="Vendor certification slipped", headers=None, **dates):
    data = {
        "planned_start": dates.get("start", day(5)),
        "planned_end": dates.get("end", day(14)),
        "change_reason": reason,
        "_version": dates.get("version", versioning.version_of(milestone)),
        "next": reverse("rolloutplanner:timeline-gantt"),
    }
    return client.post(reschedule_url(milestone), data, headers=headers or {})


def test_saving_needs_a_reason_and_then_notifies_as_a_form_edit_does(client, world):
    sea = world.users[Role.SEA_TEAM]
    milestone = LEAMilestoneFactory(lea=world.own_lea, planned_start=day(0), planned_end=day(9))
    client.force_login(sea)

    refused = save(client, milestone, reason="  ")
    assert refused.status_code == 400
    assert "Say why the planned dates move" in refused.content.decode()
    assert not ChangeNotice.objects.exists()

    response = save(client, milestone, headers={"HX-Request": "true"})

    assert response.status_code == 204
    target = reverse("rolloutplanner:timeline-gantt") + f"#gantt-bar-{milestone.pk}"
    assert response["HX-Redirect"] == target
    milestone.refresh_from_db()
    assert (milestone.planned_start, milestone.planned_end) == (day(5), day(14))
    notice = ChangeNotice.objects.get()
    assert (notice.lea, notice.vendor) == (world.own_lea, None)
    assert (notice.old_start, notice.old_end, notice.new_start, notice.new_end) == (
        day(0),
        day(9),
        day(5),
        day(14),
    )
    assert notice.reason == "Vendor certification slipped" and notice.changed_by == sea
    record = milestone.history.latest()
    assert record.history_change_reason == "Vendor certification slipped"
    assert record.history_user == sea
    page = client.get(reverse("rolloutplanner:timeline-gantt")).content.decode()
    assert "1 change notice created" in page and "see the change notices" in page


def test_a_save_without_the_script_redirects_to_the_chart(client, world, chain):
    design, *_ = chain
    client.force_login(world.users[Role.SEA_TEAM])
    response = save(client, design)
    assert response.status_code == 302
    assert response["Location"] == reverse("rolloutplanner:timeline-gantt")
    assert ChangeNotice.objects.filter(milestone=design, lea=None, vendor=None).count() == 1


def test_a_stale_version_is_refused_with_412_and_names_the_other_change(client, world, chain):
    design, *_ = chain
    opened = versioning.version_of(design)
    other = world.users[Role.ADMINISTRATOR]
    services.update_milestone(
        milestone=Milestone.objects.get(pk=design.pk),
        user=other,
        changes={"planned_end": day(11)},
        reason="Moved by someone else",
    )
    client.force_login(world.users[Role.SEA_TEAM])

    by_field = save(client, design, version=opened)
    by_header = save(
        client, design, version="", headers={"If-Match": f'"{opened}"', "HX-Request": "true"}
    )
    preview = client.get(
        reschedule_url(design),
        {"planned_start": day(5), "planned_end": day(14), "_version": opened},
    )

    for response in (by_field, by_header, preview):
        assert response.status_code == 412
        body = response.content.decode()
        assert "changed this milestone since you opened it" in body
        assert other.get_username() in body or other.get_full_name() in body
    assert Milestone.objects.get(pk=design.pk).planned_end == day(11)
    assert ChangeNotice.objects.filter(reason="Vendor certification slipped").count() == 0
    current = versioning.version_of(Milestone.objects.get(pk=design.pk))
    fresh = save(client, design, version="", headers={"If-Match": f'"{current}"'})
    assert fresh.status_code == 302


def test_leadership_sees_no_edit_affordance_and_is_refused(client, world, chain):
    design, *_ = chain
    client.force_login(world.users[Role.LEADERSHIP])
    page = client.get(reverse("rolloutplanner:timeline-gantt")).content.decode()
    assert "bar-handle" not in page and "gantt-edit.js" not in page
    assert "Reschedule" not in client.get(design.get_absolute_url()).content.decode()

    assert client.get(reschedule_url(design)).status_code == 403
    assert client.get(reschedule_url(design), {"planned_start": day(5)}).status_code == 403
    assert save(client, design).status_code == 403
    assert Milestone.objects.get(pk=design.pk).planned_end == day(9)
    assert not ChangeNotice.objects.exists()


def test_the_sea_team_gets_a_handle_per_bar_and_the_script(client, world, chain):
    client.force_login(world.users[Role.SEA_TEAM])
    page = client.get(reverse("rolloutplanner:timeline-gantt")).content.decode()
    assert page.count('class="bar-handle"') == 5
    assert "gantt-edit.js" in page and 'id="gantt-announce"' in page
    assert 'aria-roledescription="movable bar"' in page and "data-day-width=" in page
    design, *_ = chain
    assert f'data-version="{versioning.version_of(design)}"' in page  # one query for all rows


@pytest.mark.parametrize("role", [Role.LEA_COORDINATOR, Role.VENDOR_CONTACT])
def test_coordinators_and_vendors_may_not_reschedule_even_their_own(client, world, role):
    own = (
        LEAMilestoneFactory(lea=world.own_lea)
        if role == Role.LEA_COORDINATOR
        else VendorMilestoneFactory(vendor=world.own_vendor)
    )
    other = LEAMilestoneFactory(lea=world.other_lea)
    client.force_login(world.users[role])
    page = client.get(reverse("rolloutplanner:timeline-gantt")).content.decode()
    assert str(own) in page and "bar-handle" not in page

    assert client.get(reschedule_url(own)).status_code == 403
    assert save(client, own).status_code == 403
    assert save(client, other).status_code == 404  # out of their scope: not found
    assert not ChangeNotice.objects.exists()


def test_several_predecessors_are_added_at_once(client, world):
    successor, first, second = MilestoneFactory(), MilestoneFactory(), MilestoneFactory()
    client.force_login(world.users[Role.SEA_TEAM])
    detail = client.get(successor.get_absolute_url()).content.decode()
    assert 'name="predecessor"' in detail and 'multiple="multiple"' in detail

    response = client.post(
        reverse("rolloutplanner:milestone-dependency-add", args=[successor.pk]),
        {"predecessor": [first.pk, second.pk]},
        follow=True,
    )

    assert set(successor.predecessors.all()) == {first, second}
    assert "2 dependencies saved." in response.content.decode()


def test_a_cycle_refuses_the_whole_set_and_names_the_cycle(client, world):
    design = MilestoneFactory(code="D", name="Design")
    build = MilestoneFactory(code="B", name="Build")
    pilot = MilestoneFactory(code="P", name="Pilot")
    extra = MilestoneFactory(code="X", name="Extra")
    services.add_dependencies(successor=build, predecessors=[design])
    services.add_dependencies(successor=pilot, predecessors=[build])
    client.force_login(world.users[Role.SEA_TEAM])

    response = client.post(
        reverse("rolloutplanner:milestone-dependency-add", args=[design.pk]),
        {"predecessor": [extra.pk, pilot.pk]},
        follow=True,
    )

    body = response.content.decode()
    assert "Nothing was added." in body
    assert "would close the cycle P Pilot → D Design → B Build → P Pilot" in body
    assert not MilestoneDependency.objects.filter(successor=design).exists()
    with pytest.raises(ValidationError, match="cycle P Pilot → D Design → B Build → P Pilot"):
        services.add_dependencies(successor=design, predecessors=[extra, pilot])
    assert not MilestoneDependency.objects.filter(successor=design).exists()


def test_leadership_may_not_add_dependencies(client, world):
    successor, predecessor = MilestoneFactory(), MilestoneFactory()
    client.force_login(world.users[Role.LEADERSHIP])
    response = client.post(
        reverse("rolloutplanner:milestone-dependency-add", args=[successor.pk]),
        {"predecessor": [predecessor.pk]},
    )
    assert response.status_code == 403
    assert not successor.predecessors.exists()
