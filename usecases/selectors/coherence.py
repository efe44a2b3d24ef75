from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from usecases.models import (
    DataRequirement,
    DataSystem,
    Risk,
    ScopeItem,
    Stakeholder,
)


@dataclass
class Inconsistency:
    check: str
    message: str
    url: str


def coherence_problems(user) -> list[Inconsistency]:
    """Where the planning documents contradict each other, among rows ``user`` may view."""
    problems: list[Inconsistency] = []
    known = {
        name.lower() for name in DataSystem.objects.restrict(user).values_list("name", flat=True)
    }
    requirements = (
        DataRequirement.objects.restrict(user)
        .filter(data_system__isnull=True)
        .select_related("document")
    )
    for req in requirements:
        if req.source_name.strip().lower() not in known:
            problems.append(
                Inconsistency(
                    "Data source missing from the inventory",
                    f"“{req.document}” needs data from “{req.source_name}”, "
                    "which is not in the data-system inventory.",
                    req.get_absolute_url(),
                )
            )
    for stakeholder in Stakeholder.objects.restrict(user).filter(reviews__isnull=True):
        problems.append(
            Inconsistency(
                "Stakeholder with no review role",
                f"{stakeholder.name} is not a reviewer of any document.",
                stakeholder.get_absolute_url(),
            )
        )
    unserved = (
        ScopeItem.objects.restrict(user)
        .filter(
            Q(category__in=["in_scope", "deliverable", "success_measure"]),
            use_cases__isnull=True,
        )
        .select_related("document")
    )
    for item in unserved:
        problems.append(
            Inconsistency(
                "Scope item not served by a use case",
                f"{item.get_category_display()} “{item.text[:80]}” is linked to no use case.",
                item.get_absolute_url(),
            )
        )
    for risk in Risk.objects.restrict(user).filter(owner__isnull=True).select_related("document"):
        problems.append(
            Inconsistency(
                "Risk without an owner",
                f"Risk “{risk.description[:80]}” in “{risk.document}” has no owner.",
                risk.get_absolute_url(),
            )
        )
    return problems
