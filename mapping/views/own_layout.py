"""Importing a team's own mapping spreadsheet: upload, say which columns mean what, preview,
then import all or nothing (in the background for large files)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from mapping import forms
from mapping.importers.own_layout import ColumnMap, guess_columns, headers_of
from mapping.models import MappingPlan
from mapping.services.state_spec import import_state_spec, preview_state_spec, queue_spec_import
from mapping.views._common import _object_for
from rolloutplanner.import_files import (
    discard_import_file,
    imports_in_background,
    keep_import_file,
    read_import_file,
)
from rolloutplanner.permissions import CHANGE
from rolloutplanner.spreadsheets import UnreadableFile, read_table_file

TEMPLATE = "mapping/own_layout_import.html"


def _session_key(plan: MappingPlan) -> str:
    return f"mapping.own_layout.{plan.pk}"


@login_required
def import_own_layout(request, pk):
    plan = _object_for(request, MappingPlan, pk, CHANGE)
    stored = request.session.get(_session_key(plan))
    action = request.POST.get("action", "")
    if action == "cancel" or (stored and action == "upload"):
        _forget(request, plan)
        stored = None
        if action == "cancel":
            return redirect(plan)
    if stored is None:
        return _upload(request, plan)
    try:
        sheets = _sheets(stored)
    except FileNotFoundError:
        _forget(request, plan)
        messages.warning(request, "The uploaded file is no longer kept; upload it again.")
        return redirect("mapping:mappingplan-import-own", plan.pk)
    return _columns(request, plan, stored, sheets, action)


def _upload(request, plan):
    form = forms.OwnLayoutUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            sheets = read_table_file(file_name=upload.name, content=upload.read(), all_sheets=True)
        except UnreadableFile as exc:
            form.add_error("file", str(exc))
        else:
            upload.seek(0)
            request.session[_session_key(plan)] = {
                "path": keep_import_file(upload=upload),
                "name": upload.name,
                "size": upload.size,
                "sheet": sheets[0].title,
            }
            return redirect("mapping:mappingplan-import-own", plan.pk)
    status = 400 if form.errors else 200
    return render(request, TEMPLATE, {"plan": plan, "upload_form": form}, status=status)


def _columns(request, plan, stored: dict, sheets: dict[str, list[str]], action: str):
    if action == "sheet" and request.POST.get("sheet") in sheets:
        stored = {**stored, "sheet": request.POST["sheet"], "column_map": None}
        request.session[_session_key(plan)] = stored
        return redirect("mapping:mappingplan-import-own", plan.pk)
    sheet = stored["sheet"] if stored["sheet"] in sheets else next(iter(sheets))
    bound = request.POST if action in ("preview", "import") else None
    form = forms.OwnLayoutColumnsForm(
        bound, sheets=sheets, sheet=sheet, initial=_initial(stored, sheet, sheets[sheet])
    )
    context = {"plan": plan, "form": form, "file_name": stored["name"]}
    if bound is not None and form.is_valid():
        column_map = form.column_map()
        request.session[_session_key(plan)] = {**stored, "column_map": column_map.as_dict()}
        if action == "import":
            done, context["errors"] = _import(request, plan, stored, column_map)
            if done is not None:
                return done
        else:
            context["preview"] = preview_state_spec(
                plan=plan,
                name=stored["name"],
                content=read_import_file(stored["path"]),
                user=request.user,
                column_map=column_map,
            )
    refused = form.errors or context.get("errors") or getattr(context.get("preview"), "errors", 0)
    return render(request, TEMPLATE, context, status=400 if refused else 200)


def _import(request, plan, stored: dict, column_map: ColumnMap):
    """Import now (or queue it): (a redirect, []) when done or queued, (None, why) if refused."""
    if imports_in_background(size=stored["size"]):
        job = queue_spec_import(
            plan=plan,
            user=request.user,
            path=stored["path"],
            file_name=stored["name"],
            size=stored["size"],
            column_map=column_map,
        )
        request.session.pop(_session_key(plan), None)  # the job owns the file now
        messages.info(request, f"{stored['name']} is imported in the background.")
        return redirect(job), []
    try:
        summary = import_state_spec(
            plan=plan,
            name=stored["name"],
            content=read_import_file(stored["path"]),
            user=request.user,
            column_map=column_map,
        )
    except ValidationError as exc:
        return None, exc.messages
    _forget(request, plan)
    messages.success(request, f"Imported {stored['name']}: {summary}")
    return redirect(plan), []


def _initial(stored: dict, sheet: str, headers: list[str]) -> dict:
    saved = stored.get("column_map")
    if saved and saved.get("sheet") == sheet:
        return forms.OwnLayoutColumnsForm.initial_for(ColumnMap.from_dict(saved))
    return forms.OwnLayoutColumnsForm.initial_for(
        ColumnMap(sheet=sheet, columns=guess_columns(headers))
    )


def _sheets(stored: dict) -> dict[str, list[str]]:
    content = read_import_file(stored["path"])
    found = read_table_file(file_name=stored["name"], content=content, all_sheets=True)
    return {sheet.title: headers_of(sheet) for sheet in found}


def _forget(request, plan) -> None:
    stored = request.session.pop(_session_key(plan), None)
    if stored:
        discard_import_file(stored["path"])
