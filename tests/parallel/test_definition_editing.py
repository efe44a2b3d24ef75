"""Report definitions created and edited in the browser and through the API, by one service:
JSON checked as JSON, then by the layout rules and the Ed-Fi vocabulary, with named errors."""

import copy
import json

import pytest
from django.urls import reverse

from parallel.models import ReportDefinition
from parallel.services import definitions
from rolloutplanner.roles import Role
from tests.parallel.factories import (
    CollectionCycleFactory,
    ReconciliationRunFactory,
    shipped_definition,
)

pytestmark = pytest.mark.django_db

JSON_FIELDS = definitions.JSON_FIELDS
DENIED_ROLES = [Role.LEADERSHIP, Role.LEA_COORDINATOR, Role.VENDOR_CONTACT]


def _values(code="fs002-copy") -> dict:
    """A valid definition: the shipped school-age child count under a new code."""
    values = definitions.copy_values(shipped_definition())
    values.update(code=code, name="Child count (state copy)")
    return values


def _form(values: dict) -> dict:
    data = {k: json.dumps(v) if k in JSON_FIELDS else v for k, v in values.items()}
    return {k: "" if v is None else v for k, v in data.items()}


def _errors(response) -> dict:
    return response.context["form"].errors


def test_sea_team_creates_a_definition_through_the_page(client, world):
    client.force_login(world.users[Role.SEA_TEAM])

    response = client.post(reverse("parallel:reportdefinition-add"), _form(_values()))

    created = ReportDefinition.objects.get(code="fs002-copy")
    assert response.status_code == 302 and response.url == created.get_absolute_url()
    assert created.edfi_source == shipped_definition().edfi_source
    assert created.history.count() == 1


def test_the_add_page_starts_from_a_copy(client, world):
    client.force_login(world.users[Role.SEA_TEAM])
    original = shipped_definition()

    page = client.get(f"{reverse('parallel:reportdefinition-add')}?copy={original.pk}")

    form = page.context["form"]
    assert form.initial["code"] == f"{original.code}-copy"
    assert form.initial["edfi_source"] == original.edfi_source


def test_text_that_is_not_json_is_an_error_on_its_field(client, world):
    client.force_login(world.users[Role.SEA_TEAM])
    data = _form(_values())
    data["crosswalk"] = '[{"field": "sex",'

    response = client.post(reverse("parallel:reportdefinition-add"), data)

    assert response.status_code == 200
    assert "Enter a valid JSON." in _errors(response)["crosswalk"]
    assert not ReportDefinition.objects.filter(code="fs002-copy").exists()


def test_an_unknown_edfi_path_is_named_on_the_source_field(client, world):
    client.force_login(world.users[Role.SEA_TEAM])
    values = _values()
    values["edfi_source"]["fields"]["environment"]["path"] = "record.shoeSizeDescriptor"

    response = client.post(reverse("parallel:reportdefinition-add"), _form(values))

    assert response.status_code == 200
    assert _errors(response)["edfi_source"] == [
        "studentSpecialEducationProgramAssociations has no member 'shoeSizeDescriptor'."
    ]
    assert 'id="id_edfi_source_errors" role="alert"' in response.content.decode()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (lambda v: v["edfi_source"]["record"].update(resource="pets"), "edfi_source",
         "Unknown Ed-Fi resource 'pets'."),
        (lambda v: v["edfi_source"]["fields"].pop("sex"), "edfi_source",
         "Compared field 'sex' has no Ed-Fi source."),
    ],
)  # fmt: skip
def test_vocabulary_problems_are_named_on_their_field(client, world, change, field, message):
    client.force_login(world.users[Role.SEA_TEAM])
    values = _values()
    change(values)

    response = client.post(reverse("parallel:reportdefinition-add"), _form(values))

    assert message in _errors(response)[field]


def test_a_descriptor_without_crosswalk_rows_is_saved_and_its_page_warns(client, world):
    """A cycle's mapping plan may give the codes: the run is checked per cycle (see
    test_codes_from_the_mapping_plan), the definition alone is only incomplete."""
    client.force_login(world.users[Role.SEA_TEAM])
    values = _values()
    values["crosswalk"] = [e for e in values["crosswalk"] if e["field"] != "sex"]

    response = client.post(reverse("parallel:reportdefinition-add"), _form(values))
    page = client.get(response.url)

    assert response.status_code == 302
    assert page.context["problems"] == []
    assert page.context["missing_codes"] == [
        "sex reads SexDescriptor values but has no crosswalk rows: a cycle runs it only when its "
        "mapping plan has approved SexDescriptor mappings (else add crosswalk rows for sex)."
    ]
    assert 'id="missing-codes-heading"' in page.content.decode()


def test_sea_team_edits_a_definition_no_run_reads(client, world):
    definition = definitions.create_definition(user=None, **_values())
    client.force_login(world.users[Role.SEA_TEAM])
    page = client.get(reverse("parallel:reportdefinition-edit", args=[definition.pk]))
    data = _form({**_values(), "tolerance_absolute": 3})
    data["_version"] = page.context["version"]

    response = client.post(reverse("parallel:reportdefinition-edit", args=[definition.pk]), data)

    assert response.status_code == 302
    definition.refresh_from_db()
    assert definition.tolerance_absolute == 3 and definition.history.count() == 2


def test_a_definition_read_by_runs_is_not_edited_and_a_copy_is_offered(client, world):
    definition = shipped_definition()
    ReconciliationRunFactory(cycle=CollectionCycleFactory(report_definition=definition))
    client.force_login(world.users[Role.SEA_TEAM])
    url = reverse("parallel:reportdefinition-edit", args=[definition.pk])

    page = client.get(url)
    posted = client.post(url, {**_form({**_values(definition.code), "tolerance_absolute": 9}),
                               "_version": page.context["version"]})  # fmt: skip

    assert "Copy as new definition" in page.content.decode()
    assert f"?copy={definition.pk}" in page.content.decode()
    assert definitions.USED_MESSAGE in posted.content.decode()
    definition.refresh_from_db()
    assert definition.tolerance_absolute != 9
    detail = client.get(definition.get_absolute_url())
    assert detail.context["edit_url"] is None and detail.context["copy_url"]


def test_the_detail_page_shows_the_generated_sql_and_the_check(client, world):
    definition = shipped_definition()
    client.force_login(world.users[Role.LEADERSHIP])

    page = client.get(definition.get_absolute_url())

    html = page.content.decode()
    assert "Generated SQL" in html and "CREATE OR REPLACE TABLE derived" in html
    for table in ("edfi_studentSpecialEducationProgramAssociations", "edfi_students",
                  "edfi_studentEducationOrganizationAssociations"):  # fmt: skip
        assert table in html
    assert "Valid: every compared field" in html
    assert page.context["copy_url"] is None  # leadership adds nothing


def test_the_detail_page_lists_the_problems_of_a_broken_source(client, world):
    values = _values()
    definition = ReportDefinition.objects.create(**values)
    definition.edfi_source = copy.deepcopy(values["edfi_source"])
    definition.edfi_source["fields"].pop("race")
    definition.save()
    client.force_login(world.users[Role.SEA_TEAM])

    html = client.get(definition.get_absolute_url()).content.decode()

    assert "Compared field &#x27;race&#x27; has no Ed-Fi source." in html


@pytest.mark.parametrize("role", DENIED_ROLES)
def test_other_roles_may_not_add_or_edit_definitions(client, world, role):
    definition = shipped_definition()
    client.force_login(world.users[role])
    add = reverse("parallel:reportdefinition-add")
    edit = reverse("parallel:reportdefinition-edit", args=[definition.pk])

    assert client.get(add).status_code == 403
    assert client.post(add, _form(_values())).status_code == 403
    assert client.get(edit).status_code in (403, 404)
    assert client.post(edit, _form(_values(definition.code))).status_code in (403, 404)
    assert not ReportDefinition.objects.filter(code="fs002-copy").exists()
    detail = client.get(definition.get_absolute_url()).content.decode()
    assert "Copy as new definition" not in detail


def test_api_creates_and_updates_through_the_service(api_client, world):
    api_client.force_authenticate(world.users[Role.SEA_TEAM])

    created = api_client.post(reverse("api:reportdefinition-list"), _values(), format="json")
    assert created.status_code == 201, created.data
    url = reverse("api:reportdefinition-detail", args=[created.data["id"]])
    updated = api_client.patch(url, {"tolerance_percent": "1.50"}, format="json")

    assert updated.status_code == 200
    definition = ReportDefinition.objects.get(code="fs002-copy")
    assert str(definition.tolerance_percent) == "1.50"
    assert definition.history.first().history_change_reason.startswith("Changed by")


def test_api_gives_the_same_vocabulary_errors(api_client, world):
    api_client.force_authenticate(world.users[Role.SEA_TEAM])
    values = _values()
    values["edfi_source"]["fields"]["environment"]["path"] = "record.shoeSizeDescriptor"

    created = api_client.post(reverse("api:reportdefinition-list"), values, format="json")
    definition = definitions.create_definition(user=None, **_values("fs002-other"))
    patched = api_client.patch(
        reverse("api:reportdefinition-detail", args=[definition.pk]),
        {"edfi_source": values["edfi_source"]},
        format="json",
    )

    message = "studentSpecialEducationProgramAssociations has no member 'shoeSizeDescriptor'."
    assert created.status_code == 400 and patched.status_code == 400
    assert created.json()["error"]["fields"] == {"edfi_source": [message]}
    assert patched.json()["error"]["fields"] == {"edfi_source": [message]}


def test_api_refuses_to_change_a_definition_read_by_runs(api_client, world):
    definition = shipped_definition()
    ReconciliationRunFactory(cycle=CollectionCycleFactory(report_definition=definition))
    api_client.force_authenticate(world.users[Role.SEA_TEAM])

    response = api_client.patch(
        reverse("api:reportdefinition-detail", args=[definition.pk]),
        {"tolerance_absolute": 9},
        format="json",
    )

    assert response.status_code == 400
    assert definitions.USED_MESSAGE in str(response.json())


@pytest.mark.parametrize("role", DENIED_ROLES)
def test_api_denies_other_roles(api_client, world, role):
    definition = shipped_definition()
    api_client.force_authenticate(world.users[role])

    created = api_client.post(reverse("api:reportdefinition-list"), _values(), format="json")
    patched = api_client.patch(
        reverse("api:reportdefinition-detail", args=[definition.pk]),
        {"tolerance_absolute": 9},
        format="json",
    )

    assert created.status_code == 403 and patched.status_code == 403
    assert not ReportDefinition.objects.filter(code="fs002-copy").exists()


def test_the_django_admin_only_reads_definitions(client, world):
    """The admin would bypass the vocabulary check and the used-by-runs rule."""
    definition = ReportDefinition.objects.first()
    client.force_login(world.users[Role.ADMINISTRATOR])
    change = reverse("admin:parallel_reportdefinition_change", args=[definition.pk])
    page = client.get(change)
    assert page.status_code == 200 and 'type="submit" value="Save"' not in page.content.decode()
    refused = client.post(change, {"name": "Renamed in the admin"})
    assert refused.status_code == 403
    assert client.get(reverse("admin:parallel_reportdefinition_add")).status_code == 403
    definition.refresh_from_db()
    assert definition.name != "Renamed in the admin"
