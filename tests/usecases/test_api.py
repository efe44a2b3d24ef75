"""The API: workflow actions, reviewer comments, diff, ratings, and a valid OpenAPI schema."""

import datetime

import pytest
from django.urls import reverse

from rolloutplanner.roles import Role
from tests.usecases import factories as f
from usecases import models as m

DUE = (datetime.date.today() + datetime.timedelta(days=4)).isoformat()


def _post(api_client, user, name, pk, data=None):
    api_client.force_authenticate(user)
    return api_client.post(
        reverse(f"api:planningdocument-{name}", args=[pk]), data or {}, format="json"
    )


@pytest.mark.django_db
def test_workflow_through_the_api(api_client, world):
    team, leader = world.users[Role.SEA_TEAM], world.users[Role.LEADERSHIP]
    vendor_user = world.users[Role.VENDOR_CONTACT]
    reviewer = f.StakeholderFactory(user=vendor_user, vendor=world.own_vendor)
    api_client.force_authenticate(team)
    created = api_client.post(
        reverse("api:planningdocument-list"),
        {"kind": "scope", "title": "Project scope"},
        format="json",
    )
    assert created.status_code == 201, created.data
    pk = created.data["id"]
    assert [s["heading"] for s in created.data["sections"]][
        0
    ] == "Objectives and Projected Timeline"

    refused = _post(api_client, leader, "approve", pk)
    assert refused.status_code == 400
    assert "Cannot approve" in str(refused.data)

    sent = _post(api_client, team, "send-for-review", pk, {"reviewers": [reviewer.pk], "due": DUE})
    assert sent.status_code == 200 and sent.data["status"] == "stakeholder_review"

    section_id = created.data["sections"][0]["id"]
    api_client.force_authenticate(vendor_user)
    comment = api_client.post(
        reverse("api:sectioncomment-list"),
        {"section": section_id, "body": "Add the vendor timeline."},
        format="json",
    )
    assert comment.status_code == 201, comment.data
    api_client.force_authenticate(world.users[Role.LEA_COORDINATOR])
    not_named = api_client.post(
        reverse("api:sectioncomment-list"), {"section": section_id, "body": "Me too"}, format="json"
    )
    assert not_named.status_code == 403

    api_client.force_authenticate(vendor_user)
    resolve_url = reverse("api:sectioncomment-resolve", args=[comment.data["id"]])
    assert (
        api_client.post(resolve_url, {"resolution": "accepted"}, format="json").status_code == 403
    )
    api_client.force_authenticate(team)
    assert (
        api_client.post(resolve_url, {"resolution": "accepted"}, format="json").status_code == 200
    )

    assert _post(api_client, team, "mark-revised", pk).data["status"] == "revised"
    assert _post(api_client, team, "send-for-leadership-review", pk).status_code == 200
    assert _post(api_client, team, "approve", pk).status_code == 403
    approval = _post(api_client, leader, "approve", pk, {"comment": "Fine"})
    assert approval.status_code == 200
    assert approval.data["version"] == 1 and approval.data["decided_by"] == leader.pk
    assert _post(api_client, leader, "reopen", pk).status_code == 403
    assert _post(api_client, team, "reopen", pk).data["version"] == 2

    api_client.force_authenticate(team)
    patched = api_client.patch(
        reverse("api:documentsection-detail", args=[section_id]),
        {"body": "Child count and exiting in 2027."},
        format="json",
    )
    assert patched.status_code == 200
    diff = api_client.get(reverse("api:planningdocument-diff", args=[pk]), {"from": 1, "to": 2})
    assert diff.status_code == 200
    changed = next(d for d in diff.data if d["heading"] == "Objectives and Projected Timeline")
    assert changed["status"] == "changed"
    assert ["+", "Child count and exiting in 2027."] in changed["lines"]
    other = api_client.post(
        reverse("api:planningdocument-list"), {"kind": "use_case", "title": "Other"}, format="json"
    )
    assert other.status_code == 201  # its version 1 must not show below
    versions = api_client.get(reverse("api:documentversion-list"), {"document": pk})
    assert [v["number"] for v in versions.data["results"]] == [1, 2]
    approvals = api_client.get(reverse("api:approval-list"), {"document": pk})
    assert [a["kind"] for a in approvals.data["results"]] == ["approved"]


@pytest.mark.django_db
def test_document_fields_frozen_under_review_via_api(api_client, world):
    team = world.users[Role.SEA_TEAM]
    document = f.PlanningDocumentFactory()
    _post(
        api_client,
        team,
        "send-for-review",
        document.pk,
        {"reviewers": [f.StakeholderFactory().pk], "due": DUE},
    )
    response = api_client.patch(
        reverse("api:planningdocument-detail", args=[document.pk]),
        {"title": "Changed"},
        format="json",
    )
    assert response.status_code == 400
    risk = api_client.post(
        reverse("api:risk-list"), {"document": document.pk, "description": "Late"}, format="json"
    )
    assert risk.status_code == 400
    assert "in stakeholder review" in str(risk.data)


@pytest.mark.django_db
def test_ratings_through_the_api(api_client, world):
    team = world.users[Role.SEA_TEAM]
    item = f.AssessmentItemFactory()
    round_ = f.AssessmentRoundFactory(instrument=item.dimension.instrument)
    api_client.force_authenticate(team)
    url = reverse("api:rating-list")
    first = api_client.post(url, {"round": round_.pk, "item": item.pk, "level": 2}, format="json")
    assert first.status_code == 201 and first.data["rater"] == team.pk
    invalid = api_client.post(url, {"round": round_.pk, "item": item.pk, "level": 5}, format="json")
    assert invalid.status_code == 400
    other_item = f.AssessmentItemFactory()
    wrong = api_client.post(
        url, {"round": round_.pk, "item": other_item.pk, "level": 2}, format="json"
    )
    assert wrong.status_code == 400
    api_client.force_authenticate(world.users[Role.LEADERSHIP])
    assert (
        api_client.post(
            url, {"round": round_.pk, "item": item.pk, "level": 3}, format="json"
        ).status_code
        == 403
    )
    assert m.Rating.objects.count() == 1


@pytest.mark.django_db
def test_openapi_schema_is_valid_and_lists_planning_endpoints(api_client, world):
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.validation import validate_schema

    schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)
    paths = schema["paths"]
    for path in [
        "/api/v1/planning-documents/{id}/approve/",
        "/api/v1/planning-documents/{id}/diff/",
        "/api/v1/section-comments/",
        "/api/v1/stakeholders/",
        "/api/v1/data-flows/",
        "/api/v1/decisions/",
        "/api/v1/communications/",
        "/api/v1/assessment-rounds/",
        "/api/v1/checklist-tasks/",
    ]:
        assert path in paths, path


@pytest.mark.django_db
def test_data_requirement_links_state_elements_from_the_mapping(api_client, world):
    from tests.mapping.factories import StateElementFactory
    from usecases.exporters.content import document_content

    element = StateElementFactory(name="Exit Reason")
    document = f.PlanningDocumentFactory()
    api_client.force_authenticate(world.users[Role.SEA_TEAM])
    response = api_client.post(
        reverse("api:datarequirement-list"),
        {
            "document": document.pk,
            "source_name": "Exiting collection",
            "elements": "Exit reason",
            "state_elements": [element.pk],
        },
        format="json",
    )
    assert response.status_code == 201, response.data
    requirement = m.DataRequirement.objects.get()
    assert list(requirement.state_elements.all()) == [element]
    rows = next(b for b in document_content(document).blocks if b.heading == "Data Required")
    assert rows.tables[0].rows == [["Exiting collection", "Exit reason", str(element)]]
