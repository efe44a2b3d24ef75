"""The readiness matrix (with its bulk update and export) and the turnover page."""

from __future__ import annotations

from types import SimpleNamespace

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.views import View

from leas import services
from leas.forms import TurnoverFilterForm
from leas.matrix import (
    ReadinessMatrixFilterSet,
    matrix_columns,
    matrix_export_rows,
    readiness_matrix,
)
from leas.models import LEA, ReadinessItem, ReadinessStatus
from leas.selectors import TURNOVER_MONTHS, turnover
from rolloutplanner.exports import Table, download
from rolloutplanner.permissions import CHANGE, restriction_for
from rolloutplanner.turnover import turnover_sections

LEAS_PER_PAGE = 25
STATUS_PREFIX = "status-"


def _filtered(request):
    leas = LEA.objects.restrict(request.user).order_by("name", "pk")
    filterset = ReadinessMatrixFilterSet(
        request.GET or None, queryset=leas, request=SimpleNamespace(user=request.user)
    )
    if filterset.is_bound and filterset.is_valid():
        leas = filterset.qs
        data = filterset.form.cleaned_data
        columns = matrix_columns(phase=data.get("phase") or "", item=data.get("item") or "")
    else:
        columns = matrix_columns()
        if filterset.is_bound:
            leas = leas.none()
    return filterset, leas, columns


class ReadinessMatrixView(LoginRequiredMixin, View):
    """LEAs × readiness items. Whoever may change items (the SEA team; an LEA coordinator for
    their district) changes several at once; the batch is saved whole or not at all."""

    template_name = "leas/readiness_matrix.html"

    def get(self, request, *, error: str = "", status: int = 200):
        filterset, leas, columns = _filtered(request)
        page = Paginator(leas, LEAS_PER_PAGE).get_page(request.GET.get("page"))
        rows = readiness_matrix(user=request.user, leas=list(page.object_list), columns=columns)
        query = request.GET.copy()
        query.pop("page", None)
        context = {
            "filterset": filterset,
            "columns": columns,
            "rows": rows,
            "page_obj": page,
            "is_paginated": page.paginator.num_pages > 1,
            "query_without_page": query.urlencode(),
            "statuses": ReadinessStatus.choices,
            "editable": any(cell.editable for _, cells in rows for cell in cells),
            "may_change": restriction_for(request.user, ReadinessItem, CHANGE) is not None,
            "error": error,
        }
        return render(request, self.template_name, context, status=status)

    def post(self, request):
        changes = [
            services.ReadinessChange(item_id=int(name.removeprefix(STATUS_PREFIX)), status=value)
            for name, value in request.POST.items()
            if name.startswith(STATUS_PREFIX) and name.removeprefix(STATUS_PREFIX).isdigit()
        ]
        if not changes:
            return self.get(
                request, error="No readiness item was sent; nothing was saved.", status=400
            )
        try:
            saved = services.update_readiness_items(
                user=request.user, changes=changes, note=request.POST.get("note", "")
            )
        except PermissionDenied as exc:
            return self.get(request, error=str(exc), status=403)
        except ValidationError as exc:
            return self.get(request, error=" ".join(exc.messages), status=400)
        messages.success(request, f"Saved {len(saved)} changed readiness item(s).")
        return HttpResponseRedirect(request.get_full_path())


class ReadinessMatrixExportView(LoginRequiredMixin, View):
    """``?format=csv|xlsx``: the filtered matrix (every page), status words, formula-safe."""

    def get(self, request):
        fmt = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
        _, leas, columns = _filtered(request)
        header = ["state_lea_id", "lea", *(f"{c.title} ({c.phase_label})" for c in columns)]
        rows = matrix_export_rows(user=request.user, leas=leas, columns=columns)
        return download(Table("readiness-matrix", "Readiness matrix", header, rows), fmt)


class TurnoverView(LoginRequiredMixin, View):
    """People who left, key roles left empty, and data-steward changes in the last N months."""

    template_name = "leas/turnover.html"

    def get(self, request):
        form = TurnoverFilterForm(request.GET or None)
        valid = form.is_valid() and form.cleaned_data["months"]
        months = form.cleaned_data["months"] if valid else TURNOVER_MONTHS
        context = {"form": form, **turnover(user=request.user, months=months)}
        # People kept by other apps (planning stakeholders), registered as turnover sources.
        context["other_sections"] = turnover_sections(
            user=request.user, since=context["since"], today=timezone.localdate()
        )
        return render(request, self.template_name, context)
