"""Self-assessment: default instrument, spread and agreed rating, comparison across rounds."""

import xml.etree.ElementTree as ET

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from rolloutplanner.roles import Role
from tests.factories import make_user
from tests.usecases import factories as f
from usecases import models as m
from usecases.diagrams import progress_chart
from usecases.selectors.assessment import compare_rounds, rater_count, round_results
from usecases.services.assessment import agree_rating, rate_item


@pytest.mark.django_db
def test_default_instrument_checklist_and_decisions_are_preloaded():
    # The data migration runs these loaders; run them again (idempotent) because transactional
    # tests elsewhere in the session flush migration data.
    from django.apps import apps

    from usecases.services.seed import load_checklist, load_decisions, load_default_instrument

    for _ in range(2):
        load_checklist(apps.get_model)
        load_default_instrument(apps.get_model)
        load_decisions(apps.get_model)
    assert m.Instrument.objects.count() == 1 and m.Decision.objects.count() == 8
    instrument = m.Instrument.objects.get(name="IDEA Part B data-integration self-assessment")
    titles = list(instrument.dimensions.values_list("title", flat=True))
    assert titles == [
        "Data governance policies and procedures",
        "Communication processes",
        "Current alignment of data to be integrated",
        "Staff resources available to support data integration",
    ]
    item = m.AssessmentItem.objects.filter(dimension__instrument=instrument).first()
    assert all(text for _, text in item.level_descriptions())
    assert m.ChecklistTask.objects.filter(level="step").count() == 5
    assert m.ChecklistTask.objects.filter(level="task").count() == 13
    activity = m.ChecklistTask.objects.get(number="1.1.2")
    assert activity.parent.number == "1.1" and "Part B Data Manager" in activity.guidance
    decisions = m.Decision.objects.values_list("category", "title")
    assert ("architecture", "Closed API vs database access") in decisions
    assert sum(1 for c, _ in decisions if c == "pre_planning") == 5


@pytest.fixture
def two_items(db):
    dimension = f.DimensionFactory(title="Communication processes")
    return dimension, [
        f.AssessmentItemFactory(dimension=dimension, text="Shared calendar", position=0),
        f.AssessmentItemFactory(dimension=dimension, text="LEA notices", position=1),
    ]


@pytest.mark.django_db
def test_spread_and_agreed_rating(world, two_items):
    dimension, (calendar, notices) = two_items
    round_ = f.AssessmentRoundFactory(instrument=dimension.instrument)
    raters = [
        world.users[Role.SEA_TEAM],
        make_user(Role.SEA_TEAM, username="analyst"),
        world.users[Role.ADMINISTRATOR],
    ]
    for rater, level in zip(raters, [1, 3, 2], strict=True):
        rate_item(round=round_, item=calendar, rater=rater, level=level)
    rate_item(round=round_, item=calendar, rater=raters[0], level=2)  # a rater changes their mind
    agree_rating(round=round_, item=calendar, user=raters[0], level=2, rationale="Middle ground")
    with pytest.raises(ValidationError, match="Collect"):
        agree_rating(round=round_, item=notices, user=raters[0], level=3)
    result = round_results(round_)[0]
    calendar_result = result.items[0]
    assert calendar_result.levels == [2, 2, 3]
    assert calendar_result.spread == 1 and not calendar_result.needs_discussion
    assert calendar_result.agreed == 2
    assert result.items[1].levels == [] and result.items[1].spread is None
    assert rater_count(round_) == 3
    assert result.agreed_mean == 2


@pytest.mark.django_db
def test_rating_rules(world, two_items):
    dimension, (calendar, _) = two_items
    round_ = f.AssessmentRoundFactory(instrument=dimension.instrument)
    with pytest.raises(PermissionDenied):
        rate_item(round=round_, item=calendar, rater=world.users[Role.LEADERSHIP], level=2)
    with pytest.raises(ValidationError):
        rate_item(round=round_, item=calendar, rater=world.users[Role.SEA_TEAM], level=0)
    other_round = f.AssessmentRoundFactory()
    with pytest.raises(ValidationError, match="not part"):
        rate_item(round=other_round, item=calendar, rater=world.users[Role.SEA_TEAM], level=2)


@pytest.mark.django_db
def test_rounds_compared_with_chart_and_moved_items(client, world, two_items):
    dimension, (calendar, notices) = two_items
    team = world.users[Role.SEA_TEAM]
    before = f.AssessmentRoundFactory(instrument=dimension.instrument, name="Baseline")
    after = f.AssessmentRoundFactory(instrument=dimension.instrument, name="After project")
    for round_, levels in [(before, (1, 2)), (after, (3, 2))]:
        for item, level in zip((calendar, notices), levels, strict=True):
            rate_item(round=round_, item=item, rater=team, level=level)
            agree_rating(round=round_, item=item, user=team, level=level)
    comparison = compare_rounds([before, after])
    assert comparison["series"] == {"Communication processes": [1.5, 2.5]}
    assert [(mv.item.text, mv.before, mv.after) for mv in comparison["moved"]] == [
        ("Shared calendar", 1, 3)
    ]
    svg = progress_chart(["Baseline", "After project"], comparison["series"])
    root = ET.fromstring(svg)
    assert root.find("{http://www.w3.org/2000/svg}title").text.startswith("Agreed level")
    assert root.find(".//{http://www.w3.org/2000/svg}polyline") is not None

    client.force_login(world.users[Role.LEA_COORDINATOR])
    page = client.get(
        reverse("usecases:assessmentround-compare"), {"rounds": [before.pk, after.pk]}
    ).content.decode()
    assert "<svg" in page and "text alternative of the chart" in page
    assert "Shared calendar" in page and "up 2" in page
    assert comparison["item_series"]["Communication processes"]["Shared calendar"] == [1, 3]
    assert page.count("<svg") == 2  # overall chart + one per dimension
    assert "Communication processes: agreed level per item and round" in page


@pytest.mark.django_db
def test_chart_escapes_names():
    svg = progress_chart(["<script>"], {"A & B": [2.0]})
    ET.fromstring(svg)  # well-formed
    assert "<script>" not in svg
