"""Base views for every model page. They enforce object permissions through ``restrict``.

An object outside the user's view scope is a 404; a forbidden action on a visible object is
a 403. Apps subclass these and declare ``model``, ``filterset_class``, ``columns``, ``form_class``.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse
from django.views import generic

from rolloutplanner import versioning
from rolloutplanner.deletion import still_used_by
from rolloutplanner.permissions import (
    CHANGE,
    DELETE,
    VIEW,
    changeable_fields,
    save_restricted,
    user_can,
    user_can_add_model,
    visible_queryset,
)


def url_namespace(model) -> str:
    """The URL namespace of ``model``'s pages: its app's label, unless the app's config names
    another ``url_namespace`` (the timeline's pages kept the ``rolloutplanner`` one)."""
    config = apps.get_app_config(model._meta.app_label)
    return getattr(config, "url_namespace", config.label)


def model_url(model, suffix: str, *args) -> str:
    """The URL named ``<namespace>:<model>-<suffix>``, e.g. ``leas:lea-list``."""
    return reverse(f"{url_namespace(model)}:{model._meta.model_name}-{suffix}", args=args)


def has_url(model, suffix: str, *args) -> bool:
    """Whether ``model`` has a page ``<app>:<model>-<suffix>`` (not every model has all five)."""
    return model_url_or_none(model, suffix, *args) is not None


def model_url_or_none(model, suffix: str, *args) -> str | None:
    """``model_url``, or None when the model has no such page (e.g. no add page for jobs)."""
    try:
        return model_url(model, suffix, *args)
    except NoReverseMatch:
        return None


class RestrictedViewMixin(LoginRequiredMixin):
    """Queryset restricted to what the user may view; objects checked for the view's action."""

    model = None
    action = VIEW
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()

    def base_queryset(self):
        return visible_queryset(
            self.model,
            self.request.user,
            select_related=self.select_related,
            prefetch_related=self.prefetch_related,
        )

    def get_queryset(self):
        return self.base_queryset()

    def get_object(self, queryset=None):
        obj = get_object_or_404(queryset or self.get_queryset(), pk=self.kwargs["pk"])
        if self.action != VIEW and not user_can(self.request.user, obj, self.action):
            raise PermissionDenied(f"You may not {self.action} this {obj._meta.verbose_name}.")
        return obj

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["model_meta"] = self.model._meta
        context["url_namespace"] = url_namespace(self.model)
        context["can_add"] = user_can_add_model(user, self.model)
        obj = context.get("object")
        if obj is not None:
            context["can_change"] = user_can(user, obj, CHANGE)
            context["can_delete"] = user_can(user, obj, DELETE)
            # Links only to pages that exist: an incident, a baseline or a notice has no edit page.
            context["edit_url"] = context["can_change"] and model_url_or_none(
                self.model, "edit", obj.pk
            )
            context["delete_url"] = context["can_delete"] and model_url_or_none(
                self.model, "delete", obj.pk
            )
            context["history_url"] = model_url_or_none(self.model, "history", obj.pk)
        return context


class ObjectListView(RestrictedViewMixin, generic.ListView):
    """A filterable, paginated list of the objects the user may see."""

    template_name = "rolloutplanner/object_list.html"
    filterset_class = None
    paginate_by = 50
    columns: list[tuple[str, str]] = [("__str__", "Name")]

    def get_queryset(self):
        qs = self.base_queryset()
        self.filterset = None
        if self.filterset_class is not None:
            self.filterset = self.filterset_class(self.request.GET or None, queryset=qs)
            qs = self.filterset.qs if self.filterset.is_bound else qs
        return qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filterset"] = self.filterset
        context["columns"] = self.columns
        context["add_url"] = model_url_or_none(self.model, "add") if context["can_add"] else None
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query_without_page"] = query.urlencode()
        return context


class ObjectDetailView(RestrictedViewMixin, generic.DetailView):
    template_name = "rolloutplanner/object_detail.html"
    detail_fields: list[str] = []

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        obj = self.object
        context["detail_rows"] = [
            (obj._meta.get_field(name).verbose_name, _display(obj, name))
            for name in self.detail_fields
        ]
        return context


def _add_errors(form, error: ValidationError) -> None:
    """A service's errors on the form: on their field when the form has it, else on the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _display(obj, name: str):
    display = getattr(obj, f"get_{name}_display", None)
    return display() if callable(display) else getattr(obj, name)


class ObjectEditMixin(RestrictedViewMixin):
    template_name = "rolloutplanner/object_form.html"
    form_class = None
    success_message = "Saved."

    def get_form(self, form_class=None):
        """Choice fields offer only the related objects the user may see."""
        form = super().get_form(form_class)
        for field in form.fields.values():
            queryset = getattr(field, "queryset", None)
            if queryset is not None and hasattr(queryset, "restrict"):
                field.queryset = queryset.restrict(self.request.user, VIEW)
        if self.action == CHANGE:
            # Fields the user's role may not change are shown but not editable; Django keeps
            # their saved value whatever a request sends.
            allowed = changeable_fields(self.request.user, self.model)
            for name, field in form.fields.items():
                if allowed is not None and name not in allowed:
                    field.disabled = True
        return form

    def save_form(self, form):
        """Write the form's changes and return the saved object. Views whose model is written
        through a service override this (not ``form_valid``), so the ownership rule below
        covers them too."""
        return form.save()  # the many-to-many too, so their owners are checked

    def form_valid(self, form):
        """Save, then keep the save only if the row as written is the user's to add or change
        (``enforce_owner``): a scoped user cannot create a row for, or move one to, an
        organisation outside their scope. A service's ValidationError is shown on the form."""
        try:
            self.object = save_restricted(
                self.request.user, self.action, lambda: self.save_form(form)
            )
        except ValidationError as error:
            _add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return HttpResponseRedirect(self.get_success_url())

    def get_success_url(self):
        return self.object.get_absolute_url()


class ObjectCreateView(ObjectEditMixin, generic.CreateView):
    action = "add"
    success_message = "Created."

    def get_initial(self):
        """Pre-fill the add form from the query string (e.g. ``?lea=3`` on an LEA's page)."""
        initial = super().get_initial()
        fields = self.get_form_class().base_fields
        initial.update({k: v for k, v in self.request.GET.items() if k in fields})
        return initial

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not user_can_add_model(request.user, self.model):
            raise PermissionDenied(f"You may not add a {self.model._meta.verbose_name}.")
        return super().dispatch(request, *args, **kwargs)


class ObjectUpdateView(ObjectEditMixin, generic.UpdateView):
    """Edits carry the version they started from; a save over someone else's change is
    refused with who changed what (``rolloutplanner.versioning``)."""

    action = CHANGE

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("version", versioning.version_of(self.object))
        return context

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        with transaction.atomic():  # the row stays locked until the save commits
            try:
                versioning.lock_and_check(self.object, request.POST.get(versioning.FORM_FIELD))
            except versioning.StaleVersion as stale:
                return self._stale(stale)
            return super().post(request, *args, **kwargs)

    def _stale(self, stale: versioning.StaleVersion):
        """The editor's values, the other change, and the current version to save over it."""
        form = self.get_form()
        form.full_clean()
        form.add_error(
            None, f"{stale.message} Nothing was saved; check their change and save again."
        )
        context = self.get_context_data(form=form, version=stale.current_version)
        return self.render_to_response(context, status=409)


class ObjectDeleteView(RestrictedViewMixin, generic.DeleteView):
    action = DELETE
    template_name = "rolloutplanner/object_confirm_delete.html"

    def form_valid(self, form):
        name = str(self.object)
        try:
            with transaction.atomic():
                self.object.delete()
        except (ProtectedError, RestrictedError) as exc:
            context = self.get_context_data(still_used_by=still_used_by(exc, self.object))
            return self.render_to_response(context, status=409)
        messages.success(self.request, f"Deleted {name}.")
        return HttpResponseRedirect(model_url(self.model, "list"))
