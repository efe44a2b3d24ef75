from django.db import migrations

NEW = "fall-membership"
CHILD_COUNTS = ("idea-child-count-school-age", "idea-child-count-early-childhood")


def ship_fall_membership(apps, schema_editor):
    """The shipped fall-membership definition (parallel/data/definitions.json); the grade-level
    rows it shares with the enrolment definition; the child counts' note on age 5.

    A definition that runs have read is left as it is (its results name crosswalk rows by
    number), as the definition service does; a note is updated only where it is the shipped one.
    """
    from parallel.definitions import FIELDS, shipped_definitions

    model = apps.get_model("parallel", "ReportDefinition")
    runs = apps.get_model("parallel", "ReconciliationRun")
    known = {f.name for f in model._meta.get_fields()}
    shipped = {data["code"]: data for data in shipped_definitions()}

    def read_by_runs(definition) -> bool:
        return runs.objects.filter(cycle__report_definition=definition).exists()

    values = {name: shipped[NEW][name] for name in FIELDS if name in known}
    definition, created = model.objects.get_or_create(code=NEW, defaults=values)
    if not created and not read_by_runs(definition):
        model.objects.filter(pk=definition.pk).update(**values)
    enrolment = model.objects.filter(code="enrolment").first()
    if enrolment is not None and not read_by_runs(enrolment):
        # Appended, so the rows already there keep their numbers.
        have = {(e.get("field"), str(e.get("edfi_code_value", "")).lower())
                for e in enrolment.crosswalk}  # fmt: skip
        added = [
            e for e in shipped["enrolment"]["crosswalk"]
            if e["field"] == "grade_level" and (e["field"], e["edfi_code_value"].lower()) not in have
        ]  # fmt: skip
        if added:
            model.objects.filter(pk=enrolment.pk).update(crosswalk=enrolment.crosswalk + added)
    for code in CHILD_COUNTS:
        note = shipped[code]["source"]
        before = note[: note.index(" Not derived: kindergarten.")]
        model.objects.filter(code=code, source=before).update(source=note)


class Migration(migrations.Migration):
    dependencies = [("parallel", "0006_duckdb_engine_explained_differences")]

    operations = [migrations.RunPython(ship_fall_membership, migrations.RunPython.noop)]
