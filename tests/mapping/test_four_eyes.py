"""Four eyes on mappings: the author of a change under review never approves it, wherever from.

Element mappings and descriptor mappings share one review workflow; every test runs on both.
"""

from dataclasses import dataclass

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from mapping.models import ElementMapping, MappingKind
from mapping.services import mappings as services
from rolloutplanner.review import SelfApprovalRefused
from rolloutplanner.roles import Role
from tests.mapping import factories as f

pytestmark = pytest.mark.django_db

REFUSED = "someone else must approve"
EXPLANATION = "you cannot approve it yourself"


@dataclass
class Reviewed:
    mapping: object
    page_transition: str
    api_transition: str

    def refresh(self):
        self.mapping.refresh_from_db()
        return self.mapping

    def page_url(self) -> str:
        return reverse(self.page_transition, args=[self.mapping.pk])

    def api_url(self) -> str:
        return reverse(self.api_transition, args=[self.mapping.pk])


def _approvable_element_mapping(**kwargs) -> ElementMapping:
    birth_date = f.EdFiPropertyFactory()
    plan = f.MappingPlanFactory(data_standard_version=birth_date.resource.version)
    element = f.StateElementFactory(collection=f.StateCollectionFactory(plan=plan))
    return f.ElementMappingFactory(
        element=element, kind=MappingKind.ONE_TO_ONE, targets=[birth_date], **kwargs
    )


@pytest.fixture(params=["element", "descriptor"])
def reviewed(request, sea_user) -> Reviewed:
    """A mapping ``sea_user`` has submitted for review."""
    if request.param == "element":
        mapping = _approvable_element_mapping()
        names = ("mapping:elementmapping-transition", "api:elementmapping-transition")
    else:
        mapping = f.DescriptorMappingFactory()
        names = ("mapping:descriptormapping-transition", "api:descriptormapping-transition")
    services.transition_mapping(mapping=mapping, transition="submit", user=sea_user)
    return Reviewed(mapping, *names)


def test_submitting_records_the_author(reviewed, sea_user):
    mapping = reviewed.refresh()
    assert mapping.status == "in_review" and mapping.submitted_by == sea_user


def test_the_author_cannot_approve_through_the_service(reviewed, sea_user):
    with pytest.raises(SelfApprovalRefused, match=REFUSED):
        services.transition_mapping(mapping=reviewed.mapping, transition="approve", user=sea_user)

    mapping = reviewed.refresh()
    assert mapping.status == "in_review" and mapping.approved_by is None


def test_another_sea_user_approves(reviewed, sea_user, sea_reviewer):
    services.transition_mapping(mapping=reviewed.mapping, transition="approve", user=sea_reviewer)

    mapping = reviewed.refresh()
    assert mapping.status == "approved"
    assert (mapping.submitted_by, mapping.approved_by) == (sea_user, sea_reviewer)


def test_the_page_offers_the_author_no_approve_button_and_says_why(
    client, reviewed, sea_user, sea_reviewer
):
    client.force_login(sea_user)
    own = client.get(reviewed.mapping.get_absolute_url()).content.decode()
    client.force_login(sea_reviewer)
    other = client.get(reviewed.mapping.get_absolute_url()).content.decode()

    assert 'value="approve"' not in own and EXPLANATION in own
    assert 'value="return"' in own  # the author may still take it back
    assert 'value="approve"' in other and EXPLANATION not in other


def test_the_page_refuses_an_approval_posted_by_the_author(client, reviewed, sea_user):
    client.force_login(sea_user)

    response = client.post(reviewed.page_url(), {"transition": "approve"}, follow=True)

    assert REFUSED in response.content.decode()
    assert reviewed.refresh().status == "in_review"


def test_the_page_approval_by_another_sea_user_succeeds(client, reviewed, sea_reviewer):
    client.force_login(sea_reviewer)

    response = client.post(reviewed.page_url(), {"transition": "approve"})

    assert response.status_code == 302
    assert reviewed.refresh().approved_by == sea_reviewer


def test_the_api_answers_the_author_403_with_the_reason(
    api_client, reviewed, sea_user, sea_reviewer
):
    api_client.force_authenticate(sea_user)
    refused = api_client.post(reviewed.api_url(), {"transition": "approve"}, format="json")
    api_client.force_authenticate(sea_reviewer)
    approved = api_client.post(reviewed.api_url(), {"transition": "approve"}, format="json")

    assert refused.status_code == 403
    assert refused.data["error"]["code"] == "permission_denied"
    assert REFUSED in refused.data["error"]["detail"]
    assert approved.status_code == 200 and approved.data["status"] == "approved"
    assert approved.data["submitted_by"] == sea_user.pk
    assert approved.data["approved_by"] == sea_reviewer.pk


def test_the_setting_lets_a_one_person_team_approve_its_own_change(
    settings, client, api_client, reviewed, sea_user
):
    settings.REVIEW_ALLOW_SELF_APPROVAL = True
    client.force_login(sea_user)
    page = client.get(reviewed.mapping.get_absolute_url()).content.decode()
    api_client.force_authenticate(sea_user)

    approved = api_client.post(reviewed.api_url(), {"transition": "approve"}, format="json")

    assert 'value="approve"' in page and EXPLANATION not in page
    assert approved.status_code == 200
    assert reviewed.refresh().approved_by == sea_user


def test_whoever_changes_an_element_mapping_in_review_becomes_its_author(sea_user, sea_reviewer):
    mapping = _approvable_element_mapping()
    services.transition_mapping(mapping=mapping, transition="submit", user=sea_user)
    services.update_mapping(mapping=mapping, user=sea_reviewer, comments="Added the source")

    with pytest.raises(SelfApprovalRefused):
        services.transition_mapping(mapping=mapping, transition="approve", user=sea_reviewer)
    services.transition_mapping(mapping=mapping, transition="approve", user=sea_user)

    mapping.refresh_from_db()
    assert (mapping.submitted_by, mapping.approved_by) == (sea_reviewer, sea_user)


def test_whoever_changes_a_descriptor_mapping_in_review_becomes_its_author(
    api_client, sea_user, sea_reviewer
):
    mapping = f.DescriptorMappingFactory()
    services.transition_mapping(mapping=mapping, transition="submit", user=sea_user)
    api_client.force_authenticate(sea_reviewer)
    url = reverse("api:descriptormapping-detail", args=[mapping.pk])

    edited = api_client.patch(url, {"notes": "Rolled up with M"}, format="json")
    action = reverse("api:descriptormapping-transition", args=[mapping.pk])
    refused = api_client.post(action, {"transition": "approve"}, format="json")

    assert edited.status_code == 200 and edited.data["submitted_by"] == sea_reviewer.pk
    assert refused.status_code == 403
    mapping.refresh_from_db()
    assert mapping.status == "in_review" and mapping.notes == "Rolled up with M"


def test_starting_a_new_review_makes_its_starter_the_author(sea_user, sea_reviewer):
    mapping = _approvable_element_mapping()
    services.transition_mapping(mapping=mapping, transition="submit", user=sea_user)
    services.transition_mapping(mapping=mapping, transition="approve", user=sea_reviewer)
    services.transition_mapping(mapping=mapping, transition="reopen", user=sea_reviewer)

    with pytest.raises(SelfApprovalRefused):
        services.transition_mapping(mapping=mapping, transition="approve", user=sea_reviewer)
    approved = services.transition_mapping(mapping=mapping, transition="approve", user=sea_user)
    assert approved.approved_by == sea_user


# --- Bulk approval --------------------------------------------------------------------------


def _rows(count: int, collection) -> list[ElementMapping]:
    birth_date = f.EdFiPropertyFactory()
    return [
        f.ElementMappingFactory(
            element=f.StateElementFactory(collection=collection, name=f"Element {n}"),
            kind=MappingKind.ONE_TO_ONE,
            targets=[birth_date],
        )
        for n in range(count)
    ]


@pytest.fixture
def collection(db):
    birth_date = f.EdFiPropertyFactory()
    plan = f.MappingPlanFactory(data_standard_version=birth_date.resource.version)
    return f.StateCollectionFactory(plan=plan)


def _statuses(rows) -> list[str]:
    return [ElementMapping.objects.get(pk=row.pk).status for row in rows]


def _bulk(client, rows, status: str) -> str:
    """The messages the bulk form leaves for the next page."""
    response = client.post(
        reverse("mapping:elementmapping-bulk"),
        {"mappings": [row.pk for row in rows], "status": status},
        follow=True,
    )
    assert response.redirect_chain == [(reverse("mapping:elementmapping-list"), 302)]
    return " ".join(str(m) for m in response.context["messages"])


def test_bulk_approval_refuses_rows_not_in_review_naming_them(
    client, collection, sea_user, sea_reviewer
):
    in_review, draft_a, draft_b = _rows(3, collection)
    services.transition_mapping(mapping=in_review, transition="submit", user=sea_user)
    client.force_login(sea_reviewer)

    page = _bulk(client, [in_review, draft_a, draft_b], "approved")

    assert page == (
        "Only mappings in review can be approved; submit these for review first: "
        f"{draft_a}; {draft_b}."
    )
    assert _statuses([in_review, draft_a, draft_b]) == ["in_review", "draft", "draft"]


def test_bulk_approval_in_two_clicks_no_longer_approves_the_authors_rows(
    client, collection, sea_user
):
    rows = _rows(3, collection)
    client.force_login(sea_user)

    _bulk(client, rows, "in_review")
    page = _bulk(client, rows, "approved")

    assert page == (
        "You submitted these mappings for review, so someone else must approve them: "
        + "; ".join(str(row) for row in rows)
        + "."
    )
    assert _statuses(rows) == ["in_review"] * 3


def test_bulk_approval_refuses_the_whole_batch_when_one_row_is_the_approvers(
    collection, sea_user, sea_reviewer
):
    theirs, own = _rows(2, collection)
    services.transition_mapping(mapping=theirs, transition="submit", user=sea_user)
    services.transition_mapping(mapping=own, transition="submit", user=sea_reviewer)

    with pytest.raises(SelfApprovalRefused, match=str(own)) as refused:
        services.bulk_update_mappings(mappings=[theirs, own], user=sea_reviewer, status="approved")

    assert str(theirs) not in str(refused.value)
    assert _statuses([theirs, own]) == ["in_review", "in_review"]


def test_bulk_approval_by_another_sea_user_approves_rows_in_review(
    client, collection, sea_user, sea_reviewer
):
    rows = _rows(2, collection)
    client.force_login(sea_user)
    _bulk(client, rows, "in_review")
    client.force_login(sea_reviewer)

    page = _bulk(client, rows, "approved")

    assert page == "Updated 2 mappings."
    approved = ElementMapping.objects.filter(pk__in=[r.pk for r in rows])
    assert {(m.status, m.submitted_by_id, m.approved_by_id) for m in approved} == {
        ("approved", sea_user.pk, sea_reviewer.pk)
    }


def test_a_not_mapped_yet_row_never_becomes_approved(collection, sea_user, sea_reviewer):
    mapping = f.ElementMappingFactory(element=f.StateElementFactory(collection=collection))
    services.transition_mapping(mapping=mapping, transition="submit", user=sea_user)

    with pytest.raises(ValidationError, match="it is not mapped yet"):
        services.transition_mapping(mapping=mapping, transition="approve", user=sea_reviewer)
    with pytest.raises(ValidationError, match="it is not mapped yet"):
        services.bulk_update_mappings(mappings=[mapping], user=sea_reviewer, status="approved")

    mapping.refresh_from_db()
    assert mapping.status == "in_review" and mapping.approved_by is None


def test_the_django_admin_cannot_move_a_review(client, world, sea_user):
    admin = world.users[Role.ADMINISTRATOR]
    mapping = _approvable_element_mapping()
    services.transition_mapping(mapping=mapping, transition="submit", user=sea_user)
    client.force_login(admin)
    url = reverse("admin:mapping_elementmapping_change", args=[mapping.pk])

    form = client.get(url).content.decode()
    response = client.post(
        url,
        {
            "element": mapping.element_id,
            "kind": mapping.kind,
            "targets": ",".join(str(t.pk) for t in mapping.targets.all()),
            "comments": "Edited in the admin",
            "status": "approved",
            "approved_by": admin.pk,
        },
    )

    assert 'name="status"' not in form and 'name="approved_by"' not in form
    assert response.status_code == 302
    mapping.refresh_from_db()
    assert (mapping.status, mapping.approved_by, mapping.comments) == (
        "in_review",
        None,
        "Edited in the admin",
    )
