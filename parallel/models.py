"""Parallel-year comparison: collections, report definitions, uploads, runs and their results.

Student-level rows (:class:`Discrepancy`, uploaded files) are visible to the SEA team and the
LEA's own coordinators only; leadership sees aggregates (:class:`LEARunSummary`,
:class:`AggregateDifference`, :class:`DiscrepancyGroup`).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from parallel.querysets import (
    AggregateDifferenceQuerySet,
    CollectionCycleQuerySet,
    DiscrepancyGroupQuerySet,
    DiscrepancyQuerySet,
    DownloadLogQuerySet,
    EdFiConnectionQuerySet,
    EdFiPullQuerySet,
    LEARunSummaryQuerySet,
    PurgeLogQuerySet,
    ReconciliationRunQuerySet,
    ReportDefinitionQuerySet,
    SubmissionFileQuerySet,
)
from rolloutplanner.permissions import OWNER_UPDATES, ObjectPolicy

IDENTIFIER = r"^[a-z][a-z0-9_]{0,40}$"


class Derivation(models.TextChoices):
    """The shipped Ed-Fi source a definition without its own uses (``edfi_source``)."""

    IDEA_CHILD_COUNT = "idea_child_count", "IDEA child count (special-education program)"
    ENROLMENT = "enrolment", "Enrolment (student–school association)"


class ReportDefinition(models.Model):
    """What is compared: record key, compared fields, layout, category sets, crosswalk, tolerance.

    Definitions are data: the shipped ones come from ``parallel/data/definitions.json`` and the
    SEA team adds and edits them on the definition pages or through the API (checked by
    ``parallel.services.definitions``); one read by runs is copied, not edited.
    """

    permission_policy = ObjectPolicy(shared=True)

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    file_specs = models.CharField("EDFacts file specs", max_length=60, blank=True)
    derivation = models.CharField(max_length=32, choices=Derivation.choices)
    columns = models.JSONField(
        default=list,
        help_text='Legacy file layout: [{"column", "field", "label", "category", '
        '"permitted_values"}] in file order.',
    )
    record_key = models.JSONField(default=list, help_text="Fields that identify a record.")
    compared_fields = models.JSONField(default=list)
    category_sets = models.JSONField(
        default=list, help_text='[{"code", "name", "fields": [...]}]; empty fields = total.'
    )
    crosswalk = models.JSONField(
        default=list,
        help_text='Descriptor code value → state/EDFacts code: [{"field", "descriptor", '
        '"edfi_code_value", "code", "source"}].',
    )
    population = models.JSONField(default=dict, blank=True)
    tolerance_absolute = models.PositiveIntegerField(
        default=0, help_text="A cell is within tolerance when |difference| is at most this …"
    )
    tolerance_percent = models.DecimalField(
        max_digits=5, decimal_places=2, default=0, help_text="… or at most this % of legacy."
    )
    source = models.TextField(blank=True, help_text="Where the definition's data comes from.")
    edfi_source = models.JSONField(
        "Ed-Fi source",
        default=dict,
        blank=True,
        help_text="How the Ed-Fi records are built: record, joins, population rules and each "
        "compared field's source (parallel/engine/vocabulary.py). Empty: the shipped one of the "
        "derivation.",
    )

    history = HistoricalRecords()
    objects = ReportDefinitionQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("parallel:reportdefinition-detail", args=[self.pk])

    @property
    def field_names(self) -> list[str]:
        return [column["field"] for column in self.columns]

    def clean(self) -> None:
        import re

        shape_errors = self._shape_errors()
        if shape_errors:
            raise ValidationError(shape_errors)
        fields = self.field_names
        bad = [name for name in fields if not re.match(IDENTIFIER, str(name))]
        if bad:
            raise ValidationError({"columns": f"Field names must be lower_snake_case: {bad}."})
        for name in [*self.record_key, *self.compared_fields]:
            if name not in fields:
                raise ValidationError(f"'{name}' is not a field of the layout.")
        for category_set in self.category_sets:
            unknown = set(category_set.get("fields", [])) - set(self.compared_fields)
            if unknown:
                raise ValidationError(
                    {"category_sets": f"{category_set.get('code')}: unknown {sorted(unknown)}."}
                )
        if set(self.record_key) != {"lea_id", "student_id"}:
            raise ValidationError({"record_key": "The record key is lea_id + student_id."})

    def _shape_errors(self) -> dict[str, str]:
        """The JSON fields that do not have the shape the rules below read (e.g. ``null``)."""
        lists = ("columns", "record_key", "compared_fields", "category_sets", "crosswalk")
        errors = {
            name: "Give a JSON list." for name in lists if not isinstance(getattr(self, name), list)
        }
        if not isinstance(self.population, dict):
            errors["population"] = "Give a JSON object."
        if "columns" not in errors and not all(
            isinstance(column, dict) and "field" in column for column in self.columns
        ):
            errors["columns"] = 'Each column is a JSON object with a "field".'
        if "category_sets" not in errors and not all(
            isinstance(category_set, dict) and isinstance(category_set.get("fields", []), list)
            for category_set in self.category_sets
        ):
            errors["category_sets"] = 'Each category set is a JSON object with a "fields" list.'
        for name in ("record_key", "compared_fields"):
            if name not in errors and not all(isinstance(v, str) for v in getattr(self, name)):
                errors[name] = "Give a JSON list of field names."
        return errors


class CollectionCycle(models.Model):
    """One collection reported twice in the parallel year (legacy files and Ed-Fi)."""

    permission_policy = ObjectPolicy(shared=True)

    name = models.CharField(max_length=200)
    school_year = models.CharField(max_length=9, help_text="e.g. 2025-26")
    report_definition = models.ForeignKey(
        ReportDefinition, on_delete=models.PROTECT, related_name="cycles"
    )
    snapshot_date = models.DateField(help_text="The as-of date (child count date).")
    legacy_due_date = models.DateField(null=True, blank=True)
    edfi_due_date = models.DateField("Ed-Fi due date", null=True, blank=True)
    leas = models.ManyToManyField(
        "leas.LEA", blank=True, related_name="collection_cycles", verbose_name="LEAs"
    )
    mapping_plan = models.ForeignKey(
        "mapping.MappingPlan",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Its descriptor mappings translate Ed-Fi values, ahead of the crosswalk.",
    )

    history = HistoricalRecords()
    objects = CollectionCycleQuerySet.as_manager()

    class Meta:
        ordering = ["-snapshot_date", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.school_year})"

    def get_absolute_url(self) -> str:
        return reverse("parallel:collectioncycle-detail", args=[self.pk])


class Side(models.TextChoices):
    LEGACY = "legacy", "Legacy file submission"
    EDFI = "edfi", "Ed-Fi extract"


class EdFiResource(models.TextChoices):
    STUDENTS = "students", "students"
    STUDENT_EDORG = (
        "studentEducationOrganizationAssociations",
        ("studentEducationOrganizationAssociations"),
    )
    STUDENT_SCHOOL = "studentSchoolAssociations", "studentSchoolAssociations"
    STUDENT_SPED = (
        "studentSpecialEducationProgramAssociations",
        ("studentSpecialEducationProgramAssociations"),
    )
    SCHOOLS = "schools", "schools"


class ContractState(models.TextChoices):
    """Where an Ed-Fi file's check against the Ed-Fi API contract stands (see
    ``services.contract_checks``)."""

    NOT_CHECKED = "", "Not checked"
    QUEUED = "queued", "Being checked"
    KEPT = "kept", "Keeps the Ed-Fi API contract"
    BROKEN = "broken", "Breaks the Ed-Fi API contract"


class SubmissionFile(models.Model):
    """An uploaded legacy CSV or Ed-Fi extract (JSON / JSON Lines). Purged after retention."""

    permission_policy = ObjectPolicy(lea_path="lea", leadership_can_view=False)

    cycle = models.ForeignKey(CollectionCycle, on_delete=models.CASCADE, related_name="files")
    side = models.CharField(max_length=8, choices=Side.choices)
    resource = models.CharField(
        "Ed-Fi resource", max_length=60, choices=EdFiResource.choices, blank=True
    )
    lea = models.ForeignKey(
        "leas.LEA",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        verbose_name="LEA",
        help_text="Blank: statewide.",
    )
    file = models.FileField(upload_to="parallel/uploads/%Y/%m/", blank=True)
    original_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    purged_at = models.DateTimeField(null=True, blank=True)
    # An Ed-Fi file's check against the Ed-Fi API contract, made once after upload:
    # {"state": ContractState, "problems": [...], "one_record_per_line": bool,
    #  "version": ..., "checked_at": ...} (services.contract_checks writes it).
    contract_check = models.JSONField(default=dict, blank=True, editable=False)

    history = HistoricalRecords()
    objects = SubmissionFileQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("parallel:collectioncycle-detail", args=[self.cycle_id])

    @property
    def contract_state(self) -> str:
        return (self.contract_check or {}).get("state", ContractState.NOT_CHECKED)

    def get_contract_state_display(self) -> str:
        return ContractState(self.contract_state).label


class RunState(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    COMPLETE = "complete", "Complete"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


class ReconciliationRun(models.Model):
    """One comparison of a cycle's files. Results appear only when the run is complete."""

    permission_policy = ObjectPolicy(shared=True)

    cycle = models.ForeignKey(CollectionCycle, on_delete=models.CASCADE, related_name="runs")
    number = models.PositiveIntegerField(help_text="1, 2, … within the cycle.")
    files = models.ManyToManyField(SubmissionFile, related_name="runs")
    job = models.ForeignKey(
        "rolloutplanner.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(max_length=12, choices=RunState.choices, default=RunState.QUEUED)
    previous_run = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    input_digest = models.CharField(max_length=64, blank=True)
    errors = models.JSONField(default=list, blank=True, help_text="Input problems, if it failed.")
    missing_mappings = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(
        default=list,
        blank=True,
        help_text='Data-quality warnings: [{"code", "message", "count", "examples"}].',
    )
    messages = models.JSONField(
        default=list, blank=True, help_text="Notes on the input (e.g. legacy columns ignored)."
    )
    totals = models.JSONField(default=dict, blank=True)
    timings = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    student_rows_purged_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()
    objects = ReconciliationRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "number"], name="unique_run_number")
        ]

    def __str__(self) -> str:
        return f"{self.cycle.name} run {self.number}"

    def get_absolute_url(self) -> str:
        return reverse("parallel:reconciliationrun-detail", args=[self.pk])

    @property
    def is_complete(self) -> bool:
        return self.state == RunState.COMPLETE

    @property
    def state_label(self) -> str:
        """The run's state, or its job's when the job ended before the run started."""
        if self.state == RunState.QUEUED and self.job_id and self.job.is_finished:
            return self.job.get_state_display()
        return self.get_state_display()


# Result rows. A run writes a few hundred thousand cells and student rows in one transaction. Their
# references (run, LEA, group) are not checked by database constraints, which PostgreSQL checks
# row by row (at a million students that took longer than writing the rows). They stay sound
# because: the rows are written only by ``engine.store`` (``copy_results``, ``insert_results``),
# from the run and the cycle's LEAs, in the transaction that also writes the run's LEA summaries;
# every LEA with a cell or a student row has a summary, and the summaries' constraints (kept)
# make a concurrent delete of the run or of such an LEA fail; Django's ``on_delete`` cascades do
# the deleting.


class LEARunSummary(models.Model):
    """Per LEA in a run: record counts, discrepancy counts, match rate, tolerance."""

    permission_policy = ObjectPolicy(lea_path="lea")

    run = models.ForeignKey(ReconciliationRun, on_delete=models.CASCADE, related_name="summaries")
    lea = models.ForeignKey(
        "leas.LEA", on_delete=models.CASCADE, related_name="+", verbose_name="LEA"
    )
    legacy_records = models.PositiveIntegerField(default=0)
    edfi_records = models.PositiveIntegerField("Ed-Fi records", default=0)
    matched_records = models.PositiveIntegerField(default=0)
    only_in_legacy = models.PositiveIntegerField(default=0)
    only_in_edfi = models.PositiveIntegerField("only in Ed-Fi", default=0)
    records_with_mismatches = models.PositiveIntegerField(default=0)
    field_mismatches = models.PositiveIntegerField(default=0)
    match_rate = models.DecimalField(max_digits=6, decimal_places=2, default=0)
    cells_outside_tolerance = models.PositiveIntegerField(default=0)
    within_tolerance = models.BooleanField(default=False)
    only_in_legacy_excluded = models.PositiveIntegerField(
        default=0, help_text="Of only_in_legacy: present in Ed-Fi but excluded or in another LEA."
    )
    only_in_edfi_excluded = models.PositiveIntegerField(
        "only in Ed-Fi, excluded",
        default=0,
        help_text="Of only_in_edfi: present in the legacy file in another LEA.",
    )

    history = HistoricalRecords()
    objects = LEARunSummaryQuerySet.as_manager()

    class Meta:
        ordering = ["match_rate", "lea__name"]
        constraints = [models.UniqueConstraint(fields=["run", "lea"], name="unique_run_lea")]
        verbose_name = "LEA run summary"
        verbose_name_plural = "LEA run summaries"

    def __str__(self) -> str:
        return f"{self.lea} in {self.run}"

    def get_absolute_url(self) -> str:
        return reverse("parallel:lea-results", args=[self.run_id, self.lea_id])


class AggregateDifference(models.Model):
    """Legacy vs Ed-Fi count for one LEA × category combination of one category set."""

    permission_policy = ObjectPolicy(lea_path="lea")

    # No database constraint on run and LEA: see the note on result rows above LEARunSummary.
    run = models.ForeignKey(
        ReconciliationRun, on_delete=models.CASCADE, related_name="aggregates",
        db_constraint=False,
    )  # fmt: skip
    lea = models.ForeignKey(
        "leas.LEA", on_delete=models.CASCADE, related_name="+", verbose_name="LEA",
        db_constraint=False,
    )  # fmt: skip
    category_set = models.CharField(max_length=10)
    categories = models.JSONField(default=dict)
    legacy_count = models.PositiveIntegerField(default=0)
    edfi_count = models.PositiveIntegerField("Ed-Fi count", default=0)
    difference = models.IntegerField(default=0)
    within_tolerance = models.BooleanField(default=True)

    history = HistoricalRecords()
    objects = AggregateDifferenceQuerySet.as_manager()

    class Meta:
        ordering = ["lea_id", "category_set", "pk"]

    def __str__(self) -> str:
        return f"{self.category_set} {self.categories}"

    def get_absolute_url(self) -> str:
        return reverse("parallel:lea-results", args=[self.run_id, self.lea_id])


class DiscrepancyKind(models.TextChoices):
    ONLY_IN_LEGACY = "only_legacy", "Only in legacy"
    ONLY_IN_EDFI = "only_edfi", "Only in Ed-Fi"
    FIELD_MISMATCH = "mismatch", "Field mismatch"


class DifferenceCause(models.TextChoices):
    """Why a record is on one side only."""

    MISSING = "missing", "Missing (no record on the other side)"
    EXCLUDED = "excluded", "Present but excluded by a population rule"
    OTHER_LEA = "other_lea", "Present in another LEA"


class ResponsibleParty(models.TextChoices):
    UNASSIGNED = "", "Not assigned"
    SEA = "sea", "SEA"
    LEA = "lea", "LEA"
    VENDOR = "vendor", "Vendor"


class TriageStatus(models.TextChoices):
    OPEN = "open", "Open"
    EXPLAINED = "explained", "Explained"
    FIXED_AT_SOURCE = "fixed", "Fixed at source"
    ACCEPTED = "accepted", "Accepted difference"
    VERIFIED = "verified", "Verified on a later run"


# What an LEA coordinator may set; the SEA team may set any status.
LEA_SETTABLE_STATUSES = frozenset({TriageStatus.EXPLAINED, TriageStatus.FIXED_AT_SOURCE})


class DiscrepancyGroup(models.Model):
    """Discrepancies of one LEA, kind and field in a run: the unit of triage."""

    permission_policy = ObjectPolicy(
        lea_path="lea", vendor_path="responsible_vendor", lea_actions=OWNER_UPDATES
    )

    run = models.ForeignKey(ReconciliationRun, on_delete=models.CASCADE, related_name="groups")
    lea = models.ForeignKey(
        "leas.LEA", on_delete=models.CASCADE, related_name="+", verbose_name="LEA"
    )
    kind = models.CharField(max_length=12, choices=DiscrepancyKind.choices)
    field = models.CharField(max_length=60, blank=True)
    count = models.PositiveIntegerField(default=0)
    new_count = models.PositiveIntegerField(
        default=0, help_text="Discrepancies not seen in the previous run."
    )
    responsible_party = models.CharField(max_length=8, choices=ResponsibleParty.choices, blank=True)
    responsible_vendor = models.ForeignKey(
        "vendors.Vendor", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=TriageStatus.choices, default=TriageStatus.OPEN
    )
    notes = models.TextField(blank=True)
    carried_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="carried_to"
    )

    history = HistoricalRecords()
    objects = DiscrepancyGroupQuerySet.as_manager()

    class Meta:
        ordering = ["lea__name", "kind", "field"]
        constraints = [
            models.UniqueConstraint(fields=["run", "lea", "kind", "field"], name="unique_group")
        ]
        verbose_name = "discrepancy group"

    def __str__(self) -> str:
        label = self.get_kind_display()
        return f"{label}: {self.field}" if self.field else label

    def get_absolute_url(self) -> str:
        return reverse("parallel:discrepancygroup-detail", args=[self.pk])

    def clean(self) -> None:
        if self.responsible_party == ResponsibleParty.VENDOR and not self.responsible_vendor_id:
            raise ValidationError({"responsible_vendor": "Name the vendor responsible."})
        if self.responsible_party != ResponsibleParty.VENDOR and self.responsible_vendor_id:
            raise ValidationError({"responsible_vendor": "Only for a vendor's responsibility."})


class Discrepancy(models.Model):
    """One student-level difference. Purged with the staged data after the retention period."""

    permission_policy = ObjectPolicy(lea_path="lea", leadership_can_view=False)

    # No database constraint on run, group and LEA: see the note on result rows above LEARunSummary.
    run = models.ForeignKey(
        ReconciliationRun, on_delete=models.CASCADE, related_name="discrepancies",
        db_constraint=False,
    )  # fmt: skip
    group = models.ForeignKey(
        DiscrepancyGroup, on_delete=models.CASCADE, related_name="discrepancies",
        db_constraint=False,
    )  # fmt: skip
    lea = models.ForeignKey(
        "leas.LEA", on_delete=models.CASCADE, related_name="+", verbose_name="LEA",
        db_constraint=False,
    )  # fmt: skip
    kind = models.CharField(max_length=12, choices=DiscrepancyKind.choices)
    student_id = models.CharField("student ID", max_length=60)
    field = models.CharField(max_length=60, blank=True)
    legacy_value = models.CharField(max_length=200, blank=True)
    edfi_value = models.CharField("Ed-Fi value", max_length=200, blank=True)
    edfi_raw = models.CharField(
        "raw Ed-Fi value", max_length=200, blank=True,
        help_text="The Ed-Fi value(s) the derived value came from (descriptor code value, …).",
    )  # fmt: skip
    mapping_entry = models.CharField(
        max_length=40, blank=True,
        help_text="crosswalk:<n> (row n of the definition's crosswalk) or mapping:<id> (an "
        "approved descriptor mapping) that turned the raw value into the code.",
    )  # fmt: skip
    cause = models.CharField(
        max_length=12, choices=DifferenceCause.choices, blank=True,
        help_text="For a record on one side only: why.",
    )  # fmt: skip
    explanation = models.CharField(max_length=300, blank=True)
    first_seen_run = models.ForeignKey(
        ReconciliationRun, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    # Student-level rows are many and written set-wise in SQL; their history is the run itself.
    objects = DiscrepancyQuerySet.as_manager()

    class Meta:
        ordering = ["lea_id", "kind", "field", "student_id"]
        indexes = [models.Index(fields=["run", "lea", "kind", "field"])]
        verbose_name_plural = "discrepancies"

    def __str__(self) -> str:
        return f"{self.student_id}: {self.get_kind_display()} {self.field}".strip()

    def get_absolute_url(self) -> str:
        return reverse("parallel:lea-results", args=[self.run_id, self.lea_id])

    @property
    def mapping_entry_link(self) -> tuple[str, str] | None:
        """(label, URL) of the crosswalk row or approved descriptor mapping that produced the
        Ed-Fi code, or None when no code was translated."""
        source, _, number = self.mapping_entry.partition(":")
        if not number.isdigit():
            return None
        if source == "mapping":
            return "Descriptor mapping", reverse("mapping:descriptormapping-detail", args=[number])
        definition = self.run.cycle.report_definition
        return f"Crosswalk row {number}", f"{definition.get_absolute_url()}#crosswalk-{number}"


class DownloadLog(models.Model):
    """Who downloaded which student-level data, and when (FERPA audit trail)."""

    permission_policy = ObjectPolicy(leadership_can_view=False)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    what = models.CharField(max_length=255)
    run = models.ForeignKey(ReconciliationRun, null=True, on_delete=models.SET_NULL)
    lea = models.ForeignKey(
        "leas.LEA", null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="LEA"
    )
    file_format = models.CharField(max_length=8)
    row_count = models.PositiveIntegerField(default=0)

    history = HistoricalRecords()
    objects = DownloadLogQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.user} downloaded {self.what} at {self.at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("parallel:downloadlog-list")


class PurgeLog(models.Model):
    """A retention purge: what student-level data was deleted, and when."""

    permission_policy = ObjectPolicy(leadership_can_view=False)

    at = models.DateTimeField(default=timezone.now)
    cutoff = models.DateTimeField()
    files_purged = models.PositiveIntegerField(default=0)
    runs_purged = models.PositiveIntegerField(default=0)
    discrepancies_deleted = models.PositiveIntegerField(default=0)

    history = HistoricalRecords()
    objects = PurgeLogQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"Purge at {self.at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("parallel:dashboard")


class EdFiConnection(models.Model):
    """An Ed-Fi ODS/API to pull a cycle's Ed-Fi side from. The secret is stored encrypted."""

    permission_policy = ObjectPolicy(leadership_can_view=False)

    cycle = models.ForeignKey(
        CollectionCycle, on_delete=models.CASCADE, related_name="edfi_connections"
    )
    name = models.CharField(max_length=200)
    base_url = models.URLField("base URL", help_text="Data API root, e.g. https://host/data/v3")
    token_url = models.URLField(
        "token URL", help_text="OAuth 2 token endpoint, e.g. https://host/oauth/token"
    )
    client_id = models.CharField("client ID", max_length=200)
    client_secret_encrypted = models.TextField(editable=False)
    school_year = models.PositiveIntegerField(null=True, blank=True)
    page_size = models.PositiveIntegerField(default=500)

    history = HistoricalRecords(excluded_fields=["client_secret_encrypted"])
    objects = EdFiConnectionQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = "Ed-Fi API connection"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("parallel:edficonnection-detail", args=[self.pk])

    def set_secret(self, secret: str) -> None:
        from parallel.secrets import encrypt

        self.client_secret_encrypted = encrypt(secret)

    def secret(self) -> str:
        from parallel.secrets import decrypt

        return decrypt(self.client_secret_encrypted)


class EdFiPull(models.Model):
    """One resource pulled page by page into a stored snapshot; resumable from its cursor."""

    permission_policy = ObjectPolicy(leadership_can_view=False)

    connection = models.ForeignKey(EdFiConnection, on_delete=models.CASCADE, related_name="pulls")
    resource = models.CharField(max_length=60, choices=EdFiResource.choices)
    next_offset = models.PositiveIntegerField(default=0)
    total_count = models.PositiveIntegerField(null=True, blank=True)
    snapshot = models.CharField(max_length=255, blank=True, help_text="Snapshot file (media).")
    snapshot_bytes = models.PositiveBigIntegerField(
        default=0, help_text="Bytes of whole pages written; a resumed pull truncates to this."
    )
    submission = models.ForeignKey(
        SubmissionFile, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    history = HistoricalRecords()
    objects = EdFiPullQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.resource} from {self.connection}"

    def get_absolute_url(self) -> str:
        return self.connection.get_absolute_url()
