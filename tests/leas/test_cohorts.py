"""Pilot cohort selection: coverage, the deterministic suggestion, saved versions."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from leas.models import CohortVersion
from leas.services import save_cohort_version, suggest_cohort
from leas.services.cohorts import coverage, size_band
from rolloutplanner.roles import Role
from tests.factories import LEAFactory, VendorFactory
from tests.leas.factories import CohortFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def state():
    """Twelve LEAs: eight alike plus four that each carry strata nobody else has."""
    sis_a = VendorFactory(name="Alpha SIS")
    sis_b = VendorFactory(name="Beta SIS")
    common = dict(
        enrollment=3000,
        capacity="moderate",
        urbanicity="town",
        region="Central",
        poverty_level="moderate",
        sis_vendor=sis_a,
    )
    leas = [LEAFactory(state_lea_id=f"1{n:04d}", **common) for n in range(8)]
    leas.append(
        LEAFactory(
            state_lea_id="20001",
            **{**common, "urbanicity": "city", "enrollment": 60000, "capacity": "high"},
        )
    )
    leas.append(
        LEAFactory(
            state_lea_id="20002",
            **{
                **common,
                "urbanicity": "rural",
                "enrollment": 400,
                "capacity": "low",
                "region": "North",
            },
        )
    )
    leas.append(
        LEAFactory(
            state_lea_id="20003", **{**common, "poverty_level": "very_high", "sis_vendor": sis_b}
        )
    )
    leas.append(
        LEAFactory(state_lea_id="20004", **{**common, "region": "North", "urbanicity": "rural"})
    )
    return leas


def test_size_bands():
    assert size_band(None) == "(not recorded)"
    assert size_band(999).startswith("Very small")
    assert size_band(1000).startswith("Small")
    assert size_band(25000).startswith("Large")


def test_suggestion_covers_every_stratum_and_explains_each_pick(state):
    suggestion = suggest_cohort(size=4)
    ids = [lea.state_lea_id for lea in suggestion.leas]
    # The three LEAs with unique strata come first; the rest are a deterministic tie-break.
    assert set(ids[:3]) == {"20001", "20002", "20003"}
    assert all(not c.missing for c in suggestion.coverage)
    first = suggestion.picks[0]
    assert first.reason.startswith(f"Adds {len(first.new_strata)} uncovered strata")
    assert "Urbanicity: City" in suggestion.picks[0].reason or any(
        "Urbanicity: City" in p.reason for p in suggestion.picks
    )
    assert set(suggestion.explanation()) == set(ids)


def test_suggestion_is_deterministic(state):
    runs = {tuple(lea.pk for lea in suggest_cohort(size=5).leas) for _ in range(3)}
    assert len(runs) == 1


def test_must_include_and_exclude_are_honoured(state):
    required, excluded = state[0], state[8]  # exclude the only city LEA
    suggestion = suggest_cohort(size=3, must_include=[required], exclude=[excluded])
    assert suggestion.leas[0] == required
    assert suggestion.picks[0].reason.startswith("Required.")
    assert excluded not in suggestion.leas
    urbanicity = next(c for c in suggestion.coverage if c.criterion.name == "urbanicity")
    assert urbanicity.missing == ["City"]


def test_bad_inputs_are_refused(state):
    with pytest.raises(ValidationError):
        suggest_cohort(size=0)
    with pytest.raises(ValidationError, match="both required and excluded"):
        suggest_cohort(size=2, must_include=[state[0]], exclude=[state[0]])
    with pytest.raises(ValidationError, match="2 LEAs are required"):
        suggest_cohort(size=1, must_include=state[:2])


def test_coverage_compares_cohort_with_state_shares(state):
    rows = coverage(state=state, cohort=[state[0], state[8]])
    urbanicity = next(c for c in rows if c.criterion.name == "urbanicity")
    town = next(r for r in urbanicity.rows if r.value == "Town")
    assert (town.state_count, town.cohort_count) == (9, 1)
    assert town.state_share == pytest.approx(0.75) and town.cohort_share == pytest.approx(0.5)
    assert urbanicity.missing == ["Rural"]


def test_saved_versions_are_numbered_and_kept(state, sea_user):
    cohort = CohortFactory(kind="pilot")
    first = save_cohort_version(cohort=cohort, leas=state[:2], user=sea_user)
    second = save_cohort_version(cohort=cohort, leas=state[2:5], note="Added rural")
    assert (first.number, second.number) == (1, 2)
    assert cohort.current_version == second
    assert list(first.leas.all()) == list(state[:2]) or set(first.leas.all()) == set(state[:2])
    with pytest.raises(ValidationError):
        save_cohort_version(cohort=cohort, leas=[])


def test_builder_page_suggests_and_saves(client, world, state, sea_user):
    cohort = CohortFactory(name="Spring pilot")
    client.force_login(sea_user)
    url = reverse("leas:cohort-builder")
    response = client.get(url, {"size": 3, "suggest": "1"})
    assert response.status_code == 200
    picks = response.context["suggestion"].picks
    assert len(picks) == 3
    assert b"Missing" in response.content or b"Covered" in response.content
    post = {"cohort": cohort.pk, "leas": [p.lea.pk for p in picks], "note": "first cut"}
    post.update({f"why_{p.lea.state_lea_id}": p.reason for p in picks})
    response = client.post(url, post)
    assert response.status_code == 302
    version = CohortVersion.objects.get(cohort=cohort)
    assert version.explanation[picks[0].lea.state_lea_id] == picks[0].reason
    detail = client.get(cohort.get_absolute_url())
    assert detail.status_code == 200 and picks[0].reason.encode() in detail.content


def test_builder_is_for_the_sea_team_only(client, world):
    for role in (Role.LEA_COORDINATOR, Role.VENDOR_CONTACT, Role.LEADERSHIP):
        client.force_login(world.users[role])
        assert client.get(reverse("leas:cohort-builder")).status_code == 403


def test_suggest_and_version_api(api_client, world, state, sea_user):
    api_client.force_authenticate(sea_user)
    response = api_client.post(
        reverse("api:cohort-suggest"), {"size": 4, "exclude": [state[8].pk]}, format="json"
    )
    assert response.status_code == 200, response.data
    assert len(response.data["picks"]) == 4
    assert response.data["missing"]["urbanicity"] == ["City"]
    cohort = CohortFactory()
    response = api_client.post(
        reverse("api:cohort-versions", args=[cohort.pk]),
        {"leas": [p["lea"] for p in response.data["picks"]], "note": "api"},
        format="json",
    )
    assert response.status_code == 201 and response.data["number"] == 1
    api_client.force_authenticate(world.users[Role.LEA_COORDINATOR])
    denied = api_client.post(reverse("api:cohort-suggest"), {"size": 2}, format="json")
    assert denied.status_code == 403
    denied = api_client.post(reverse("api:cohort-versions", args=[cohort.pk]), {}, format="json")
    assert denied.status_code == 404
