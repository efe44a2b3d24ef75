from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.views import generic
from django.views.decorators.http import require_POST

from rolloutplanner import jobs
from rolloutplanner.models import Job
from rolloutplanner.permissions import CHANGE, user_can
from rolloutplanner.roles import UNRESTRICTED_ROLES, role_of
from rolloutplanner.views.generic import ObjectListView, RestrictedViewMixin


class JobListView(ObjectListView):
    model = Job
    select_related = ("created_by",)
    template_name = "rolloutplanner/job_list.html"


class JobDetailView(RestrictedViewMixin, generic.DetailView):
    model = Job
    template_name = "rolloutplanner/job_detail.html"

    def get_template_names(self):
        # htmx polls the progress fragment only.
        if self.request.headers.get("HX-Request"):
            return ["rolloutplanner/_job_progress.html"]
        return [self.template_name]


@login_required
@require_POST
def start_state_summary(request):
    if role_of(request.user) not in UNRESTRICTED_ROLES:
        raise PermissionDenied("Only the SEA project team starts this job.")
    job = jobs.enqueue_job(kind="state_summary", user=request.user)
    messages.info(request, "The summary job is queued; this page follows its progress.")
    return redirect(job)


@login_required
@require_POST
def cancel_job(request, pk):
    job = get_object_or_404(Job.objects.restrict(request.user), pk=pk)
    if not user_can(request.user, job, CHANGE):
        raise PermissionDenied("You may not cancel this job.")
    jobs.request_cancel(job=job)
    messages.info(request, "Cancellation requested.")
    return redirect(job)
