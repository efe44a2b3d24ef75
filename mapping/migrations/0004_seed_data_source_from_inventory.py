"""Seed data names its authoritative source as a system of the data-system inventory.

Free-text sources become links to the inventory system of the same name (case and outer
spaces ignored) unless that system is an Ed-Fi ODS. A text that matches no system, or names an
ODS, leaves the link empty and is kept word for word in the row's notes, in every version of
its history too, so nothing recorded is lost and the row asks for a system at its next edit.
"""

import django.db.models.deletion
from django.db import migrations, models

HELP = (
    "The system in the data-system inventory where this data is created and maintained "
    "(never the ODS)."
)
NOTE = "Authoritative source as written before it was chosen from the data-system inventory: "


def _note(notes: str, text: str) -> str:
    line = NOTE + text
    return f"{notes.rstrip()}\n\n{line}" if notes.strip() else line


def link_sources(apps, schema_editor):
    DataSystem = apps.get_model("usecases", "DataSystem")
    systems = {s.name.strip().lower(): s for s in DataSystem.objects.exclude(system_type="ods")}
    for name in ("SeedDataElement", "HistoricalSeedDataElement"):
        for row in apps.get_model("mapping", name).objects.all():
            text = row.authoritative_source.strip()
            system = systems.get(text.lower())
            if system is not None:
                row.authoritative_system = system
            elif text:
                row.notes = _note(row.notes, text)
            row.save()


def unlink_sources(apps, schema_editor):
    for name in ("SeedDataElement", "HistoricalSeedDataElement"):
        for row in apps.get_model("mapping", name).objects.select_related("authoritative_system"):
            if row.authoritative_system is not None:
                row.authoritative_source = row.authoritative_system.name
            else:
                kept = [ln for ln in row.notes.splitlines() if ln.startswith(NOTE)]
                row.authoritative_source = kept[-1][len(NOTE) :][:200] if kept else ""
                row.notes = "\n".join(
                    ln for ln in row.notes.splitlines() if not ln.startswith(NOTE)
                ).rstrip()
            row.save()


class Migration(migrations.Migration):
    dependencies = [
        ("mapping", "0003_descriptor_mapping_review"),
        ("usecases", "0003_data_requirement_state_elements"),
    ]

    operations = [
        migrations.AddField(
            model_name="seeddataelement",
            name="authoritative_system",
            field=models.ForeignKey(
                help_text=HELP,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="seed_data",
                to="usecases.datasystem",
                verbose_name="authoritative source system",
            ),
        ),
        migrations.AddField(
            model_name="historicalseeddataelement",
            name="authoritative_system",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text=HELP,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="usecases.datasystem",
                verbose_name="authoritative source system",
            ),
        ),
        migrations.RunPython(link_sources, unlink_sources),
        migrations.RemoveField(model_name="seeddataelement", name="authoritative_source"),
        migrations.RemoveField(model_name="historicalseeddataelement", name="authoritative_source"),
        migrations.RenameField(
            model_name="seeddataelement",
            old_name="authoritative_system",
            new_name="authoritative_source",
        ),
        migrations.RenameField(
            model_name="historicalseeddataelement",
            old_name="authoritative_system",
            new_name="authoritative_source",
        ),
    ]
