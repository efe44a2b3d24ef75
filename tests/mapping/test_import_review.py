"""The plan workbook import obeys the review rules: it edits and submits, it never approves."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mapping.models import ElementMapping, MappingKind, StateElement
from mapping.services import mappings as services
from mapping.services.state_spec import import_state_spec
from rolloutplanner.review import SelfApprovalRefused
from tests.mapping import factories as f

pytestmark = pytest.mark.django_db

HEADER = "collection,element,data_type,kind,targets,status,comments\n"
PLAIN = {"definition": "", "required": False}  # as the file's rows leave them
NEVER = "submit it for review and have someone other than its author approve it on its page."


@pytest.fixture
def plan(db):
    birth_date = f.EdFiPropertyFactory()  # Student.BirthDate in Data Standard 5.2.0
    return f.MappingPlanFactory(data_standard_version=birth_date.resource.version)


@pytest.fixture
def rows(plan, sea_user, sea_reviewer):
    """Birth Date: mapped 1:1 and in review (submitted by the reviewer); Race: not mapped yet."""
    collection = f.StateCollectionFactory(plan=plan)
    birth = f.ElementMappingFactory(
        element=f.StateElementFactory(collection=collection, name="Birth Date", **PLAIN),
        kind=MappingKind.ONE_TO_ONE,
        targets=[f.EdFiPropertyFactory()],
    )
    services.transition_mapping(mapping=birth, transition="submit", user=sea_reviewer)
    race = f.ElementMappingFactory(
        element=f.StateElementFactory(
            collection=collection, name="Race", data_type="string", **PLAIN
        )
    )
    return {"Birth Date": birth, "Race": race}


def _file(*lines: str) -> bytes:
    return (HEADER + "".join(line + "\n" for line in lines)).encode()


def _state(mapping: ElementMapping) -> tuple:
    mapping.refresh_from_db()
    return (mapping.status, mapping.approved_by_id, mapping.comments)


def test_status_approved_in_the_file_approves_nothing_and_names_row_and_column(
    plan, rows, sea_user
):
    content = _file(
        "Fall Child Count,Birth Date,date,one_to_one,Student.BirthDate,approved,",
        "Fall Child Count,Race,string,not_mapped,,approved,Looks fine",
    )

    with pytest.raises(ValidationError) as refused:
        import_state_spec(plan=plan, name="plan.csv", content=content, user=sea_user)

    assert refused.value.messages == [
        "plan.csv, row 2, column status: an import cannot approve the mapping of 'Birth Date' "
        f"(it is in review); {NEVER}",
        "plan.csv, row 3, column status: an import cannot approve the mapping of 'Race' "
        f"(it is draft); {NEVER}",
    ]
    # all or nothing: the comment on the Race row was not written either
    assert _state(rows["Birth Date"]) == ("in_review", None, "")
    assert _state(rows["Race"]) == ("draft", None, "")


def test_a_not_mapped_yet_row_without_target_cannot_be_imported_as_approved(plan, sea_user):
    content = _file("Spring Discipline,Incident Date,date,not_mapped,,approved,")

    with pytest.raises(ValidationError, match=r"plan.csv, row 2, column status: an import cannot"):
        import_state_spec(plan=plan, name="plan.csv", content=content, user=sea_user)

    assert not StateElement.objects.filter(collection__plan=plan).exists()
    assert not ElementMapping.objects.filter(status="approved").exists()


def test_an_import_submits_for_review_through_the_review_service(plan, rows, sea_user):
    content = _file(
        "Fall Child Count,Birth Date,date,one_to_one,Student.BirthDate,in_review,",
        "Fall Child Count,Race,string,not_mapped,,in_review,Waiting on the race rule",
    )

    summary = import_state_spec(plan=plan, name="plan.csv", content=content, user=sea_user)

    race = rows["Race"]
    assert _state(race) == ("in_review", None, "Waiting on the race rule")
    assert race.submitted_by == sea_user
    reasons = [h.history_change_reason for h in race.history.order_by("history_date")]
    assert reasons[-2:] == ["imported from plan.csv", "submitted for review"]
    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 1)


def test_the_importer_of_a_change_in_review_may_not_approve_it(plan, rows, sea_user, sea_reviewer):
    content = _file("Fall Child Count,Birth Date,date,one_to_one,Student.BirthDate,in_review,Hm")

    import_state_spec(plan=plan, name="plan.csv", content=content, user=sea_user)

    birth = rows["Birth Date"]
    birth.refresh_from_db()
    assert birth.submitted_by == sea_user  # the importer changed what is under review
    with pytest.raises(SelfApprovalRefused, match="someone else must"):
        services.transition_mapping(mapping=birth, transition="approve", user=sea_user)
    services.transition_mapping(mapping=birth, transition="approve", user=sea_reviewer)
    assert _state(birth) == ("approved", sea_reviewer.pk, "Hm")


def test_an_approved_row_that_the_file_leaves_as_it_is_is_not_an_error(plan, rows, sea_user):
    birth = rows["Birth Date"]
    services.transition_mapping(mapping=birth, transition="approve", user=sea_user)
    content = _file(
        "Fall Child Count,Birth Date,date,one_to_one,Student.BirthDate,approved,",
        "Fall Child Count,Race,string,not_mapped,,draft,",
    )

    summary = import_state_spec(plan=plan, name="plan.csv", content=content, user=sea_user)

    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 2)
    assert _state(birth) == ("approved", sea_user.pk, "")


def test_the_import_banner_counts_what_really_changed(client, plan, rows, sea_user):
    client.force_login(sea_user)
    url = reverse("mapping:mappingplan-import", args=[plan.pk])
    content = _file(
        "Fall Child Count,Birth Date,date,one_to_one,Student.BirthDate,in_review,",
        "Fall Child Count,Race,string,not_mapped,,draft,Ask the LEAs",
        "Fall Child Count,Exit Date,date,not_mapped,,draft,",
    )

    first = client.post(url, {"file": SimpleUploadedFile("plan.csv", content)}, follow=True)
    again = client.post(url, {"file": SimpleUploadedFile("plan.csv", content)}, follow=True)

    assert [str(m) for m in first.context["messages"]] == [
        "Imported plan.csv: 1 elements created, 1 updated, 1 unchanged; 0 code sets; "
        "0 descriptor mappings created or changed."
    ]
    assert [str(m) for m in again.context["messages"]] == [
        "Imported plan.csv: 0 elements created, 0 updated, 3 unchanged; 0 code sets; "
        "0 descriptor mappings created or changed."
    ]


def test_the_import_page_lists_every_refused_row(client, plan, rows, sea_user):
    client.force_login(sea_user)
    content = _file("Fall Child Count,Race,string,not_mapped,,approved,")

    response = client.post(
        reverse("mapping:mappingplan-import", args=[plan.pk]),
        {"file": SimpleUploadedFile("plan.csv", content)},
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "Nothing was imported." in page
    assert "plan.csv, row 2, column status: an import cannot approve the mapping of" in page
    assert _state(rows["Race"]) == ("draft", None, "")
