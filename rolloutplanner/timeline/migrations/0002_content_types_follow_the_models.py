"""The timeline models' content types move from ``rolloutplanner`` to ``timeline``.

Renaming the rows (rather than letting new ones be created) keeps their ids, so permissions
granted on these models, admin log entries and links that name a content type still point
at them. On a fresh database there is nothing to rename yet: the rows are created after the
migrations, directly under ``timeline``.
"""

from django.db import migrations

MODELS = (
    "phase",
    "wave",
    "milestone",
    "milestonedependency",
    "baseline",
    "baselineentry",
    "changenotice",
    "calendarfeedtoken",
    "historicalphase",
    "historicalwave",
    "historicalmilestone",
    "historicalmilestonedependency",
    "historicalbaseline",
    "historicalchangenotice",
)


def _move(apps, *, source: str, target: str) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        old = content_type.objects.filter(app_label=source, model=model).first()
        if old is None:
            continue
        if content_type.objects.filter(app_label=target, model=model).exists():
            # Already created under the target (e.g. a post_migrate ran in between): the old
            # row is the one permissions point at only if nothing uses the new one, so keep
            # both rather than guess; the stale row is harmless.
            continue
        old.app_label = target
        old.save(update_fields=["app_label"])


def forwards(apps, schema_editor):
    _move(apps, source="rolloutplanner", target="timeline")


def backwards(apps, schema_editor):
    _move(apps, source="timeline", target="rolloutplanner")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("timeline", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
