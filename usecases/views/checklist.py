"""The toolkit checklist page: each task's evidence, judged on read, and marking done by hand."""

from __future__ import annotations

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_POST

from rolloutplanner.evidence import rollout_step_progress
from rolloutplanner.permissions import CHANGE, VIEW, restriction_for
from rolloutplanner.views import generic
from usecases import models as m
from usecases.selectors.checklist import checklist_progress, checklist_summary
from usecases.services.checklist import mark_checklist_task_done, reopen_checklist_task

SHOW_CHOICES = (("", "Every task"), ("open", "Not done yet"), ("done", "Done"))


class ChecklistFilterForm(django_forms.Form):
    show = django_forms.ChoiceField(label="Show", choices=SHOW_CHOICES, required=False)
    level = django_forms.ChoiceField(
        label="Level", choices=(("", "Any level"), *m.ChecklistLevel.choices), required=False
    )


class DoneForm(django_forms.Form):
    note = django_forms.CharField(
        label="What shows it is done", widget=django_forms.Textarea(attrs={"rows": 2})
    )


class ChecklistView(generic.ObjectListView):
    """Every task with the evidence that completes it; who may change the checklist may also
    mark a task done with a note."""

    model = m.ChecklistTask
    template_name = "usecases/checklist.html"
    paginate_by = None

    def get_queryset(self):
        self.filterset = None
        return self.base_queryset().none()  # the rows come from the selector below

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        rows = checklist_progress(user=user)
        summary = checklist_summary(rows)
        form = ChecklistFilterForm(self.request.GET or None)
        if form.is_valid():
            show, level = form.cleaned_data["show"], form.cleaned_data["level"]
            if show:
                rows = [row for row in rows if row.done == (show == "done")]
            if level:
                rows = [row for row in rows if row.task.level == level]
        context.update(
            # One page of every row: the count of rows shown, as list pages report it.
            paginator=Paginator(rows, max(len(rows), 1)),
            rows=rows,
            summary=summary,
            filter_form=form,
            can_mark=restriction_for(user, m.ChecklistTask, CHANGE) is not None,
            steps=rollout_step_progress(user=user),
        )
        return context


def _task(request, pk: int) -> m.ChecklistTask:
    return get_object_or_404(m.ChecklistTask.objects.restrict(request.user, VIEW), pk=pk)


def _back(task: m.ChecklistTask) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{reverse('usecases:checklisttask-list')}#task-{task.pk}")


@login_required
@require_POST
def checklist_task_done(request, pk: int):
    task = _task(request, pk)
    form = DoneForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Say what shows {task.number} is done; nothing was saved.")
        return _back(task)
    mark_checklist_task_done(task=task, user=request.user, note=form.cleaned_data["note"])
    messages.success(request, f"Marked {task.number} done.")
    return _back(task)


@login_required
@require_POST
def checklist_task_reopen(request, pk: int):
    task = _task(request, pk)
    reopen_checklist_task(task=task, user=request.user, note=request.POST.get("note", ""))
    messages.success(request, f"Reopened {task.number}.")
    return _back(task)
