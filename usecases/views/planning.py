"""Assessment rounds, inventory diagram, coherence, communication log, notifications, hub."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from rolloutplanner.middleware import read_only_roles_may_post
from rolloutplanner.permissions import CHANGE, VIEW, user_can, user_can_add_model
from rolloutplanner.views import generic
from usecases import forms
from usecases import models as m
from usecases.diagrams import flow_diagram, progress_chart
from usecases.selectors.assessment import compare_rounds, rater_count, round_results
from usecases.selectors.coherence import coherence_problems
from usecases.services import assessment as assessment_services
from usecases.services.notifications import mark_read


@login_required
def planning_home(request):
    user = request.user
    return render(
        request,
        "usecases/index.html",
        {
            "use_cases": m.PlanningDocument.objects.restrict(user).use_cases(),
            "scope_documents": m.PlanningDocument.objects.restrict(user).scope_documents(),
            "notifications": m.Notification.objects.restrict(user).unread()[:10],
            "problem_count": len(coherence_problems(user)),
            "can_add": user_can_add_model(user, m.PlanningDocument),
        },
    )


class RoundDetailView(generic.ObjectDetailView):
    model = m.AssessmentRound
    detail_fields = ["instrument", "held_on", "notes"]
    template_name = "usecases/round_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        mine = dict(
            m.Rating.objects.filter(round=self.object, rater=user).values_list("item_id", "level")
        )
        context.update(
            results=round_results(self.object),
            rater_count=rater_count(self.object),
            my_ratings=mine,
            can_rate=context["can_change"],
            levels=[(n, self.object.instrument.level_label(n)) for n in (1, 2, 3, 4)],
        )
        return context


def _level(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValidationError("Choose a level from 1 to 4.") from None


@login_required
@require_POST
def round_rate(request, pk: int):
    """Save the signed-in rater's levels (one per item) or the team's agreed levels."""
    round_ = get_object_or_404(m.AssessmentRound.objects.restrict(request.user, VIEW), pk=pk)
    if not user_can(request.user, round_, CHANGE):
        raise PermissionDenied("Only the SEA project team rates the self-assessment.")
    agreed = request.POST.get("mode") == "agreed"
    items = m.AssessmentItem.objects.filter(dimension__instrument=round_.instrument_id)
    saved = 0
    try:
        for item in items:
            raw = request.POST.get(f"item-{item.pk}")
            if not raw:
                continue
            if agreed:
                assessment_services.agree_rating(
                    round=round_,
                    item=item,
                    user=request.user,
                    level=_level(raw),
                    rationale=request.POST.get(f"rationale-{item.pk}", ""),
                )
            else:
                assessment_services.rate_item(
                    round=round_, item=item, rater=request.user, level=_level(raw)
                )
            saved += 1
        messages.success(request, f"Saved {saved} rating{'s' if saved != 1 else ''}.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return HttpResponseRedirect(round_.get_absolute_url())


@login_required
def round_compare(request):
    """Agreed levels across rounds: a chart per dimension, a table, and the items that moved."""
    visible = m.AssessmentRound.objects.restrict(request.user).select_related("instrument")
    chosen = request.GET.getlist("rounds")
    rounds = list(visible.filter(pk__in=chosen)) if chosen else list(visible)
    instrument_ids = {r.instrument_id for r in rounds}
    if len(instrument_ids) > 1:
        messages.error(request, "Compare rounds of the same instrument.")
        rounds = []
    comparison = compare_rounds(rounds)
    labels = [r.name for r in rounds]
    chart = progress_chart(labels, comparison["series"]) if rounds else ""
    dimension_charts = [
        {
            "title": title,
            "items": items,
            # Built by diagrams.py, every text escaped.
            "svg": mark_safe(progress_chart(labels, items, chart_id=f"dim{index}")),  # noqa: S308
        }
        for index, (title, items) in enumerate(comparison["item_series"].items())
        if rounds
    ]
    return render(
        request,
        "usecases/round_compare.html",
        {
            "all_rounds": visible,
            "comparison": comparison,
            "labels": labels,
            "chart": mark_safe(chart),  # noqa: S308  (built by diagrams.py, every text escaped)
            "chosen": {int(pk) for pk in chosen if pk.isdigit()},
            "dimension_charts": dimension_charts,
        },
    )


@login_required
def flow_diagram_page(request):
    systems = list(m.DataSystem.objects.restrict(request.user))
    flows = list(m.DataFlow.objects.restrict(request.user).with_systems())
    return render(
        request,
        "usecases/flow_diagram.html",
        {
            "diagram": mark_safe(flow_diagram(systems, flows)),  # noqa: S308  (escaped inside)
            "flows": flows,
            "systems": systems,
        },
    )


@login_required
def coherence(request):
    return render(
        request,
        "usecases/coherence.html",
        {
            "problems": coherence_problems(request.user),
        },
    )


class StakeholderDetailView(generic.ObjectDetailView):
    model = m.Stakeholder
    detail_fields = [
        "category",
        "role_title",
        "organisation",
        "interest",
        "influence",
        "data_access",
        "preferred_channel",
        "email",
        "user",
        "lea",
        "vendor",
    ]
    template_name = "usecases/stakeholder_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["reviews"] = self.object.reviews.all()
        context["impacts"] = self.object.impacts.select_related("document")
        return context


class DataSystemDetailView(generic.ObjectDetailView):
    model = m.DataSystem
    select_related = ("vendor",)
    detail_fields = ["system_type", "owner", "vendor", "hosting", "data_held"]
    template_name = "usecases/datasystem_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        system = self.object
        context["use_cases"] = system.documents.filter(kind=m.DocumentKind.USE_CASE)
        context["flows"] = m.DataFlow.objects.filter(
            models.Q(source=system) | models.Q(target=system)
        ).with_systems()
        return context


class CommunicationDetailView(generic.ObjectDetailView):
    model = m.CommunicationItem
    detail_fields = ["audience", "message", "channel", "frequency", "owner", "next_date", "active"]
    template_name = "usecases/communication_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["log"] = self.object.log.select_related("sent_by")
        context["log_form"] = forms.CommunicationLogForm()
        return context


@login_required
@require_POST
def communication_sent(request, pk: int):
    from usecases.services.communication import record_sent

    item = get_object_or_404(m.CommunicationItem.objects.restrict(request.user, VIEW), pk=pk)
    form = forms.CommunicationLogForm(request.POST)
    if form.is_valid():
        record_sent(item=item, user=request.user, **form.cleaned_data)
        messages.success(request, "Recorded as sent.")
    else:
        messages.error(request, "Give the date it was sent.")
    return HttpResponseRedirect(item.get_absolute_url())


@login_required
def notification_list(request):
    return render(
        request,
        "usecases/notification_list.html",
        {
            "notifications": m.Notification.objects.restrict(request.user).select_related(
                "document"
            )[:100],
        },
    )


@read_only_roles_may_post  # one's own notifications
@login_required
@require_POST
def notification_read(request, pk: int):
    notification = get_object_or_404(m.Notification.objects.restrict(request.user), pk=pk)
    mark_read(notification=notification)
    return HttpResponseRedirect(notification.get_absolute_url())
