"""Pages show values as people read them: labels, Yes/No, durations, names, plural forms."""

import re
from datetime import timedelta

import pytest
from django.apps import apps
from django.template import Context, Template
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from leas.services import suggest_cohort
from leas.services.summary import compute_state_summary
from parallel.filtersets import LEARunSummaryFilterSet
from rolloutplanner.charts import bar_chart
from rolloutplanner.display import readable_duration
from rolloutplanner.roles import Role
from tests.factories import JobFactory, LEAFactory, VendorFactory
from tests.leas.factories import SupportRequestFactory

# Words that are abbreviations, and so never written in lower case in a label.
ACRONYMS = {"lea", "leas", "edfi", "sis", "api", "id", "ids", "url", "sea", "csv", "uri", "sha256"}


@pytest.mark.parametrize(
    "value, expected",
    [
        (timedelta(microseconds=91793), "0.1 s"),
        (timedelta(seconds=12, microseconds=400000), "12 s"),
        (timedelta(minutes=2, seconds=5), "2 min 5 s"),
        (timedelta(minutes=3), "3 min"),
        (timedelta(hours=1, minutes=3, seconds=20), "1 h 3 min"),
        (None, ""),
    ],
)
def test_durations_read_in_seconds_minutes_and_hours(value, expected):
    assert readable_duration(value) == expected


@pytest.mark.django_db
def test_job_page_says_how_long_the_job_took_in_words(client, world):
    user = world.users[Role.SEA_TEAM]
    started = timezone.now()
    job = JobFactory(
        created_by=user,
        state="succeeded",
        progress=100,
        started_at=started,
        finished_at=started + timedelta(microseconds=91793),
    )
    client.force_login(user)

    page = client.get(reverse("job-detail", args=[job.pk])).content.decode()

    assert "took 0.1 s." in page
    assert "0:00:00" not in page


@pytest.mark.django_db
def test_list_cells_show_yes_and_no_for_booleans(client, world):
    SupportRequestFactory(lea=world.own_lea, topic="Resolved one", resolved=True)
    SupportRequestFactory(lea=world.own_lea, topic="Open one", resolved=False)
    client.force_login(world.users[Role.SEA_TEAM])

    page = client.get(reverse("leas:supportrequest-list")).content.decode()

    cells = re.findall(r"<td>([^<]*)</td>", page)
    assert "Yes" in cells and "No" in cells
    assert "True" not in cells and "False" not in cells


@pytest.mark.django_db
def test_list_cells_of_a_choice_field_show_its_label():
    lea = LEAFactory(poverty_level="very_high")

    cell = Template('{% load planner %}{{ lea|attr:"poverty_level" }}').render(
        Context({"lea": lea})
    )

    assert cell == "Very high (over 30%)"


@pytest.mark.django_db
def test_state_summary_names_strata_by_their_labels():
    LEAFactory(poverty_level="very_high", urbanicity="city")

    summary = compute_state_summary(progress=lambda *args: None)

    rows = [row for rows in summary["strata"].values() for row in rows]
    labels = [row["label"] for row in rows]
    assert "Very high (over 30%)" in labels and "City" in labels
    assert "very_high" not in labels and "city" not in labels
    # Clients reading the job's result keep the stored codes.
    assert {"very_high", "city"} <= {row["value"] for row in rows}


@pytest.mark.django_db
def test_history_names_related_objects_and_choice_labels(client, world):
    lea = world.own_lea
    gone = VendorFactory(name="Gone SIS Co")
    for vendor in (world.other_vendor, gone, None):
        lea.sis_vendor = vendor
        lea.poverty_level = "very_high"
        lea.save()
    gone_pk = gone.pk
    gone.delete()
    client.force_login(world.users[Role.SEA_TEAM])

    page = client.get(reverse("leas:lea-history", args=[lea.pk]))

    changes = [
        (change.field, change.old, change.new)
        for _, version_changes in page.context["versions"]
        for change in version_changes
    ]
    label = "Student information system"
    assert (label, str(world.own_vendor), str(world.other_vendor)) in changes, changes
    assert (label, f"#{gone_pk} (deleted)", None) in changes, changes
    assert any(c[0] == "Poverty level" and c[2] == "Very high (over 30%)" for c in changes)
    text = page.content.decode()
    assert str(world.other_vendor) in text and f"#{gone_pk} (deleted)" in text
    assert f"→ {world.other_vendor.pk}<" not in text and "very_high" not in text


def test_field_labels_spell_abbreviations_in_capitals():
    wrong = []
    for model in apps.get_models():
        if model.__name__.startswith("Historical") or model._meta.app_label in {
            "auth",
            "admin",
            "contenttypes",
            "sessions",
            "axes",
        }:
            continue
        for field in model._meta.get_fields():
            if field.auto_created or not hasattr(field, "verbose_name"):
                continue
            if ACRONYMS & set(re.findall(r"[A-Za-z0-9]+", str(field.verbose_name))):
                wrong.append(f"{model._meta.label}.{field.name}: {field.verbose_name!r}")
    assert wrong == []


def test_filters_through_a_relation_are_labelled_with_its_name():
    labels = [field.label for field in LEARunSummaryFilterSet().form]

    assert "LEA urbanicity" in labels
    assert "Lea urbanicity" not in labels


def test_bar_labels_sharing_a_long_prefix_stay_distinct_and_whole_in_their_title():
    names = ["Northern Valley School District Alpha", "Northern Valley School District Beta"]
    chart = bar_chart(
        key="t", title="Readiness", summary="", rows=[(name, 50, "") for name in names]
    )

    shown = [bar.short_label for bar in chart.bars]
    svg = render_to_string("rolloutplanner/timeline/_bar_chart.html", {"chart": chart})

    assert len(set(shown)) == 2
    assert all(len(label) <= 26 for label in shown)
    assert shown[0].endswith("Alpha") and shown[1].endswith("Beta")
    for name, label in zip(names, shown, strict=True):
        assert f"<title>{name}</title>{label}" in svg


@pytest.mark.django_db
def test_a_pick_adding_one_stratum_says_stratum():
    common = dict(
        enrollment=3000,
        capacity="moderate",
        urbanicity="town",
        region="Central",
        poverty_level="moderate",
        sis_vendor=VendorFactory(name="Alpha SIS"),
    )
    LEAFactory(state_lea_id="10001", **common)
    LEAFactory(state_lea_id="10002", **{**common, "region": "North"})

    reasons = [pick.reason for pick in suggest_cohort(size=2).picks]

    assert "Adds 1 uncovered stratum: Locality (region): North." in reasons, reasons
    assert not any("1 uncovered strata" in reason for reason in reasons)


@pytest.mark.django_db
def test_counts_on_pages_use_singular_and_plural(client, world):
    html = render_to_string(
        "leas/_coverage.html",
        {
            "coverage": [
                {
                    "criterion": {"label": "Region"},
                    "covered_count": 1,
                    "rows": [{"label": "North", "covered": True}],
                    "missing": [],
                }
            ]
        },
    )

    assert "1 of 1 stratum covered" in html
    assert "strata" not in html
