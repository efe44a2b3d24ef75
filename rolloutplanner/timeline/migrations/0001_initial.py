"""The timeline's models, taken over from the ``rolloutplanner`` app on their existing tables.

State only: ``rolloutplanner.0002_timeline`` created these tables (kept by ``db_table`` and
the history's ``table_name``), and ``rolloutplanner.0004`` removed the models from that app's
state, so on a fresh database and on an existing one alike nothing is created or copied.
"""

import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("rolloutplanner", "0004_timeline_becomes_its_own_app"),
        ("leas", "0003_verbose_names_spell_acronyms"),
        ("vendors", "0003_verbose_names_spell_acronyms"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Phase",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("number", models.PositiveSmallIntegerField(unique=True)),
                        ("name", models.CharField(max_length=100)),
                        ("description", models.TextField(blank=True)),
                    ],
                    options={
                        "db_table": "rolloutplanner_phase",
                        "ordering": ["number"],
                    },
                ),
                migrations.CreateModel(
                    name="Baseline",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("name", models.CharField(max_length=100)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "created_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "rolloutplanner_baseline",
                        "ordering": ["-created_at", "-pk"],
                    },
                ),
                migrations.CreateModel(
                    name="CalendarFeedToken",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("prefix", models.CharField(db_index=True, max_length=8)),
                        ("digest", models.CharField(max_length=64, unique=True)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("revoked_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="calendar_feed_tokens",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "rolloutplanner_calendarfeedtoken",
                        "ordering": ["-created_at"],
                    },
                ),
                migrations.CreateModel(
                    name="HistoricalBaseline",
                    fields=[
                        (
                            "id",
                            models.BigIntegerField(
                                auto_created=True, blank=True, db_index=True, verbose_name="ID"
                            ),
                        ),
                        ("name", models.CharField(max_length=100)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("history_id", models.AutoField(primary_key=True, serialize=False)),
                        ("history_date", models.DateTimeField(db_index=True)),
                        ("history_change_reason", models.CharField(max_length=100, null=True)),
                        (
                            "history_type",
                            models.CharField(
                                choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")],
                                max_length=1,
                            ),
                        ),
                        (
                            "created_by",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "history_user",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "historical baseline",
                        "verbose_name_plural": "historical baselines",
                        "db_table": "rolloutplanner_historicalbaseline",
                        "ordering": ("-history_date", "-history_id"),
                        "get_latest_by": ("history_date", "history_id"),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name="HistoricalPhase",
                    fields=[
                        (
                            "id",
                            models.BigIntegerField(
                                auto_created=True, blank=True, db_index=True, verbose_name="ID"
                            ),
                        ),
                        ("number", models.PositiveSmallIntegerField(db_index=True)),
                        ("name", models.CharField(max_length=100)),
                        ("description", models.TextField(blank=True)),
                        ("history_id", models.AutoField(primary_key=True, serialize=False)),
                        ("history_date", models.DateTimeField(db_index=True)),
                        ("history_change_reason", models.CharField(max_length=100, null=True)),
                        (
                            "history_type",
                            models.CharField(
                                choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")],
                                max_length=1,
                            ),
                        ),
                        (
                            "history_user",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "historical phase",
                        "verbose_name_plural": "historical phases",
                        "db_table": "rolloutplanner_historicalphase",
                        "ordering": ("-history_date", "-history_id"),
                        "get_latest_by": ("history_date", "history_id"),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name="HistoricalWave",
                    fields=[
                        (
                            "id",
                            models.BigIntegerField(
                                auto_created=True, blank=True, db_index=True, verbose_name="ID"
                            ),
                        ),
                        ("name", models.CharField(db_index=True, max_length=100)),
                        ("description", models.TextField(blank=True)),
                        ("history_id", models.AutoField(primary_key=True, serialize=False)),
                        ("history_date", models.DateTimeField(db_index=True)),
                        ("history_change_reason", models.CharField(max_length=100, null=True)),
                        (
                            "history_type",
                            models.CharField(
                                choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")],
                                max_length=1,
                            ),
                        ),
                        (
                            "history_user",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "historical wave",
                        "verbose_name_plural": "historical waves",
                        "db_table": "rolloutplanner_historicalwave",
                        "ordering": ("-history_date", "-history_id"),
                        "get_latest_by": ("history_date", "history_id"),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name="Milestone",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "code",
                            models.CharField(
                                blank=True,
                                help_text="Template step code, e.g. 2.1a.",
                                max_length=20,
                            ),
                        ),
                        ("name", models.CharField(max_length=200)),
                        (
                            "kind",
                            models.CharField(
                                choices=[("step", "Step"), ("milestone", "Milestone")],
                                default="milestone",
                                max_length=10,
                            ),
                        ),
                        (
                            "scope",
                            models.CharField(
                                choices=[
                                    ("statewide", "Statewide"),
                                    ("wave", "Wave of LEAs"),
                                    ("lea", "One LEA"),
                                    ("vendor", "One vendor"),
                                ],
                                default="statewide",
                                max_length=10,
                            ),
                        ),
                        ("planned_start", models.DateField()),
                        ("planned_end", models.DateField()),
                        ("actual_start", models.DateField(blank=True, null=True)),
                        ("actual_end", models.DateField(blank=True, null=True)),
                        ("description", models.TextField(blank=True)),
                        (
                            "updated_at",
                            models.DateTimeField(db_index=True, default=django.utils.timezone.now),
                        ),
                        (
                            "lea",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="milestones",
                                to="leas.lea",
                                verbose_name="LEA",
                            ),
                        ),
                        (
                            "owner",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="owned_milestones",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "vendor",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="milestones",
                                to="vendors.vendor",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "rolloutplanner_milestone",
                        "ordering": ["planned_start", "phase__number", "code", "pk"],
                    },
                ),
                migrations.CreateModel(
                    name="HistoricalMilestoneDependency",
                    fields=[
                        (
                            "id",
                            models.BigIntegerField(
                                auto_created=True, blank=True, db_index=True, verbose_name="ID"
                            ),
                        ),
                        ("history_id", models.AutoField(primary_key=True, serialize=False)),
                        ("history_date", models.DateTimeField(db_index=True)),
                        ("history_change_reason", models.CharField(max_length=100, null=True)),
                        (
                            "history_type",
                            models.CharField(
                                choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")],
                                max_length=1,
                            ),
                        ),
                        (
                            "history_user",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "predecessor",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="timeline.milestone",
                            ),
                        ),
                        (
                            "successor",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="timeline.milestone",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "historical milestone dependency",
                        "verbose_name_plural": "historical milestone dependencies",
                        "db_table": "rolloutplanner_historicalmilestonedependency",
                        "ordering": ("-history_date", "-history_id"),
                        "get_latest_by": ("history_date", "history_id"),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name="HistoricalChangeNotice",
                    fields=[
                        (
                            "id",
                            models.BigIntegerField(
                                auto_created=True, blank=True, db_index=True, verbose_name="ID"
                            ),
                        ),
                        ("old_start", models.DateField()),
                        ("old_end", models.DateField()),
                        ("new_start", models.DateField()),
                        ("new_end", models.DateField()),
                        ("reason", models.CharField(max_length=300)),
                        (
                            "created_at",
                            models.DateTimeField(db_index=True, default=django.utils.timezone.now),
                        ),
                        ("emailed_at", models.DateTimeField(blank=True, db_index=True, null=True)),
                        ("history_id", models.AutoField(primary_key=True, serialize=False)),
                        ("history_date", models.DateTimeField(db_index=True)),
                        ("history_change_reason", models.CharField(max_length=100, null=True)),
                        (
                            "history_type",
                            models.CharField(
                                choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")],
                                max_length=1,
                            ),
                        ),
                        (
                            "changed_by",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "history_user",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "lea",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="leas.lea",
                                verbose_name="LEA",
                            ),
                        ),
                        (
                            "vendor",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="vendors.vendor",
                            ),
                        ),
                        (
                            "milestone",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="timeline.milestone",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "historical change notice",
                        "verbose_name_plural": "historical change notices",
                        "db_table": "rolloutplanner_historicalchangenotice",
                        "ordering": ("-history_date", "-history_id"),
                        "get_latest_by": ("history_date", "history_id"),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name="ChangeNotice",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("old_start", models.DateField()),
                        ("old_end", models.DateField()),
                        ("new_start", models.DateField()),
                        ("new_end", models.DateField()),
                        ("reason", models.CharField(max_length=300)),
                        (
                            "created_at",
                            models.DateTimeField(db_index=True, default=django.utils.timezone.now),
                        ),
                        ("emailed_at", models.DateTimeField(blank=True, db_index=True, null=True)),
                        (
                            "changed_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "lea",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="change_notices",
                                to="leas.lea",
                                verbose_name="LEA",
                            ),
                        ),
                        (
                            "vendor",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="change_notices",
                                to="vendors.vendor",
                            ),
                        ),
                        (
                            "milestone",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="notices",
                                to="timeline.milestone",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "rolloutplanner_changenotice",
                        "ordering": ["-created_at", "-pk"],
                    },
                ),
                migrations.CreateModel(
                    name="MilestoneDependency",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "predecessor",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="successor_links",
                                to="timeline.milestone",
                            ),
                        ),
                        (
                            "successor",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="predecessor_links",
                                to="timeline.milestone",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "milestone dependency",
                        "verbose_name_plural": "milestone dependencies",
                        "db_table": "rolloutplanner_milestonedependency",
                        "ordering": ["successor_id", "predecessor_id"],
                    },
                ),
                migrations.AddField(
                    model_name="milestone",
                    name="predecessors",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="successors",
                        through="timeline.MilestoneDependency",
                        through_fields=("successor", "predecessor"),
                        to="timeline.milestone",
                    ),
                ),
                migrations.AddField(
                    model_name="milestone",
                    name="phase",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="milestones",
                        to="timeline.phase",
                    ),
                ),
                migrations.CreateModel(
                    name="Wave",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("name", models.CharField(max_length=100, unique=True)),
                        ("description", models.TextField(blank=True)),
                        (
                            "leas",
                            models.ManyToManyField(
                                blank=True, related_name="waves", to="leas.lea", verbose_name="LEAs"
                            ),
                        ),
                    ],
                    options={
                        "db_table": "rolloutplanner_wave",
                        "ordering": ["name"],
                    },
                ),
                migrations.AddField(
                    model_name="milestone",
                    name="wave",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="milestones",
                        to="timeline.wave",
                    ),
                ),
                migrations.CreateModel(
                    name="HistoricalMilestone",
                    fields=[
                        (
                            "id",
                            models.BigIntegerField(
                                auto_created=True, blank=True, db_index=True, verbose_name="ID"
                            ),
                        ),
                        (
                            "code",
                            models.CharField(
                                blank=True,
                                help_text="Template step code, e.g. 2.1a.",
                                max_length=20,
                            ),
                        ),
                        ("name", models.CharField(max_length=200)),
                        (
                            "kind",
                            models.CharField(
                                choices=[("step", "Step"), ("milestone", "Milestone")],
                                default="milestone",
                                max_length=10,
                            ),
                        ),
                        (
                            "scope",
                            models.CharField(
                                choices=[
                                    ("statewide", "Statewide"),
                                    ("wave", "Wave of LEAs"),
                                    ("lea", "One LEA"),
                                    ("vendor", "One vendor"),
                                ],
                                default="statewide",
                                max_length=10,
                            ),
                        ),
                        ("planned_start", models.DateField()),
                        ("planned_end", models.DateField()),
                        ("actual_start", models.DateField(blank=True, null=True)),
                        ("actual_end", models.DateField(blank=True, null=True)),
                        ("description", models.TextField(blank=True)),
                        ("history_id", models.AutoField(primary_key=True, serialize=False)),
                        ("history_date", models.DateTimeField(db_index=True)),
                        ("history_change_reason", models.CharField(max_length=100, null=True)),
                        (
                            "history_type",
                            models.CharField(
                                choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")],
                                max_length=1,
                            ),
                        ),
                        (
                            "history_user",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "lea",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="leas.lea",
                                verbose_name="LEA",
                            ),
                        ),
                        (
                            "owner",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "vendor",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="vendors.vendor",
                            ),
                        ),
                        (
                            "phase",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="timeline.phase",
                            ),
                        ),
                        (
                            "wave",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="timeline.wave",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "historical milestone",
                        "verbose_name_plural": "historical milestones",
                        "db_table": "rolloutplanner_historicalmilestone",
                        "ordering": ("-history_date", "-history_id"),
                        "get_latest_by": ("history_date", "history_id"),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name="BaselineEntry",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("planned_start", models.DateField()),
                        ("planned_end", models.DateField()),
                        (
                            "baseline",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="entries",
                                to="timeline.baseline",
                            ),
                        ),
                        (
                            "milestone",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="baseline_entries",
                                to="timeline.milestone",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "rolloutplanner_baselineentry",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("baseline", "milestone"), name="unique_baseline_milestone"
                            )
                        ],
                    },
                ),
                migrations.AddConstraint(
                    model_name="milestonedependency",
                    constraint=models.UniqueConstraint(
                        fields=("predecessor", "successor"), name="unique_milestone_dependency"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="milestonedependency",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("predecessor", models.F("successor")), _negated=True),
                        name="milestone_dependency_not_self",
                    ),
                ),
                migrations.AddIndex(
                    model_name="milestone",
                    index=models.Index(
                        fields=["phase", "planned_start"], name="rolloutplan_phase_i_52e4de_idx"
                    ),
                ),
                migrations.AddIndex(
                    model_name="milestone",
                    index=models.Index(
                        fields=["lea", "planned_start"], name="rolloutplan_lea_id_9f8934_idx"
                    ),
                ),
                migrations.AddIndex(
                    model_name="milestone",
                    index=models.Index(
                        fields=["vendor", "planned_start"], name="rolloutplan_vendor__936a31_idx"
                    ),
                ),
                migrations.AddIndex(
                    model_name="milestone",
                    index=models.Index(
                        fields=["scope", "planned_start"], name="rolloutplan_scope_b02c78_idx"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="milestone",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("planned_end__gte", models.F("planned_start"))),
                        name="milestone_planned_end_after_start",
                    ),
                ),
            ],
            # The tables exist (``rolloutplanner.0002_timeline`` created them): state only.
            database_operations=[],
        ),
    ]
