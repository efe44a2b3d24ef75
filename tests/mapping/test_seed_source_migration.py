"""Migration 0004: free-text seed data sources become links to inventory systems."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [
    ("mapping", "0003_descriptor_mapping_review"),
    ("usecases", "0003_data_requirement_state_elements"),
]
AFTER = [("mapping", "0004_seed_data_source_from_inventory")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


# Inside the test's transaction: PostgreSQL rolls the schema back with the data.
@pytest.mark.django_db
def test_matching_names_are_linked_and_other_texts_are_kept_in_the_notes():
    old = _migrate(BEFORE)
    DataSystem = old.get_model("usecases", "DataSystem")
    DataStandardVersion = old.get_model("mapping", "DataStandardVersion")
    MappingPlan = old.get_model("mapping", "MappingPlan")
    Seed = old.get_model("mapping", "SeedDataElement")
    directory = DataSystem.objects.create(name="State Education Directory", system_type="other")
    DataSystem.objects.create(name="Ed-Fi ODS", system_type="ods")
    plan = MappingPlan.objects.create(
        name="Migration plan",
        data_standard_version=DataStandardVersion.objects.create(version="9.9.9"),
    )
    rows = {
        text: Seed.objects.create(
            plan=plan, category="programs", element=text, authoritative_source=text,
            delivery="Each July.", notes=notes,
        )
        for text, notes in [
            ("  state education directory ", ""),
            ("Ed-Fi ODS", ""),
            ("District spreadsheets", "Owner to confirm."),
        ]
    }  # fmt: skip
    unknown_row = rows["District spreadsheets"]
    old.get_model("mapping", "HistoricalSeedDataElement").objects.create(
        id=unknown_row.pk, plan_id=plan.pk, category="programs", element="Before",
        authoritative_source="District spreadsheets", delivery="Each July.", notes="",
        history_date=timezone.now(), history_type="+",
    )  # fmt: skip
    with connection.cursor() as cursor:
        # Check the new rows' foreign keys now: ALTER TABLE refuses pending deferred checks.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

    new = _migrate(AFTER)

    Seed = new.get_model("mapping", "SeedDataElement")
    linked, ods, unknown = (Seed.objects.get(pk=row.pk) for row in rows.values())
    assert linked.authoritative_source_id == directory.pk and linked.notes == ""
    assert ods.authoritative_source_id is None
    assert ods.notes.endswith("chosen from the data-system inventory: Ed-Fi ODS")
    assert unknown.authoritative_source_id is None
    assert unknown.notes.startswith("Owner to confirm.\n\n")
    assert unknown.notes.endswith(": District spreadsheets")
    [version] = new.get_model("mapping", "HistoricalSeedDataElement").objects.all()
    assert version.authoritative_source_id is None
    assert version.notes.endswith(": District spreadsheets")
