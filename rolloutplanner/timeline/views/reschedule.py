"""Rescheduling a milestone from the Gantt chart: a preview of the knock-on effect on the
milestones after it, then the save with a reason (the same change, history and notices as
the edit form). The chart's script asks for fragments (``HX-Request``); without it the same
URL is a page of its own with date fields.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from rolloutplanner import versioning
from rolloutplanner.permissions import CHANGE, VIEW, user_can_add_model
from rolloutplanner.timeline import services
from rolloutplanner.timeline.critical_path import knock_on
from rolloutplanner.timeline.forms import RescheduleForm, RescheduleSaveForm
from rolloutplanner.timeline.models import Milestone
from rolloutplanner.timeline.selectors import notice_audience
from rolloutplanner.timeline.views.records import _milestone_for

PAGE = "rolloutplanner/timeline/milestone_reschedule.html"
FRAGMENT = "rolloutplanner/timeline/_reschedule.html"
STALE_FRAGMENT = "rolloutplanner/timeline/_reschedule_stale.html"


@login_required
@require_http_methods(["GET", "POST"])
def milestone_reschedule(request, pk):
    """GET: the knock-on effect of new planned dates (nothing saved). POST: save them with a
    reason; ``If-Match`` (or the form's ``_version``) names the version the editor started
    from, and a stale one is refused with 412. Only those who may change the milestone."""
    milestone = _milestone_for(request.user, pk, CHANGE)
    if request.method == "POST":
        return _save(request, milestone)
    return _preview(request, milestone)


def _preview(request, milestone: Milestone) -> HttpResponse:
    version = request.GET.get(versioning.FORM_FIELD) or versioning.version_of(milestone)
    try:
        versioning.check_current(milestone, version)
    except versioning.StaleVersion as stale:
        return _stale(request, milestone, stale)
    form = RescheduleForm(
        request.GET if "planned_start" in request.GET else None,
        initial={"planned_start": milestone.planned_start, "planned_end": milestone.planned_end},
    )
    context = {"milestone": milestone, "form": form, "version": version}
    status = 200
    if form.is_bound and form.is_valid():
        context.update(
            _preview_context(
                request,
                milestone,
                RescheduleSaveForm(initial=form.cleaned_data),
                form.cleaned_data,
            )
        )
    elif form.is_bound:
        status = 400
    return _render(request, context, status)


def _save(request, milestone: Milestone) -> HttpResponse:
    version = versioning.if_match_version(request.headers.get("If-Match")) or (
        request.POST.get(versioning.FORM_FIELD) or None
    )
    form = RescheduleSaveForm(request.POST)
    if form.is_valid():
        try:
            result = services.reschedule_milestone(
                milestone=milestone,
                user=request.user,
                planned_start=form.cleaned_data["planned_start"],
                planned_end=form.cleaned_data["planned_end"],
                reason=form.cleaned_data["change_reason"],
                version=version,
            )
        except versioning.StaleVersion as stale:
            return _stale(request, milestone, stale)
        except ValidationError as error:
            form.add_error(None, " ".join(error.messages))
        else:
            return _saved(request, result)
    context = {"milestone": milestone, "version": version or versioning.version_of(milestone)}
    dates = RescheduleForm(request.POST)
    context["form"] = dates
    if dates.is_valid():
        context.update(_preview_context(request, milestone, form, dates.cleaned_data))
    return _render(request, context, 400)


def _preview_context(request, milestone: Milestone, save_form, dates: dict) -> dict:
    visible_ids = None
    if not user_can_add_model(request.user, Milestone):  # scoped: only what they may see
        visible_ids = Milestone.objects.restrict(request.user, VIEW).values_list("pk", flat=True)
    effect = knock_on(
        milestone=milestone,
        planned_start=dates["planned_start"],
        planned_end=dates["planned_end"],
        visible_ids=visible_ids,
    )
    return {
        "new_start": dates["planned_start"],
        "new_end": dates["planned_end"],
        "start_days": (dates["planned_start"] - milestone.planned_start).days,
        "end_days": (dates["planned_end"] - milestone.planned_end).days,
        "length_days": (dates["planned_end"] - dates["planned_start"]).days + 1,
        "knock_on": effect,
        "audience": notice_audience(milestone=milestone),
        "save_form": save_form,
        "next": _next_url(request, milestone),
    }


def _saved(request, result: services.Rescheduled) -> HttpResponse:
    milestone = result.milestone
    notices = f"{milestone.get_absolute_url()}#notices-heading"
    messages.success(
        request,
        format_html(
            "Moved {} to {} – {}. {} change notice{} created: "
            '<a href="{}">see the change notices</a>.',
            milestone,
            f"{milestone.planned_start:%Y-%m-%d}",
            f"{milestone.planned_end:%Y-%m-%d}",
            len(result.notices),
            "" if len(result.notices) == 1 else "s",
            notices,
        ),
    )
    target = _next_url(request, milestone)
    if request.headers.get("HX-Request"):
        # The chart's script reloads the chart (where the bar is focused again) itself.
        response = HttpResponse(status=204)
        response["HX-Redirect"] = f"{target}#gantt-bar-{milestone.pk}"
        return response
    return HttpResponseRedirect(target)


def _stale(request, milestone: Milestone, stale: versioning.StaleVersion) -> HttpResponse:
    context = {
        "milestone": milestone,
        "stale": stale.message,
        "next": _next_url(request, milestone),
    }
    return _render(request, context, 412, fragment=STALE_FRAGMENT)


def _render(request, context: dict, status: int, fragment: str = FRAGMENT) -> HttpResponse:
    if request.headers.get("HX-Request"):
        return render(request, fragment, {**context, "is_fragment": True}, status=status)
    return render(request, PAGE, {**context, "fragment": fragment}, status=status)


def _next_url(request, milestone: Milestone) -> str:
    """Where to go after saving: the chart the move started from, else the milestone."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return milestone.get_absolute_url()
