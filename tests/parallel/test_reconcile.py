"""The reconciliation service against synthetic collections whose discrepancies are known."""

import json
from collections import Counter

import pytest

from parallel.models import (
    AggregateDifference,
    Discrepancy,
    DiscrepancyGroup,
    LEARunSummary,
    ResponsibleParty,
    RunState,
    TriageStatus,
)
from parallel.services.reconcile import run_reconciliation
from parallel.services.triage import triage_group
from rolloutplanner.roles import Role

pytestmark = pytest.mark.django_db


def found(run) -> set[tuple[str, str, str, str]]:
    return {
        (d.kind, d.lea.state_lea_id, d.student_id, d.field)
        for d in Discrepancy.objects.filter(run=run).select_related("lea")
    }


def test_found_discrepancies_equal_the_injected_ones(make_collection):
    collection = make_collection(students=400, rate=0.15)
    run = collection.new_run()

    totals = run_reconciliation(run=run)

    run.refresh_from_db()
    assert run.state == RunState.COMPLETE
    assert found(run) == collection.data.truth
    kinds = Counter(kind for kind, *_ in collection.data.truth)
    assert totals["only_in_legacy"] == kinds["only_legacy"]
    assert totals["only_in_edfi"] == kinds["only_edfi"]
    assert totals["field_mismatches"] == kinds["mismatch"]
    assert totals["legacy_records"] == len(collection.data.legacy_records)
    assert totals["edfi_records"] == len(collection.data.edfi_records)
    assert run.missing_mappings == []


def _cells(records, category_sets, fields):
    counts = Counter()
    for record in records:
        for category_set in category_sets:
            chosen = category_set["fields"]
            key = tuple((f, str(record[f])) for f in fields if f in chosen)
            counts[(record["lea_id"], category_set["code"], key)] += 1
    return counts


def test_aggregates_equal_counting_every_cell_of_both_sides(make_collection):
    collection = make_collection(students=300, rate=0.2, seed=11)
    run = collection.new_run()
    run_reconciliation(run=run)
    definition = collection.cycle.report_definition
    fields = definition.compared_fields
    legacy = _cells(collection.data.legacy_records, definition.category_sets, fields)
    edfi = _cells(collection.data.edfi_records, definition.category_sets, fields)
    expected = {
        key: (legacy[key], edfi[key])
        for key in set(legacy) | set(edfi)
        if legacy[key] != edfi[key] or not key[2]
    }

    stored = {
        (
            a.lea.state_lea_id,
            a.category_set,
            tuple((f, a.categories[f]) for f in fields if f in a.categories),
        ): (a.legacy_count, a.edfi_count)
        for a in AggregateDifference.objects.filter(run=run).select_related("lea")
    }

    assert stored == expected
    tolerance = float(definition.tolerance_percent)
    for a in AggregateDifference.objects.filter(run=run):
        assert a.difference == a.edfi_count - a.legacy_count
        assert a.within_tolerance == (abs(a.difference) * 100 <= tolerance * a.legacy_count)


def test_lea_summary_counts_and_match_rate(make_collection, world):
    collection = make_collection(students=200, rate=0.2, seed=3)
    run = collection.new_run()
    run_reconciliation(run=run)
    own = world.own_lea.state_lea_id
    truth = [t for t in collection.data.truth if t[1] == own]
    mismatched = {t[2] for t in truth if t[0] == "mismatch"}
    legacy = [r for r in collection.data.legacy_records if r["lea_id"] == own]

    summary = LEARunSummary.objects.get(run=run, lea=world.own_lea)

    only_legacy = sum(t[0] == "only_legacy" for t in truth)
    only_edfi = sum(t[0] == "only_edfi" for t in truth)
    matched = len(legacy) - only_legacy - len(mismatched)
    assert summary.legacy_records == len(legacy)
    assert summary.only_in_legacy == only_legacy and summary.only_in_edfi == only_edfi
    assert summary.records_with_mismatches == len(mismatched)
    assert summary.matched_records == matched
    assert float(summary.match_rate) == pytest.approx(
        round(100 * matched / (len(legacy) + only_edfi), 2)
    )
    assert summary.within_tolerance == (summary.cells_outside_tolerance == 0)


def _results(run):
    return (
        found(run),
        sorted(
            (a.lea_id, a.category_set, str(a.categories), a.legacy_count, a.edfi_count)
            for a in AggregateDifference.objects.filter(run=run)
        ),
        sorted(
            (s.lea_id, s.matched_records, s.match_rate, s.within_tolerance)
            for s in LEARunSummary.objects.filter(run=run)
        ),
    )


def test_rerun_of_the_same_inputs_gives_identical_results_and_keeps_the_first(make_collection):
    collection = make_collection(students=200, rate=0.1)
    first = collection.new_run()
    run_reconciliation(run=first)
    before = _results(first)

    second = collection.new_run()
    run_reconciliation(run=second)

    first.refresh_from_db()
    second.refresh_from_db()
    assert _results(second) == before == _results(first)
    assert second.input_digest == first.input_digest
    assert second.previous_run == first
    assert not DiscrepancyGroup.objects.filter(run=second, new_count__gt=0).exists()


def test_completed_run_is_not_recomputed(make_collection):
    collection = make_collection(students=100)
    run = collection.new_run()
    totals = run_reconciliation(run=run)
    ids = set(Discrepancy.objects.filter(run=run).values_list("pk", flat=True))

    assert run_reconciliation(run=run) == totals
    assert set(Discrepancy.objects.filter(run=run).values_list("pk", flat=True)) == ids


def test_triage_is_carried_forward_and_vanished_groups_are_verified(make_collection, world):
    collection = make_collection(students=300, rate=0.15, seed=5)
    first = collection.new_run()
    run_reconciliation(run=first)
    sea = world.users[Role.SEA_TEAM]
    groups = list(DiscrepancyGroup.objects.filter(run=first, lea=world.own_lea))
    kept, fixed = groups[0], groups[1]
    triage_group(
        group=kept,
        user=sea,
        status=TriageStatus.EXPLAINED,
        notes="Vendor export drops exited students.",
        responsible_party=ResponsibleParty.VENDOR,
        responsible_vendor=world.own_vendor,
    )
    triage_group(group=fixed, user=sea, status=TriageStatus.FIXED_AT_SOURCE, notes="Fixed.")
    # The second submission fixes every discrepancy of the "fixed" group's kind and field.
    fixed_keys = {(d.student_id, d.field) for d in Discrepancy.objects.filter(group=fixed)}
    _fix_legacy_file(collection, fixed.kind, fixed_keys, first)
    second = collection.new_run()
    run_reconciliation(run=second)

    carried = DiscrepancyGroup.objects.get(
        run=second, lea=kept.lea, kind=kept.kind, field=kept.field
    )
    assert carried.carried_from == kept
    assert carried.status == TriageStatus.EXPLAINED
    assert carried.responsible_vendor == world.own_vendor
    assert carried.notes == "Vendor export drops exited students."
    assert carried.new_count == 0
    fixed.refresh_from_db()
    assert not DiscrepancyGroup.objects.filter(
        run=second, lea=fixed.lea, kind=fixed.kind, field=fixed.field
    ).exists()
    assert fixed.status == TriageStatus.VERIFIED
    assert fixed.notes == f"Fixed.\nResolved: not found in run {second.number}."
    assert fixed.history.first().history_change_reason == "carried forward by run 2"
    assert carried.history.first().history_change_reason == "carried forward by run 2"
    # The history record holds the group as carried, by no user.
    assert fixed.history.first().status == TriageStatus.VERIFIED
    assert fixed.history.first().history_type == "~"
    assert carried.history.first().status == TriageStatus.EXPLAINED
    assert carried.history.first().history_user is None


def test_a_group_reported_fixed_that_is_still_there_is_reopened(make_collection, world):
    collection = make_collection(students=300, rate=0.15, seed=5)
    first = collection.new_run()
    run_reconciliation(run=first)
    sea = world.users[Role.SEA_TEAM]
    claimed = DiscrepancyGroup.objects.filter(run=first, lea=world.own_lea).first()
    triage_group(group=claimed, user=sea, status=TriageStatus.FIXED_AT_SOURCE, notes="")
    untouched = DiscrepancyGroup.objects.filter(run=first).exclude(pk=claimed.pk).first()
    second = collection.new_run()  # the same files: nothing was fixed
    run_reconciliation(run=second)

    reopened = DiscrepancyGroup.objects.get(run=second, carried_from=claimed)
    assert reopened.status == TriageStatus.OPEN
    assert reopened.notes == (
        f"Reported fixed, but {reopened.count} still present in run {second.number}."
    )
    still_open = DiscrepancyGroup.objects.get(run=second, carried_from=untouched)
    assert (still_open.status, still_open.notes) == (TriageStatus.OPEN, "")
    assert not still_open.history.exists()  # never triaged: nothing was carried
    assert DiscrepancyGroup.objects.filter(run=second, carried_from__isnull=True).count() == 0


def _fix_legacy_file(collection, kind, keys, run):
    """Rewrite the legacy file so the group's discrepancies disappear, and upload it again."""
    from parallel.models import Side

    edfi = {(r["student_id"]): r for r in collection.data.edfi_records}
    columns = [c["column"] for c in collection.cycle.report_definition.columns]
    fields = [c["field"] for c in collection.cycle.report_definition.columns]
    lines = [",".join(columns)]
    students = {student for student, _ in keys}
    for record in collection.data.legacy_records:
        if kind == "only_legacy" and record["student_id"] in students:
            continue
        source = edfi[record["student_id"]] if record["student_id"] in students else record
        lines.append(",".join(str(source[f]) for f in fields))
    if kind == "only_edfi":
        for student in students:
            lines.append(",".join(str(edfi[student][f]) for f in fields))
    path = collection.data.directory / "legacy-fixed.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    collection.upload(path, Side.LEGACY)


def test_descriptor_values_without_a_mapping_are_reported(make_collection):
    from tests.mapping.factories import DescriptorValueFactory

    collection = make_collection(students=50, rate=0, upload=False)
    sepa = collection.data.sepa
    text = sepa.read_text().replace(
        "SpecialEducationSettingDescriptor#Separate school",
        "SpecialEducationSettingDescriptor#State Special Setting",
    )
    text = text.replace("Inside regular class 80% or more of the day", "Brand new setting", 1)
    sepa.write_text(text)
    collection.upload_all()
    # Valid Ed-Fi values (the catalog knows them) that nothing maps yet.
    for value in ("State Special Setting", "Brand new setting"):
        DescriptorValueFactory(
            descriptor__name="SpecialEducationSettingDescriptor", code_value=value
        )
    run = collection.new_run()

    run_reconciliation(run=run)

    run.refresh_from_db()
    values = {(m["field"], m["value"]) for m in run.missing_mappings}
    assert ("environment", "Brand new setting") in values
    assert all(m["records"] >= 1 for m in run.missing_mappings)
    mismatch = Discrepancy.objects.filter(run=run, field="environment", edfi_value="UNMAPPED")
    assert mismatch.exists()


@pytest.mark.parametrize(("status", "overrides"), [("approved", True), ("in_review", False)])
def test_approved_descriptor_mappings_of_the_cycles_plan_override_the_crosswalk(
    make_collection, status, overrides
):
    from tests.mapping.factories import (
        DescriptorMappingFactory,
        DescriptorValueFactory,
        MappingPlanFactory,
        StateCodeFactory,
        StateCodeSetFactory,
    )

    plan = MappingPlanFactory()
    code_set = StateCodeSetFactory(plan=plan, name="Sex")
    female = DescriptorValueFactory(descriptor__name="SexDescriptor", code_value="Female")
    # The state's legacy file says M for the Ed-Fi value Female: every female record now differs.
    DescriptorMappingFactory(
        state_code=StateCodeFactory(code_set=code_set, code="M"),
        descriptor_value=female,
        status=status,  # a mapping still in review is not used
    )
    male = DescriptorValueFactory(descriptor=female.descriptor, code_value="Male")
    for code in ("M1", "M2"):  # two codes roll up to Male: ambiguous, the crosswalk stays
        DescriptorMappingFactory(
            state_code=StateCodeFactory(code_set=code_set, code=code),
            descriptor_value=male,
            status="approved",
        )
    collection = make_collection(students=80, rate=0)
    collection.cycle.mapping_plan = plan
    collection.cycle.save()
    run = collection.new_run()

    run_reconciliation(run=run)

    females = {r["student_id"] for r in collection.data.legacy_records if r["sex"] == "F"}
    mismatched = {d.student_id for d in Discrepancy.objects.filter(run=run, field="sex")}
    if overrides:
        assert mismatched == females and females
        assert set(Discrepancy.objects.filter(run=run).values_list("field", flat=True)) == {"sex"}
    else:
        assert not Discrepancy.objects.filter(run=run).exists()


def test_descriptor_values_unknown_to_the_catalog_and_the_state_fail_the_run(make_collection):
    from parallel.errors import InputError
    from tests.mapping.factories import DescriptorValueFactory

    collection = make_collection(students=30, rate=0, upload=False)
    sepa = collection.data.sepa
    lines = sepa.read_text().splitlines()
    record = json.loads(lines[4])
    record["specialEducationSettingDescriptor"] = (
        "uri://ed-fi.org/SpecialEducationSettingDescriptor#Separate skool"
    )
    lines[4] = json.dumps(record)
    sepa.write_text("\n".join(lines) + "\n")
    collection.upload_all()
    DescriptorValueFactory(descriptor__name="SpecialEducationSettingDescriptor", code_value="Home")
    DescriptorValueFactory(descriptor__name="SexDescriptor", code_value="Female")
    run = collection.new_run()

    with pytest.raises(InputError) as caught:
        run_reconciliation(run=run)

    name = "studentSpecialEducationProgramAssociations.jsonl"
    assert caught.value.problems == [
        f"{name} line 5: specialEducationSettingDescriptor 'Separate skool' is not a "
        "SpecialEducationSettingDescriptor value known to the Ed-Fi catalog or the state's "
        "descriptor set (1 record)."
    ]
    run.refresh_from_db()
    assert run.state == RunState.FAILED
