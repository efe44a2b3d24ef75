"""Pre-loaded planning data: the toolkit checklist, the default instrument, the decision log.

Each function takes ``get_model`` (``apps.get_model`` in a data migration, or the real registry)
and is idempotent: rows are matched on natural keys and never duplicated.
"""

from __future__ import annotations

from collections.abc import Callable

from usecases.templates_data import checklist_rows, default_instrument, preplanning_decisions

GetModel = Callable[[str, str], type]


def load_checklist(get_model: GetModel) -> int:
    ChecklistTask = get_model("usecases", "ChecklistTask")
    by_number = {}
    for position, row in enumerate(checklist_rows()):
        task, _ = ChecklistTask.objects.update_or_create(
            number=row["number"],
            defaults={
                "level": row["level"],
                "title": row["title"],
                "guidance": row["guidance"],
                "parent": by_number.get(row["parent"]),
                "position": position,
            },
        )
        by_number[row["number"]] = task
    return len(by_number)


def load_default_instrument(get_model: GetModel) -> None:
    Instrument = get_model("usecases", "Instrument")
    Dimension = get_model("usecases", "Dimension")
    AssessmentItem = get_model("usecases", "AssessmentItem")
    data = default_instrument()
    labels = {f"level_{s['level']}_label": s["label"] for s in data["scale"]}
    instrument, created = Instrument.objects.get_or_create(
        name=data["name"], defaults={"description": data["description"], **labels}
    )
    if not created:
        return  # the SEA team may have edited it; never overwrite
    for d_pos, dimension_data in enumerate(data["dimensions"]):
        dimension = Dimension.objects.create(
            instrument=instrument, title=dimension_data["title"], position=d_pos
        )
        for i_pos, item in enumerate(dimension_data["items"]):
            AssessmentItem.objects.create(
                dimension=dimension,
                text=item["text"],
                position=i_pos,
                **{f"level_{n}": text for n, text in enumerate(item["levels"], start=1)},
            )


def load_decisions(get_model: GetModel) -> int:
    Decision = get_model("usecases", "Decision")
    for row in preplanning_decisions():
        Decision.objects.get_or_create(
            category=row["category"],
            title=row["title"],
            defaults={
                "question": row["question"],
                "options_considered": row["options_considered"],
            },
        )
    return Decision.objects.count()
