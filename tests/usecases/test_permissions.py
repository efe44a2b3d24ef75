"""Permission matrix of the planning documents, pages and API together.

Documents and registers are shared-read for every role; only the SEA team (and administrators)
edit them. Leadership approves through workflow actions (tested in test_workflow and
test_api), never by editing. LEA coordinators and vendor contacts read, and comment only where
named reviewers (test_api).
"""

import datetime

import pytest

from rolloutplanner.roles import Role
from tests.support.permission_matrix import ALL, Target, check_case, matrix_cases
from tests.usecases import factories as f
from usecases import models as m

SHARED = {
    Role.SEA_TEAM: ALL,
    Role.ADMINISTRATOR: ALL,
    Role.LEADERSHIP: "V",
    Role.LEA_COORDINATOR: "V",
    Role.VENDOR_CONTACT: "V",
}


def _stakeholder(world, obj=None):
    return {
        "name": "Renamed" if obj else "Data Governance Coordinator",
        "category": "data_governance",
        "influence": "high",
        "preferred_channel": "email",
    }


def _system(world, obj=None):
    return {
        "name": "Renamed SIS" if obj else "New IEP system",
        "system_type": "iep",
        "owner": "SPED office",
        "hosting": "cloud",
        "vendor": world.own_vendor.pk,
    }


def _flow(world, obj=None):
    source, target = (
        (obj.source, obj.target) if obj else (f.DataSystemFactory(), f.DataSystemFactory())
    )
    return {
        "source": source.pk,
        "target": target.pk,
        "data": "Exit records",
        "method": "file",
        "frequency": "annual",
    }


def _document(world, obj=None):
    if obj:
        return {"title": "Renamed use case", "timeline_phase": "Phase 1"}
    return {"kind": "use_case", "title": "Local operational use"}


def _risk(world, obj=None):
    document = obj.document if obj else f.PlanningDocumentFactory()
    return {
        "document": document.pk,
        "description": "Budget cut",
        "likelihood": "low",
        "impact": "high",
        "mitigation": "Phase the work",
    }


def _requirement(world, obj=None):
    document = obj.document if obj else f.PlanningDocumentFactory()
    return {"document": document.pk, "source_name": "Exiting collection", "elements": "Exit reason"}


def _impact(world, obj=None):
    document = obj.document if obj else f.PlanningDocumentFactory()
    stakeholder = obj.stakeholder if obj else f.StakeholderFactory()
    return {"document": document.pk, "stakeholder": stakeholder.pk, "impact": "Less manual work"}


def _scope_item(world, obj=None):
    document = obj.document if obj else f.ScopeDocumentFactory()
    return {"document": document.pk, "category": "deliverable", "text": "Exiting file"}


def _decision(world, obj=None):
    return {
        "category": "other",
        "title": "Renamed" if obj else "SIS certification",
        "status": "decided",
        "decision": "Certify",
        "decided_on": "2026-01-15",
    }


def _communication(world, obj=None):
    return {
        "audience": "LEA directors",
        "message": "Timeline update",
        "channel": "E-mail",
        "owner": "PM",
        "next_date": str(datetime.date.today()),
        "active": True,
    }


def _checklist(world, obj=None):
    return {
        "number": obj.number if obj else "9.9",
        "level": "task",
        "title": "Renamed task",
        "status": "done",
        "position": 99,
    }


def _instrument(world, obj=None):
    return {
        "name": "Renamed" if obj else "Second instrument",
        "level_1_label": "None",
        "level_2_label": "Some",
        "level_3_label": "Most",
        "level_4_label": "All",
    }


def _dimension(world, obj=None):
    instrument = obj.instrument if obj else f.InstrumentFactory()
    return {"instrument": instrument.pk, "title": "Staff resources", "position": 1}


def _item(world, obj=None):
    dimension = obj.dimension if obj else f.DimensionFactory()
    return {
        "dimension": dimension.pk,
        "text": "Named stewards",
        "level_1": "a",
        "level_2": "b",
        "level_3": "c",
        "level_4": "d",
        "position": 1,
    }


def _round(world, obj=None):
    instrument = obj.instrument if obj else f.InstrumentFactory()
    return {"instrument": instrument.pk, "name": "After the project", "held_on": "2027-06-01"}


def _section(world, obj):
    return {"heading": obj.heading, "body": "Edited text"}


def _target(name, make, basename, payload, allowed=SHARED, has_pages=True):
    return Target(
        name=name,
        make=make,
        api_basename=basename,
        change_payload=payload,
        create_payload=payload,
        allowed=allowed,
        has_pages=has_pages,
    )


TARGETS = [
    _target("stakeholder", lambda w: f.StakeholderFactory(), "stakeholder", _stakeholder),
    _target("data-system", lambda w: f.DataSystemFactory(), "datasystem", _system),
    _target("data-flow", lambda w: f.DataFlowFactory(), "dataflow", _flow),
    _target("use-case", lambda w: f.PlanningDocumentFactory(), "planningdocument", _document),
    _target("risk", lambda w: f.RiskFactory(), "risk", _risk),
    _target(
        "data-requirement", lambda w: f.DataRequirementFactory(), "datarequirement", _requirement
    ),
    _target(
        "stakeholder-impact", lambda w: f.StakeholderImpactFactory(), "stakeholderimpact", _impact
    ),
    _target("scope-item", lambda w: f.ScopeItemFactory(), "scopeitem", _scope_item),
    _target("decision", lambda w: f.DecisionFactory(), "decision", _decision),
    _target(
        "communication", lambda w: f.CommunicationItemFactory(), "communicationitem", _communication
    ),
    _target("checklist-task", lambda w: f.ChecklistTaskFactory(), "checklisttask", _checklist),
    _target("instrument", lambda w: f.InstrumentFactory(), "instrument", _instrument),
    _target("dimension", lambda w: f.DimensionFactory(), "dimension", _dimension),
    _target("assessment-item", lambda w: f.AssessmentItemFactory(), "assessmentitem", _item),
    _target("assessment-round", lambda w: f.AssessmentRoundFactory(), "assessmentround", _round),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("target", "role", "action", "allowed"), matrix_cases(TARGETS))
def test_permission_matrix(client, api_client, world, target, role, action, allowed):
    check_case(client, api_client, world, target, role, action, allowed)


ROLES = [
    Role.SEA_TEAM,
    Role.LEADERSHIP,
    Role.LEA_COORDINATOR,
    Role.VENDOR_CONTACT,
    Role.ADMINISTRATOR,
]
SECTION_EDITORS = {Role.SEA_TEAM, Role.ADMINISTRATOR}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_sections_are_read_by_all_and_edited_by_the_team(client, api_client, world, role):
    """Sections have no add/delete of their own: view and change only."""
    from django.urls import reverse

    user = world.users[role]
    client.force_login(user)
    api_client.force_authenticate(user)
    section = f.section_of(f.PlanningDocumentFactory())
    api_url = reverse("api:documentsection-detail", args=[section.pk])
    assert api_client.get(api_url).status_code == 200
    assert (
        client.get(reverse("usecases:documentsection-detail", args=[section.pk])).status_code == 200
    )
    allowed = role in SECTION_EDITORS
    page = client.post(
        reverse("usecases:documentsection-edit", args=[section.pk]), _section(world, section)
    )
    assert page.status_code == (302 if allowed else 403)
    api = api_client.patch(api_url, {"body": "API text"}, format="json")
    assert api.status_code == (200 if allowed else 403)
    section.refresh_from_db()
    assert (section.body == "API text") is allowed
    assert api_client.delete(api_url).status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_notifications_are_private_to_their_recipient(api_client, world, role):
    from django.urls import reverse

    owner = world.users[Role.LEA_COORDINATOR]
    note = m.Notification.objects.create(recipient=owner, message="Please review")
    api_client.force_authenticate(world.users[role])
    response = api_client.get(reverse("api:notification-detail", args=[note.pk]))
    assert response.status_code == (200 if role == Role.LEA_COORDINATOR else 404)
