"""A descriptor field with no crosswalk rows (the definition page warns of it:
test_definition_editing): a cycle whose mapping plan has approved mappings of that descriptor
runs with the plan's codes, and a cycle with neither is refused with what to add, alike on the
page, the API and the run itself."""

import json

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from parallel.errors import InputError
from parallel.models import Discrepancy, ReconciliationRun, RunState
from parallel.services.reconcile import run_reconciliation
from rolloutplanner.roles import Role
from tests.mapping.factories import (
    DescriptorMappingFactory,
    DescriptorValueFactory,
    MappingPlanFactory,
    StateCodeFactory,
    StateCodeSetFactory,
)

pytestmark = pytest.mark.django_db


def _without_sex_crosswalk(collection) -> None:
    definition = collection.cycle.report_definition
    definition.crosswalk = [e for e in definition.crosswalk if e["field"] != "sex"]
    definition.save()


def _plan_mapping_sex(*, status: str = "approved"):
    """A mapping plan whose state code set Sex maps F and M onto SexDescriptor values."""
    plan = MappingPlanFactory()
    code_set = StateCodeSetFactory(plan=plan, name="Sex")
    female = DescriptorValueFactory(descriptor__name="SexDescriptor", code_value="Female")
    male = DescriptorValueFactory(descriptor=female.descriptor, code_value="Male")
    mappings = {
        code: DescriptorMappingFactory(
            state_code=StateCodeFactory(code_set=code_set, code=code),
            descriptor_value=value,
            status=status,
        )
        for code, value in (("F", female), ("M", male))
    }
    return plan, mappings


def _refusal(cycle, plan=None) -> str:
    code = cycle.report_definition.code
    if plan is None:
        return (
            f"Field 'sex' reads SexDescriptor values, but report definition {code} has no "
            "crosswalk rows for it and the cycle has no mapping plan: add crosswalk rows for sex "
            "to the definition (a copy of it, once runs read it), or give the cycle a mapping "
            "plan with approved SexDescriptor mappings."
        )
    return (
        f"Field 'sex' reads SexDescriptor values, but report definition {code} has no crosswalk "
        f"rows for it and mapping plan {plan} has no approved SexDescriptor mappings giving one "
        "code per Ed-Fi value: add crosswalk rows for sex to the definition (a copy of it, once "
        "runs read it), or approve SexDescriptor mappings in that plan."
    )


def test_a_cycle_whose_plan_gives_the_codes_runs_from_the_page(client, make_collection):
    collection = make_collection(students=30, rate=0, upload=False)
    female = next(r for r in collection.data.legacy_records if r["sex"] == "F")["student_id"]
    lines = []
    for line in collection.data.seoa.read_text().splitlines():
        record = json.loads(line)
        if record["studentReference"]["studentUniqueId"] == female:
            record["sexDescriptor"] = "uri://ed-fi.org/SexDescriptor#Male"
        lines.append(json.dumps(record))
    collection.data.seoa.write_text("\n".join(lines) + "\n")
    collection.upload_all()
    _without_sex_crosswalk(collection)
    plan, mappings = _plan_mapping_sex()
    collection.cycle.mapping_plan = plan
    collection.cycle.save()
    client.force_login(collection.user)

    response = client.post(reverse("parallel:cycle-run", args=[collection.cycle.pk]))

    run = ReconciliationRun.objects.get(cycle=collection.cycle)
    assert response.status_code == 302 and response.url == run.get_absolute_url()
    run_reconciliation(run=run)
    run.refresh_from_db()
    assert run.state == RunState.COMPLETE and run.missing_mappings == []
    (row,) = Discrepancy.objects.filter(run=run)
    assert (row.student_id, row.field, row.legacy_value, row.edfi_value, row.edfi_raw) == (
        female, "sex", "F", "M", "Male",
    )  # fmt: skip
    assert row.mapping_entry == f"mapping:{mappings['M'].pk}"


def test_the_api_starts_a_run_when_the_plan_gives_the_codes(api_client, make_collection):
    collection = make_collection(students=5, rate=0)
    _without_sex_crosswalk(collection)
    collection.cycle.mapping_plan, _ = _plan_mapping_sex()
    collection.cycle.save()
    api_client.force_authenticate(collection.user)

    response = api_client.post(reverse("api:collectioncycle-reconcile", args=[collection.cycle.pk]))

    assert response.status_code == 202, response.data
    assert ReconciliationRun.objects.filter(cycle=collection.cycle).count() == 1


@pytest.mark.parametrize("plan_status", [None, "in_review"])
def test_a_cycle_without_codes_for_a_descriptor_is_refused_on_page_and_api(
    client, api_client, make_collection, plan_status
):
    collection = make_collection(students=5, rate=0)
    _without_sex_crosswalk(collection)
    plan = None
    if plan_status:  # mappings not approved yet give no codes
        plan, _ = _plan_mapping_sex(status=plan_status)
        collection.cycle.mapping_plan = plan
        collection.cycle.save()
    client.force_login(collection.user)
    api_client.force_authenticate(collection.user)
    cycle = collection.cycle

    page = client.post(reverse("parallel:cycle-run", args=[cycle.pk]))
    api = api_client.post(reverse("api:collectioncycle-reconcile", args=[cycle.pk]))

    message = _refusal(cycle, plan)
    assert page.status_code == 302 and page.url == cycle.get_absolute_url()
    assert [m.message for m in get_messages(page.wsgi_request)] == [message]
    assert api.status_code == 400
    assert api.json()["error"]["fields"]["non_field_errors"] == [message]
    assert not ReconciliationRun.objects.filter(cycle=cycle).exists()


def test_a_run_whose_plan_lost_its_approved_mappings_fails_with_the_same_reason(
    make_collection,
):
    collection = make_collection(students=5, rate=0)
    _without_sex_crosswalk(collection)
    plan, mappings = _plan_mapping_sex()
    collection.cycle.mapping_plan = plan
    collection.cycle.save()
    run = collection.new_run()
    for mapping in mappings.values():
        mapping.status = "in_review"
        mapping.save()

    with pytest.raises(InputError) as caught:
        run_reconciliation(run=run)

    assert caught.value.problems == [_refusal(collection.cycle, plan)]
    run.refresh_from_db()
    assert run.state == RunState.FAILED and run.errors == caught.value.problems


def test_the_cycle_page_says_why_a_run_cannot_start_before_it_is_pressed(
    client, make_collection, world
):
    collection = make_collection(students=5, rate=0, upload=False)
    cycle = collection.cycle
    page = cycle.get_absolute_url()
    client.force_login(collection.user)
    assert "cannot start yet" not in client.get(page).content.decode()

    _without_sex_crosswalk(collection)
    html = client.get(page).content.decode()

    assert "A run of this cycle cannot start yet:" in html
    assert _refusal(cycle).replace("'", "&#x27;") in html
    # Leadership reads the cycle but starts no run: nothing to act on, nothing said.
    client.force_login(world.users[Role.LEADERSHIP])
    html = client.get(page).content.decode()
    assert cycle.name in html and "cannot start yet" not in html
