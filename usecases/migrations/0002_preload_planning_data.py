from django.db import migrations


def preload(apps, schema_editor):
    from usecases.services.seed import load_checklist, load_decisions, load_default_instrument

    load_checklist(apps.get_model)
    load_default_instrument(apps.get_model)
    load_decisions(apps.get_model)


class Migration(migrations.Migration):
    dependencies = [("usecases", "0001_initial")]

    operations = [migrations.RunPython(preload, migrations.RunPython.noop)]
