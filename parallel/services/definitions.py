"""Report definitions written by the SEA team (page and API alike): checked against the layout
rules of the model and the Ed-Fi vocabulary of the engine before they are saved."""

from __future__ import annotations

import copy
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from parallel.definitions import edfi_source_of
from parallel.engine import vocabulary
from parallel.models import ReconciliationRun, ReportDefinition

EDITABLE_FIELDS = [
    "code", "name", "file_specs", "derivation", "columns", "record_key", "compared_fields",
    "category_sets", "crosswalk", "population", "tolerance_absolute", "tolerance_percent",
    "source", "edfi_source",
]  # fmt: skip
JSON_FIELDS = [
    "columns", "record_key", "compared_fields", "category_sets", "crosswalk", "population",
    "edfi_source",
]  # fmt: skip
USED_MESSAGE = (
    "This definition is used by a collection cycle that already has runs; their results "
    "(crosswalk rows, compared fields) are read through it, so it cannot be changed. "
    "Copy it as a new definition and point the next cycle at the copy."
)


def is_used(definition: ReportDefinition) -> bool:
    """Whether a run's results read this definition (editing would rewrite their meaning)."""
    if definition.pk is None:
        return False
    return ReconciliationRun.objects.filter(cycle__report_definition=definition).exists()


def vocabulary_problems(definition: ReportDefinition) -> dict[str, list[str]]:
    """The Ed-Fi source's problems (unknown resource or path, compared field without a source)
    by the field they are fixed in; empty when it compiles. A descriptor without crosswalk
    rows is not one of them (a cycle's mapping plan may give its codes): :func:`missing_codes`.
    """
    source = edfi_source_of(definition)
    try:
        problems = vocabulary.validate(source, definition.compared_fields)
    except (AttributeError, KeyError, TypeError) as exc:
        # validate reads nested members; a wrong shape there is a problem of the source too.
        problems = [f"The Ed-Fi source is incomplete: {exc} is missing or has the wrong shape."]
    return {"edfi_source": problems} if problems else {}


def missing_codes(definition: ReportDefinition) -> list[str]:
    """The descriptor fields the definition alone gives no codes (no crosswalk rows), in words:
    a cycle running it needs approved mappings of those descriptors in its mapping plan."""
    coded = {e.get("field") for e in definition.crosswalk if isinstance(e, dict)}
    try:
        uncoded = vocabulary.uncoded_fields(
            edfi_source_of(definition), definition.compared_fields, coded
        )
    except (AttributeError, TypeError):
        return []  # a source of the wrong shape: vocabulary_problems names it
    return [
        f"{field} reads {descriptor} values but has no crosswalk rows: a cycle runs it only "
        f"when its mapping plan has approved {descriptor} mappings (else add crosswalk rows "
        f"for {field})."
        for field, descriptor in uncoded.items()
    ]


def run_problems(*, cycle) -> list[str]:
    """Why a run of ``cycle`` cannot start, in words: the definition's source does not compile,
    or a descriptor field has codes neither from the crosswalk nor from the approved mappings
    of the cycle's mapping plan. Empty when it can run; the page, the API and the run itself
    ask this."""
    from parallel.crosswalk import crosswalk_for

    definition = cycle.report_definition
    problems = [
        f"Report definition {definition.code}: {problem}"
        for messages in vocabulary_problems(definition).values()
        for problem in messages
    ]
    if problems:
        return problems
    uncoded = vocabulary.uncoded_fields(
        edfi_source_of(definition), definition.compared_fields, set(crosswalk_for(cycle=cycle))
    )
    plan = cycle.mapping_plan
    for field, descriptor in uncoded.items():
        where = (
            f"mapping plan {plan} has no approved {descriptor} mappings giving one code per "
            "Ed-Fi value"
            if plan
            else "the cycle has no mapping plan"
        )
        fix = (
            f"approve {descriptor} mappings in that plan"
            if plan
            else f"give the cycle a mapping plan with approved {descriptor} mappings"
        )
        problems.append(
            f"Field {field!r} reads {descriptor} values, but report definition "
            f"{definition.code} has no crosswalk rows for it and {where}: add crosswalk rows "
            f"for {field} to the definition (a copy of it, once runs read it), or {fix}."
        )
    return problems


def check_definition(definition: ReportDefinition) -> None:
    """The model's rules, then the vocabulary's; a ValidationError by field when broken."""
    # The JSON fields may be empty lists (no crosswalk, no category sets): their shape is
    # checked by the model's clean(), not by the "blank" rule of clean_fields.
    definition.clean_fields(exclude=JSON_FIELDS)
    definition.clean()
    definition.validate_unique()
    if not isinstance(definition.edfi_source, dict):
        raise ValidationError({"edfi_source": "Give a JSON object."})
    errors = vocabulary_problems(definition)
    if errors:
        raise ValidationError(errors)


def _apply(definition: ReportDefinition, values: dict) -> None:
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown definition fields: {sorted(unknown)}.")
    for name, value in values.items():
        setattr(definition, name, value)


@transaction.atomic
def create_definition(*, user, **values) -> ReportDefinition:
    definition = ReportDefinition()
    _apply(definition, values)
    check_definition(definition)
    definition._change_reason = f"Created by {user}"
    definition.save()
    return definition


@transaction.atomic
def update_definition(*, definition: ReportDefinition, user, **values) -> ReportDefinition:
    if is_used(definition):
        raise ValidationError(USED_MESSAGE)
    _apply(definition, values)
    check_definition(definition)
    definition._change_reason = f"Changed by {user}"
    definition.save()
    return definition


def copy_values(definition: ReportDefinition) -> dict:
    """A definition's values as the start of a new one (a new code and name to be chosen)."""
    values = {name: copy.deepcopy(getattr(definition, name)) for name in EDITABLE_FIELDS}
    values["code"] = f"{definition.code}-copy"[:60]
    values["name"] = f"{definition.name} (copy)"[:200]
    return values


def sample_snapshot(definition: ReportDefinition) -> datetime.date:
    """The snapshot date the shown SQL is compiled for: the latest cycle's, else today."""
    latest = definition.cycles.order_by("-snapshot_date").values_list("snapshot_date", flat=True)
    return latest.first() or datetime.date.today()


def generated_sql(definition: ReportDefinition, snapshot: datetime.date) -> tuple[str, list[str]]:
    """The DuckDB SQL deriving the definition's Ed-Fi records, and the vocabulary's problems
    (the SQL is empty when the source cannot be compiled)."""
    from parallel.engine.compare import show_sql

    problems = [p for messages in vocabulary_problems(definition).values() for p in messages]
    compiled = copy.copy(definition)  # the engine reads edfi_source; the row stays untouched
    compiled.edfi_source = edfi_source_of(definition)
    try:
        return show_sql(compiled, snapshot), problems
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        return "", [*problems, f"The SQL cannot be generated: {exc!r}."]
