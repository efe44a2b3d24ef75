"""The data team's views: charts, the paginated sortable LEA list, trends across runs, filtered
differences and their download, the run API's progress; and what an LEA coordinator is denied."""

import csv
import datetime
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from leas.models import LEA
from parallel import charts, selectors
from parallel.models import DifferenceCause, DiscrepancyKind, DownloadLog, RunState
from rolloutplanner.models import Job
from rolloutplanner.roles import Role
from tests.parallel.factories import (
    CollectionCycleFactory,
    DiscrepancyFactory,
    DiscrepancyGroupFactory,
    LEARunSummaryFactory,
    ReconciliationRunFactory,
    shipped_definition,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(world):
    """Two cycles of one report: run 1 complete, run 2 failed, run 3 (next cycle) complete."""
    definition = shipped_definition()
    first = CollectionCycleFactory(report_definition=definition, name="Fall 2025",
                                   snapshot_date=datetime.date(2025, 10, 1))  # fmt: skip
    second = CollectionCycleFactory(report_definition=definition, name="Fall 2026",
                                    snapshot_date=datetime.date(2026, 10, 1))  # fmt: skip
    run1 = ReconciliationRunFactory(cycle=first, number=1)
    run2 = ReconciliationRunFactory(cycle=first, number=2, state=RunState.FAILED,
                                    errors=["legacy.csv line 3: bad date"])  # fmt: skip
    run3 = ReconciliationRunFactory(cycle=second, number=1)
    world.own_lea.urbanicity = "rural"
    world.own_lea.save()
    world.other_lea.urbanicity = "city"
    world.other_lea.save()
    for run, own, other in ((run1, 90, 40), (run3, 97.5, 42.25)):
        LEARunSummaryFactory(run=run, lea=world.own_lea, match_rate=own, within_tolerance=True)
        LEARunSummaryFactory(run=run, lea=world.other_lea, match_rate=other, matched_records=40)
    return {"cycles": (first, second), "runs": (run1, run2, run3)}


def _many_leas(run, count):
    leas = LEA.objects.bulk_create(
        LEA(name=f"Bulk District {i:03d}", state_lea_id=f"B{i:04d}", urbanicity="town")
        for i in range(count)
    )
    for index, lea in enumerate(leas):
        LEARunSummaryFactory(run=run, lea=lea, match_rate=50 + (index % 50))
    return leas


def _data_table(html: str, caption: str) -> str:
    start = html.index(f"<caption>{caption}")
    return html[start : html.index("</table>", start)]


# Charts ---------------------------------------------------------------------------------------


def test_dashboard_draws_three_charts_with_data_tables(client, world, history):
    client.force_login(world.users[Role.SEA_TEAM])

    response = client.get(reverse("parallel:dashboard"), {"cycle": history["cycles"][1].pk})

    html = response.content.decode()
    for key in ("distribution", "worst", "stratum"):
        assert '<svg class="chart"' in html and f'aria-labelledby="chart-{key}-title"' in html
    bands = {row["label"]: row["leas"] for row in selectors.match_rate_distribution(
        response.context["summaries"].paginator.object_list)}  # fmt: skip
    assert bands["95–98 % (under 98)"] == 1 and bands["0–50 % (under 50)"] == 1
    distribution = _data_table(html, "How many LEAs fall in each match-rate band")
    assert re.search(r"95–98 % \(under 98\)</th><td>1 LEAs", distribution)
    worst = _data_table(html, "The 2 LEAs with the lowest match rate")
    assert worst.index("Other District") < worst.index("Own District")
    assert "42.25 %" in worst and "97.5 %" in worst
    by_stratum = _data_table(html, "Match rate by LEA urbanicity: LEAs")
    assert re.search(r"City</th><td>1</td><td>42.25 %", by_stratum)
    assert re.search(r"Rural</th><td>1</td><td>97.50 %", by_stratum)


def test_stratum_chart_follows_the_chosen_stratum(client, world, history):
    client.force_login(world.users[Role.SEA_TEAM])

    response = client.get(
        reverse("parallel:dashboard"), {"cycle": history["cycles"][1].pk, "stratum": "capacity"}
    )

    assert response.context["stratum_chart"].title == "Match rate by LEA capacity"
    assert [row["label"] for row in response.context["stratum_rows"]] == ["Moderate"]


def test_charts_of_a_coordinator_hold_only_their_lea(client, world, history):
    client.force_login(world.users[Role.LEA_COORDINATOR])

    dashboard = client.get(reverse("parallel:dashboard"), {"cycle": history["cycles"][1].pk})
    run_page = client.get(history["runs"][2].get_absolute_url())

    for response in (dashboard, run_page):
        html = response.content.decode()
        assert "Own District" in html and "Other District" not in html
        assert [bar.label for bar in response.context["worst_chart"].bars] == ["Own District"]
        assert sum(bar.value for bar in response.context["distribution_chart"].bars) == 1
        assert [row["label"] for row in response.context["stratum_rows"]] == ["Rural"]
        assert response.context["run_match_rate"] == 98.0  # own LEA only: 98 of 100


# The LEA list ---------------------------------------------------------------------------------


def test_lea_list_is_paginated_never_every_lea_on_one_page(client, world, history):
    run = history["runs"][2]
    _many_leas(run, 120)
    client.force_login(world.users[Role.SEA_TEAM])

    first = client.get(run.get_absolute_url())
    last = client.get(run.get_absolute_url(), {"page": 3})

    assert (
        len(first.context["summaries"]) == 50 and first.context["summaries"].paginator.count == 122
    )
    assert "page 1 of 3" in first.content.decode()
    assert len(last.context["summaries"]) == 22
    assert 'aria-label="Pages"' in first.content.decode() and "page=2" in first.content.decode()


def test_lea_list_sorts_by_column_and_keeps_filters_in_links(client, world, history):
    client.force_login(world.users[Role.SEA_TEAM])
    url = reverse("parallel:dashboard")
    cycle = history["cycles"][1].pk

    default = client.get(url, {"cycle": cycle})
    by_name = client.get(url, {"cycle": cycle, "ordering": "-lea"})
    best_first = client.get(url, {"cycle": cycle, "ordering": "-match_rate"})
    searched = client.get(url, {"cycle": cycle, "q": "own"})

    assert [s.lea.name for s in default.context["summaries"]] == ["Other District", "Own District"]
    assert [s.lea.name for s in by_name.context["summaries"]] == ["Own District", "Other District"]
    assert [float(s.match_rate) for s in best_first.context["summaries"]] == [97.5, 42.25]
    assert [s.lea for s in searched.context["summaries"]] == [world.own_lea]
    html = best_first.content.decode()
    assert 'aria-sort="descending"><a href="?cycle=' in html
    assert "ordering=match_rate" in html  # clicking again reverses
    assert "Match rate per LEA, sorted by match rate, descending" in html


def test_lea_list_draws_a_trend_that_skips_the_failed_run(client, world, history):
    client.force_login(world.users[Role.SEA_TEAM])

    response = client.get(reverse("parallel:dashboard"), {"cycle": history["cycles"][1].pk})

    own = next(s for s in response.context["summaries"] if s.lea == world.own_lea)
    line = own.sparkline
    assert [p.point.rate for p in line.points] == [90.0, None, 97.5]
    assert len(line.segments) == 2  # the failed run breaks the line: no point at 0 %
    assert all(p.y is None for p in line.points if p.point.rate is None)
    assert "Fall 2025 run 2: Failed: no result" in line.description
    assert line.change == "▲ up 7.50 points"
    assert f'aria-label="{line.description}"' in response.content.decode()


def test_trend_points_never_turn_a_missing_result_into_zero(world, history):
    cancelled = ReconciliationRunFactory(cycle=history["cycles"][1], number=2,
                                         state=RunState.CANCELLED)  # fmt: skip
    ReconciliationRunFactory(cycle=history["cycles"][1], number=3, state=RunState.RUNNING)
    newcomer = LEA.objects.create(name="New District", state_lea_id="N0001")

    runs = selectors.definition_runs(user=world.users[Role.SEA_TEAM],
                                     definition=history["cycles"][0].report_definition)  # fmt: skip
    trends = selectors.lea_trends(user=world.users[Role.SEA_TEAM],
                                  leas=[world.own_lea, newcomer], runs=runs)  # fmt: skip
    statewide = selectors.statewide_trend(user=world.users[Role.SEA_TEAM], runs=runs)

    assert [r.pk for r in runs][-1] == cancelled.pk  # running runs are left out
    assert [p.note for p in trends[world.own_lea.pk]] == ["", "Failed: no result", "",
                                                          "Cancelled: no result"]  # fmt: skip
    assert [p.rate for p in trends[newcomer.pk]] == [None] * 4
    assert {p.note for p in trends[newcomer.pk]} >= {"Not in this run"}
    assert [p.rate for p in statewide] == [69.0, None, 69.0, None]
    line = charts.trend_line(trends[newcomer.pk], key="n", name="New")
    assert line.segments == [] and line.last is None


def test_lea_results_page_shows_the_trend_and_its_gaps(client, world, history):
    run3 = history["runs"][2]
    client.force_login(world.users[Role.LEA_COORDINATOR])

    response = client.get(reverse("parallel:lea-results", args=[run3.pk, world.own_lea.pk]))

    html = response.content.decode()
    table = _data_table(html, "Trend: match rate across runs of this report: data")
    assert "90.00 %" in table and "97.50 %" in table
    assert "Failed: no result (not plotted)" in table
    assert 'role="img" aria-labelledby="chart-lea-trend-title chart-lea-trend-desc"' in html


def test_cycle_page_shows_the_statewide_trend(client, world, history):
    client.force_login(world.users[Role.SEA_TEAM])

    response = client.get(history["cycles"][0].get_absolute_url())

    table = _data_table(response.content.decode(), "Trend: records matching, runs of this report")
    assert "69.00 %" in table and "Failed: no result (not plotted)" in table


# Differences: filter and download -------------------------------------------------------------


@pytest.fixture
def differences(world, history):
    run = history["runs"][2]
    mismatch = DiscrepancyGroupFactory(run=run, lea=world.own_lea, field="disability")
    grade = DiscrepancyGroupFactory(run=run, lea=world.own_lea, field="grade")
    only = DiscrepancyGroupFactory(run=run, lea=world.own_lea, field="",
                                   kind=DiscrepancyKind.ONLY_IN_LEGACY)  # fmt: skip
    other = DiscrepancyGroupFactory(run=run, lea=world.other_lea, field="disability")
    rows = {
        "aut": DiscrepancyFactory(
            group=mismatch, student_id="S1", legacy_value="AUT", edfi_value="SLD"
        ),  # fmt: skip
        "formula": DiscrepancyFactory(
            group=mismatch, student_id="S2", legacy_value='=HYPERLINK("x")', edfi_value="EMN"
        ),  # fmt: skip
        "grade": DiscrepancyFactory(
            group=grade, student_id="S3", legacy_value="05", edfi_value="06"
        ),  # fmt: skip
        "only": DiscrepancyFactory(group=only, student_id="S4", legacy_value="", edfi_value=""),
        "other": DiscrepancyFactory(
            group=other, student_id="S9", legacy_value="AUT", edfi_value="DD"
        ),  # fmt: skip
    }
    return run, rows


def _students(response) -> list[str]:
    return sorted(d.student_id for d in response.context["page_obj"])


def test_differences_filter_by_lea_kind_field_and_value(client, world, differences):
    run, _ = differences
    client.force_login(world.users[Role.SEA_TEAM])
    url = reverse("parallel:reconciliationrun-differences", args=[run.pk])

    assert _students(client.get(url)) == ["S1", "S2", "S3", "S4", "S9"]
    assert _students(client.get(url, {"lea": world.other_lea.pk})) == ["S9"]
    assert _students(client.get(url, {"kind": "only_legacy"})) == ["S4"]
    assert _students(client.get(url, {"field": "grade"})) == ["S3"]
    assert _students(client.get(url, {"value": "aut"})) == ["S1", "S9"]
    assert _students(client.get(url, {"value": "SLD"})) == ["S1"]  # the Ed-Fi side too
    assert _students(client.get(url, {"lea": world.own_lea.pk, "value": "AUT"})) == ["S1"]
    page = client.get(url, {"field": "disability", "kind": "mismatch"})
    assert _students(page) == ["S1", "S2", "S9"]
    assert "field=disability" in page.content.decode()  # the download links keep the filter


def test_lea_results_page_filters_its_records(client, world, differences):
    run, _ = differences
    client.force_login(world.users[Role.SEA_TEAM])
    url = reverse("parallel:lea-results", args=[run.pk, world.own_lea.pk])

    assert _students(client.get(url, {"field": "disability"})) == ["S1", "S2"]
    # The page's LEA wins over a ?lea= for another one.
    assert _students(client.get(url, {"lea": world.other_lea.pk, "value": "AUT"})) == ["S1"]


def test_coordinator_never_sees_other_leas_differences(client, world, differences):
    run, _ = differences
    client.force_login(world.users[Role.LEA_COORDINATOR])
    url = reverse("parallel:reconciliationrun-differences", args=[run.pk])

    everything = client.get(url)
    asked_for_other = client.get(url, {"lea": world.other_lea.pk})
    other_results = client.get(reverse("parallel:lea-results", args=[run.pk, world.other_lea.pk]))

    assert _students(everything) == ["S1", "S2", "S3", "S4"]
    assert _students(asked_for_other) == []
    lea_choices = [str(c[1]) for c in everything.context["filterset"].form.fields["lea"].choices]
    assert "Other District" not in lea_choices and "Own District" in lea_choices
    assert other_results.status_code == 404


@pytest.mark.parametrize("role", [Role.LEADERSHIP, Role.VENDOR_CONTACT])
def test_differences_page_is_denied_to_roles_without_student_rows(client, world, differences, role):
    run, _ = differences
    client.force_login(world.users[role])

    response = client.get(reverse("parallel:reconciliationrun-differences", args=[run.pk]))

    assert response.status_code == 403


def test_download_holds_exactly_the_filtered_pairs_and_is_formula_safe(client, world, differences):
    run, _ = differences
    client.force_login(world.users[Role.SEA_TEAM])
    url = reverse("parallel:export", args=[run.pk, "csv"])

    response = client.get(url, {"field": "disability", "kind": "mismatch"})

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == ["LEA_ID", "STUDENT_ID", "KIND", "FIELD", "LEGACY_VALUE", "EDFI_VALUE",
                       "EDFI_RAW_VALUE", "PRODUCED_BY", "CAUSE", "EXPLANATION",
                       "FIRST_SEEN_RUN"]  # fmt: skip
    assert sorted(row[1] for row in rows[1:]) == ["S1", "S2", "S9"]
    formula = next(row for row in rows if row[1] == "S2")
    assert formula[4] == '\'=HYPERLINK("x")' and formula[5] == "EMN"
    log = DownloadLog.objects.get()
    assert log.row_count == 3 and "field=disability" in log.what and "kind=mismatch" in log.what


def test_xlsx_download_by_value(client, world, differences):
    run, _ = differences
    client.force_login(world.users[Role.SEA_TEAM])

    response = client.get(reverse("parallel:export", args=[run.pk, "xlsx"]), {"value": "hyperlink"})

    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert len(values) == 2 and values[1][1] == "S2" and values[1][4] == '\'=HYPERLINK("x")'


def test_coordinator_download_is_denied_other_leas_rows(client, world, differences):
    run, _ = differences
    client.force_login(world.users[Role.LEA_COORDINATOR])
    url = reverse("parallel:export", args=[run.pk, "csv"])

    other = client.get(url, {"lea": world.other_lea.pk})
    everything = client.get(url, {"value": "AUT"})

    assert other.status_code == 404
    rows = list(csv.reader(io.StringIO(b"".join(everything.streaming_content).decode("utf-8-sig"))))
    assert [row[1] for row in rows[1:]] == ["S1"]  # S9 (other LEA) also says AUT


# API ------------------------------------------------------------------------------------------


def test_run_api_shows_progress_and_message_like_the_job_api(api_client, world, history):
    run = history["runs"][2]
    run.state = RunState.RUNNING
    run.job = Job.objects.create(kind="parallel_reconcile", state="running", progress=60,
                                 progress_message="Comparing records")  # fmt: skip
    run.save()
    api_client.force_authenticate(world.users[Role.SEA_TEAM])

    running = api_client.get(reverse("api:reconciliationrun-detail", args=[run.pk])).data
    failed = api_client.get(reverse("api:reconciliationrun-detail",
                                    args=[history["runs"][1].pk])).data  # fmt: skip
    complete = api_client.get(reverse("api:reconciliationrun-detail",
                                      args=[history["runs"][0].pk])).data  # fmt: skip

    assert (running["progress"], running["progress_message"]) == (60, "Comparing records")
    assert running["state"] == "running" and running["state_display"] == "Running"
    assert failed["progress"] == 100 and failed["progress_message"] == "legacy.csv line 3: bad date"
    assert complete["progress"] == 100 and complete["progress_message"] == "Complete"


def test_discrepancy_api_filters_by_field_and_value(api_client, world, differences):
    run, _ = differences
    api_client.force_authenticate(world.users[Role.SEA_TEAM])
    url = reverse("api:discrepancy-list")

    by_field = api_client.get(url, {"run": run.pk, "field": "grade"}).data["results"]
    by_value = api_client.get(url, {"run": run.pk, "value": "aut"}).data["results"]

    assert [d["student_id"] for d in by_field] == ["S3"]
    assert sorted(d["student_id"] for d in by_value) == ["S1", "S9"]


def test_discrepancy_and_summary_api_deny_a_coordinator_other_leas(api_client, world, differences):
    run, _ = differences
    api_client.force_authenticate(world.users[Role.LEA_COORDINATOR])

    asked_for_other = api_client.get(reverse("api:discrepancy-list"), {"lea": world.other_lea.pk})
    by_value = api_client.get(reverse("api:discrepancy-list"), {"value": "AUT"})
    summaries = api_client.get(reverse("api:learunsummary-list"), {"run": run.pk})

    assert asked_for_other.status_code == 400  # not a choice: another LEA is not named
    assert [d["student_id"] for d in by_value.data["results"]] == ["S1"]
    assert [s["lea"] for s in summaries.data["results"]] == [world.own_lea.pk]


def test_production_readiness_is_paginated_too(client, world, history):
    _many_leas(history["runs"][2], 120)
    client.force_login(world.users[Role.SEA_TEAM])
    url = reverse("parallel:dashboard")

    first = client.get(url, {"cycle": history["cycles"][1].pk})
    last = client.get(url, {"cycle": history["cycles"][1].pk, "readiness_page": 3})

    assert len(first.context["readiness"]) == 50 and len(last.context["readiness"]) == 22
    html = first.content.decode()
    assert "1 of 122 LEAs ready." in html and "readiness_page=2" in html
    # The LEA list keeps its own page: the readiness link leaves it alone.
    assert f"?cycle={history['cycles'][1].pk}&amp;readiness_page=2" in html


def test_each_difference_says_why_and_where_its_code_came_from(client, world, differences):
    run, rows = differences
    rows["only"].cause = DifferenceCause.EXCLUDED
    rows["only"].explanation = "not in the population: program not active on 2026-10-01"
    rows["only"].save()
    rows["aut"].edfi_raw = "Specific Learning Disability"
    rows["aut"].mapping_entry = "crosswalk:3"
    rows["aut"].save()
    client.force_login(world.users[Role.SEA_TEAM])

    page = client.get(reverse("parallel:reconciliationrun-differences", args=[run.pk]))

    body = page.content.decode()
    assert (
        "<strong>Present but excluded by a population rule</strong>: not in the population: "
        "program not active on 2026-10-01"
    ) in body
    definition_url = run.cycle.report_definition.get_absolute_url()
    assert (
        f'Specific Learning Disability (<a href="{definition_url}#crosswalk-3">Crosswalk row 3</a>)'
    ) in body
    export = client.get(reverse("parallel:export", args=[run.pk, "csv"]), {"value": "AUT"})
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    assert "Specific Learning Disability,crosswalk:3" in text
