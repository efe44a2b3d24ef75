"""The collection grid (every mapping row of a collection, edited in place) and the property
search its target fields use for autocomplete."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Value
from django.db.models.functions import Concat, Length
from django.http import JsonResponse
from django.shortcuts import redirect, render

from mapping import forms
from mapping.models import EdFiProperty, ElementMapping, MappingPlan, StateCollection
from mapping.services.grid import GridRefused, RowEdit, save_grid
from mapping.spreadsheet import LIST_SEPARATOR
from mapping.views._common import _object_for
from rolloutplanner.permissions import CHANGE, VIEW
from rolloutplanner.versioning import versions_of

ROWS_PER_PAGE = 200
SEARCH_LIMIT = 20


@login_required
def collection_grid(request, pk):
    collection = _object_for(request, StateCollection, pk)
    page = Paginator(
        ElementMapping.objects.restrict(request.user, VIEW)
        .filter(element__collection=collection)
        .for_list(),
        ROWS_PER_PAGE,
    ).get_page(request.GET.get("page"))
    mappings = list(page.object_list)
    changeable = set(
        ElementMapping.objects.restrict(request.user, CHANGE)
        .filter(pk__in=[m.pk for m in mappings])
        .values_list("pk", flat=True)
    )
    if request.method == "POST" and not changeable:
        raise PermissionDenied("You may not change the mappings of this collection.")
    users = get_user_model().objects.filter(is_active=True).order_by("username")
    data = request.POST if request.method == "POST" else None
    versions = versions_of([m for m in mappings if m.pk in changeable])  # one query per page
    rows = [_row(mapping, data, users, versions) for mapping in mappings]
    bulk = forms.GridBulkForm(data, users=users)
    context = {
        "collection": collection,
        "page_obj": page,
        "is_paginated": page.has_other_pages(),
        "rows": rows,
        "bulk": bulk,
        "can_change": bool(changeable),
    }
    if data is None:
        return render(request, "mapping/collection_grid.html", context)
    editable = [row for row in rows if row["form"] is not None]
    if not bulk.is_valid() or not all(row["form"].is_valid() for row in editable):
        context["invalid"] = True
        return render(request, "mapping/collection_grid.html", context, status=400)
    edits = [_edit(row, bulk.cleaned_data) for row in editable]
    try:
        count = save_grid(collection=collection, user=request.user, edits=edits)
    except GridRefused as refused:
        for row in rows:
            row["errors"] = refused.errors.get(row["mapping"].pk, [])
        context["refused"] = refused.errors
        return render(request, "mapping/collection_grid.html", context, status=400)
    messages.success(request, f"Saved {count} changed row{'s' if count != 1 else ''}.")
    return redirect(f"{request.path}?page={page.number}")


def _row(mapping, data, users, versions: dict[int, str]) -> dict:
    """The row's form when the user may change it (``versions`` holds those rows)."""
    form = None
    if mapping.pk in versions:
        form = forms.GridRowForm(
            data,
            users=users,
            prefix=f"row-{mapping.pk}",
            initial={
                "version": versions[mapping.pk],
                "kind": mapping.kind,
                "targets": f"{LIST_SEPARATOR} ".join(
                    f"{t.resource.name}.{t.path}" for t in mapping.targets.all()
                ),
                "transformation_rule": mapping.transformation_rule,
                "owner": mapping.owner_id,
                "status": mapping.status,
            },
        )
    return {"mapping": mapping, "form": form, "errors": []}


def _edit(row: dict, bulk: dict) -> RowEdit:
    data, form = row["form"].cleaned_data, row["form"]
    paths = form.target_paths()
    kind, owner, status = data["kind"], data["owner"], data["status"]
    if data["selected"]:
        kind = bulk["bulk_kind"] or kind
        owner = bulk["bulk_owner"] or owner
        status = bulk["bulk_status"] or status
        if bulk["bulk_target"].strip() and bulk["bulk_target"].strip() not in paths:
            paths.append(bulk["bulk_target"].strip())
    return RowEdit(
        mapping_id=row["mapping"].pk,
        version=data["version"],
        kind=kind,
        target_paths=paths,
        transformation_rule=data["transformation_rule"],
        owner=owner,
        status=status,
    )


@login_required
def property_search(request, pk):
    """Up to 20 ``Resource.Property`` names of the plan's Data Standard version matching every
    word typed, shortest first (JSON, for the grid's target autocomplete)."""
    plan = _object_for(request, MappingPlan, pk)
    words = request.GET.get("q", "").replace(".", " ").split()[:6]
    found = EdFiProperty.objects.filter(resource__version=plan.data_standard_version)
    found = found.annotate(full=Concat("resource__name", Value("."), "path"))
    for word in words:
        found = found.filter(full__icontains=word)
    found = found.annotate(size=Length("full")).order_by("size", "full")[:SEARCH_LIMIT]
    return JsonResponse(
        {
            "version": plan.data_standard_version.version,
            "results": [
                {"path": p.full, "data_type": p.data_type, "definition": p.definition[:160]}
                for p in found
            ]
            if words
            else [],
        }
    )
