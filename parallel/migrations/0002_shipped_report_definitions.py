from django.db import migrations


def load(apps, schema_editor):
    from parallel.definitions import load_shipped_definitions

    load_shipped_definitions(apps.get_model("parallel", "ReportDefinition"))


class Migration(migrations.Migration):
    dependencies = [("parallel", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
