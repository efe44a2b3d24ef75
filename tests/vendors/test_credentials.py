"""API credentials: secrets only as salted fingerprints, leaks, rotation flags, claim sets."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from rolloutplanner.celery import app as celery_app
from rolloutplanner.roles import Role
from tests.vendors.factories import APICredentialFactory, ClaimSetFactory
from vendors import services
from vendors.models import APICredential, CredentialIncident

pytestmark = pytest.mark.django_db

SECRET = "s3cr3t-VALUE-that-must-never-be-stored"


def _stored_anywhere(credential, secret) -> bool:
    """Whether the clear secret appears in the credential row or any of its history rows."""
    rows = [APICredential.objects.filter(pk=credential.pk).values().get()]
    rows += list(credential.history.values())
    return any(secret in str(value) for row in rows for value in row.values())


def test_secret_is_kept_only_as_a_salted_fingerprint():
    first, second = APICredentialFactory(), APICredentialFactory()
    services.set_credential_secret(credential=first, secret=SECRET)
    services.set_credential_secret(credential=second, secret=SECRET)
    first.refresh_from_db()
    second.refresh_from_db()
    assert not _stored_anywhere(first, SECRET)
    assert first.secret_fingerprint != second.secret_fingerprint  # salted
    assert services.secret_matches(credential=first, secret=SECRET) is True
    assert services.secret_matches(credential=first, secret="other") is False
    assert services.secret_matches(credential=APICredentialFactory(), secret=SECRET) is None


def test_api_accepts_a_secret_but_never_returns_it(api_client, world, sea_user):
    claim_set = ClaimSetFactory()
    api_client.force_authenticate(sea_user)
    response = api_client.post(
        reverse("api:apicredential-list"),
        {
            "application_name": "Assessment loader",
            "key": "assess0001",
            "vendor": world.own_vendor.pk,
            "leas": [world.own_lea.pk],
            "claim_set": claim_set.pk,
            "school_year": 2027,
            "issued_on": "2026-07-01",
            "secret": SECRET,
        },
        format="json",
    )
    assert response.status_code == 201, response.data
    assert "secret" not in response.data and "secret_fingerprint" not in response.data
    assert response.data["has_secret_fingerprint"] is True
    credential = APICredential.objects.get(key="assess0001")
    assert not _stored_anywhere(credential, SECRET)
    detail = api_client.get(reverse("api:apicredential-detail", args=[credential.pk]))
    assert SECRET not in str(detail.data) and credential.secret_fingerprint not in str(detail.data)


def test_credential_form_page_fingerprints_the_secret(client, world, sea_user):
    credential = APICredentialFactory(vendor=world.own_vendor)
    client.force_login(sea_user)
    form = client.get(reverse("vendors:apicredential-edit", args=[credential.pk]))
    assert b'type="password"' in form.content
    response = client.post(
        reverse("vendors:apicredential-edit", args=[credential.pk]),
        {
            "application_name": credential.application_name,
            "key": credential.key,
            "claim_set": credential.claim_set_id,
            "data_standard": "5.2",
            "school_year": 2027,
            "issued_on": "2026-07-01",
            "secret": SECRET,
        },
    )
    assert response.status_code == 302
    credential.refresh_from_db()
    assert services.secret_matches(credential=credential, secret=SECRET)
    page = client.get(credential.get_absolute_url())
    assert SECRET.encode() not in page.content
    assert credential.secret_fingerprint.encode() not in page.content
    assert b"Secret fingerprint: recorded" in page.content


def test_report_leak_revokes_records_incident_and_sets_replacement_task(world):
    credential = APICredentialFactory(vendor=world.own_vendor)
    services.set_credential_secret(credential=credential, secret=SECRET)
    today = datetime.date(2026, 10, 1)
    incident = services.report_leak(
        credential=credential,
        description="Posted in a public repo",
        leaked_secret=SECRET,
        today=today,
    )
    credential.refresh_from_db()
    assert credential.revoked_on == today and credential.revocation_reason == "leak reported"
    assert incident.secret_matched is True
    assert incident.replacement_due_on == datetime.date(2026, 10, 8)
    assert not _stored_anywhere(credential, SECRET)
    successor = services.rotate_credential(
        credential=credential, new_key="replacement01", issued_on=today
    )
    assert successor.rotated_from == credential and successor.revoked_on is None


def test_vendor_contact_reports_a_leak_of_their_own_credential_only(api_client, world):
    own = APICredentialFactory(vendor=world.own_vendor)
    other = APICredentialFactory(vendor=world.other_vendor)
    api_client.force_authenticate(world.users[Role.VENDOR_CONTACT])
    body = {"description": "Sent by e-mail in clear"}
    url = reverse("api:apicredential-report-leak", args=[own.pk])
    assert api_client.post(url, body, format="json").status_code == 201
    url = reverse("api:apicredential-report-leak", args=[other.pk])
    assert api_client.post(url, body, format="json").status_code == 404
    assert CredentialIncident.objects.filter(credential=other).count() == 0
    incidents = api_client.get(reverse("api:credentialincident-list")).data["results"]
    assert [row["credential"] for row in incidents] == [own.pk]


def test_report_leak_page(client, world, sea_user):
    credential = APICredentialFactory()
    client.force_login(sea_user)
    url = reverse("vendors:apicredential-report-leak", args=[credential.pk])
    assert client.post(url, {"description": ""}).status_code == 400
    response = client.post(url, {"description": "Screenshot shared", "leaked_secret": "x"})
    assert response.status_code == 302
    credential.refresh_from_db()
    assert credential.revoked_on is not None
    incident = CredentialIncident.objects.get(credential=credential)
    assert incident.secret_matched is None  # no fingerprint was recorded to compare with
    client.force_login(world.users[Role.LEA_COORDINATOR])
    assert client.get(url).status_code == 404


def test_rotation_flags_expiry_and_rollover_once_and_emails_owners():
    today = datetime.date(2027, 6, 10)
    expiring = APICredentialFactory(expires_on=datetime.date(2027, 6, 20), school_year=2028)
    rollover = APICredentialFactory(expires_on=None, school_year=2027, owner_email="")
    later = APICredentialFactory(expires_on=datetime.date(2027, 12, 31), school_year=2028)
    revoked = APICredentialFactory(expires_on=datetime.date(2027, 6, 11), revoked_on=today)
    with_commit = services.flag_credentials_for_rotation(today=today, window_days=30)
    assert (with_commit.flagged, with_commit.emailed) == (2, 1)
    for credential in (expiring, rollover, later, revoked):
        credential.refresh_from_db()
    assert expiring.rotation_reason == "expires on 2027-06-20"
    assert rollover.rotation_reason == "school year 2027 rolls over on 2027-07-01"
    assert later.rotation_flagged_on is None and revoked.rotation_flagged_on is None
    again = services.flag_credentials_for_rotation(today=today, window_days=30)
    assert (again.flagged, again.emailed) == (0, 0)


def test_rotation_email_is_sent_after_commit(django_capture_on_commit_callbacks):
    APICredentialFactory(expires_on=datetime.date(2027, 6, 20), owner_email="it@lea.example.org")
    with django_capture_on_commit_callbacks(execute=True):
        services.flag_credentials_for_rotation(today=datetime.date(2027, 6, 10))
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["it@lea.example.org"]
    assert "expires on 2027-06-20" in mail.outbox[0].body


def test_rotation_is_on_the_beat_schedule():
    entry = celery_app.conf.beat_schedule["flag-credentials-for-rotation"]
    assert entry["task"] == "vendors.tasks.flag_credentials_for_rotation"
    import vendors.tasks  # noqa: F401  (registers the task)

    assert entry["task"] in celery_app.tasks
    assert "fail-stale-jobs" in celery_app.conf.beat_schedule  # the platform's entry is kept


def test_rotation_dashboard_lists_flagged_credentials_in_scope(client, world):
    own = APICredentialFactory(vendor=world.own_vendor, expires_on=datetime.date.today())
    other = APICredentialFactory(vendor=world.other_vendor, expires_on=datetime.date.today())
    services.flag_credentials_for_rotation()
    client.force_login(world.users[Role.VENDOR_CONTACT])
    response = client.get(reverse("vendors:apicredential-rotation"))
    assert response.status_code == 200
    assert response.context["flagged"] == [own]
    assert other.key.encode() not in response.content


def test_claim_set_gaps_flag_systems_that_cannot_write_what_they_must(api_client, world):
    claim_set = ClaimSetFactory(writable_resources=["students", "studentSchoolAssociations"])
    credential = APICredentialFactory(vendor=world.own_vendor, claim_set=claim_set)
    APICredentialFactory(vendor=world.other_vendor, claim_set=claim_set, revoked_on="2026-01-01")
    required = {
        world.own_vendor.pk: ["students", "studentSpecialEducationProgramAssociations"],
        world.other_vendor.pk: ["staff"],
    }
    gaps = services.claim_set_gaps(required_by_vendor=required)
    assert [(g.credential, g.missing) for g in gaps] == [
        (credential, ["studentSpecialEducationProgramAssociations"])
    ]
    api_client.force_authenticate(world.users[Role.SEA_TEAM])
    response = api_client.post(
        reverse("api:claimset-check"),
        {"required": {str(k): v for k, v in required.items()}},
        format="json",
    )
    assert response.status_code == 200
    assert response.data[0]["missing"] == ["studentSpecialEducationProgramAssociations"]


def test_rotate_api_issues_successor_and_closes_the_leak_incident(api_client, world, sea_user):
    credential = APICredentialFactory(vendor=world.own_vendor, leas=[world.own_lea])
    incident = services.report_leak(credential=credential, description="Pasted in chat")
    url = reverse("api:apicredential-rotate", args=[credential.pk])
    api_client.force_authenticate(world.users[Role.VENDOR_CONTACT])
    assert api_client.post(url, {"new_key": "x", "issued_on": "2026-10-02"}).status_code == 403
    api_client.force_authenticate(sea_user)
    response = api_client.post(
        url,
        {"new_key": "newkey9999", "issued_on": "2026-10-02", "secret": SECRET},
        format="json",
    )
    assert response.status_code == 201, response.data
    successor = APICredential.objects.get(key="newkey9999")
    assert successor.rotated_from == credential
    assert list(successor.leas.all()) == [world.own_lea]
    assert services.secret_matches(credential=successor, secret=SECRET)
    incident.refresh_from_db()
    assert incident.replacement == successor
    duplicate = api_client.post(url, {"new_key": "newkey9999", "issued_on": "2026-10-03"})
    assert duplicate.status_code == 400


def test_claim_sets_are_checked_against_a_mapping_plans_lineage(client, api_client, world):
    from tests.mapping.factories import (
        EdFiResourceFactory,
        LineageAssignmentFactory,
        MappingPlanFactory,
    )

    plan = MappingPlanFactory()
    version = plan.data_standard_version
    student = EdFiResourceFactory(version=version, name="Student")
    program = EdFiResourceFactory(version=version, name="StudentSpecialEducationProgramAssociation")
    LineageAssignmentFactory(plan=plan, resource=student, source_system="sis")
    LineageAssignmentFactory(plan=plan, resource=program, source_system="iep", load_order=2)
    iep_vendor = world.other_vendor
    iep_vendor.product_type = "iep"
    iep_vendor.save()
    sis_claims = ClaimSetFactory(
        writable_resources=["http://ed-fi.org/ods/identity/claims/student"]
    )
    iep_claims = ClaimSetFactory(writable_resources=["students"])
    APICredentialFactory(vendor=world.own_vendor, claim_set=sis_claims)
    iep_key = APICredentialFactory(vendor=iep_vendor, claim_set=iep_claims)

    gaps = services.claim_set_gaps_for_plan(plan=plan)
    assert [(g.credential, g.missing) for g in gaps] == [
        (iep_key, ["StudentSpecialEducationProgramAssociation"])
    ]
    client.force_login(world.users[Role.SEA_TEAM])
    page = client.get(reverse("vendors:claimset-check"), {"plan": plan.pk})
    assert b"StudentSpecialEducationProgramAssociation" in page.content
    api_client.force_authenticate(world.users[Role.VENDOR_CONTACT])
    response = api_client.post(reverse("api:claimset-check"), {"plan": plan.pk}, format="json")
    assert response.status_code == 200 and response.data == []  # the gap is another vendor's
    bad = api_client.post(reverse("api:claimset-check"), {}, format="json")
    assert bad.status_code == 400


def test_reporting_a_leak_lands_on_the_incident_with_its_replacement_task(client, world, sea_user):
    credential = APICredentialFactory(vendor=world.own_vendor, key="leaked-key-01")
    client.force_login(sea_user)

    response = client.post(
        reverse("vendors:apicredential-report-leak", args=[credential.pk]),
        {"description": "Pasted into a public issue tracker"},
        follow=True,
    )

    incident = CredentialIncident.objects.get(credential=credential)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == incident.get_absolute_url()
    page = response.content.decode()
    assert "Leak of leaked-key-01 reported" in page
    assert "Pasted into a public issue tracker" in page
    assert "Replacement task" in page
    assert f"by <strong>{incident.replacement_due_on:%Y-%m-%d}</strong>" in page
    assert "leaked-key-01 is revoked" in page  # the message of the report


def test_incident_page_names_the_replacement_once_it_is_issued(client, world, sea_user):
    credential = APICredentialFactory(vendor=world.own_vendor)
    incident = services.report_leak(credential=credential, description="Sent by e-mail")
    replacement = APICredentialFactory(vendor=world.own_vendor, key="replacement-key")
    incident.replacement = replacement
    incident.save()
    client.force_login(sea_user)

    page = client.get(incident.get_absolute_url()).content.decode()

    assert "replaced by" in page and "replacement-key" in page
    client.force_login(world.users[Role.LEA_COORDINATOR])
    assert client.get(incident.get_absolute_url()).status_code == 404
