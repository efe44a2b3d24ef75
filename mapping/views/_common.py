"""What the mapping pages share: object lookup with a permission check, read-only bases."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect

from rolloutplanner.exports import CONTENT_TYPES
from rolloutplanner.permissions import VIEW, user_can
from rolloutplanner.review import SelfApprovalRefused
from rolloutplanner.views import generic


def _object_for(request, model, pk, action: str = VIEW):
    """404 outside the user's view scope, 403 when the action is not theirs."""
    obj = get_object_or_404(model.objects.restrict(request.user, VIEW), pk=pk)
    if action != VIEW and not user_can(request.user, obj, action):
        raise PermissionDenied(f"You may not {action} this {obj._meta.verbose_name}.")
    return obj


class _NoAddButton(generic.RestrictedViewMixin):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_add"] = False
        return context


class ReadOnlyListView(generic.ObjectListView, _NoAddButton):
    """A list without an "Add" button: rows are created by imports, jobs or their parent."""


class ReadOnlyDetailView(generic.ObjectDetailView):
    """A detail page without edit or delete actions (catalog rows, coverage runs)."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_change"] = context["can_delete"] = False
        return context


def _download(content: bytes, filename: str, fmt: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _redirect_with_errors(request, obj, exc: ValidationError | SelfApprovalRefused):
    for message in exc.messages if isinstance(exc, ValidationError) else [str(exc)]:
        messages.error(request, message)
    return redirect(obj)


class ServiceSaveMixin:
    """Create/update pages whose save goes through a service (``save_service(obj)``); the
    generic view shows what the service refuses on the form and checks the ownership rule."""

    save_service = None  # staticmethod(lambda obj: service(...=obj))

    def save_form(self, form):
        saved = self.save_service(form.save(commit=False))
        form.save_m2m()
        return saved
