"""Base API views. Same permission rule as the pages: ``Model.objects.restrict(user, action)``."""

from __future__ import annotations

from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from rest_framework import status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from rolloutplanner import versioning
from rolloutplanner.api.errors import Conflict, PreconditionFailed
from rolloutplanner.deletion import still_used_by
from rolloutplanner.permissions import (
    ADD,
    CHANGE,
    DELETE,
    VIEW,
    enforce_owner,
    refused_field_changes,
    user_can,
    user_can_add_model,
    visible_queryset,
)

_ACTION_FOR_METHOD = {"PUT": CHANGE, "PATCH": CHANGE, "DELETE": DELETE}


class RestrictedModelViewSet(viewsets.ModelViewSet):
    """CRUD for one model; out-of-scope objects are 404, forbidden actions 403."""

    model = None
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()

    def get_queryset(self):
        qs = visible_queryset(
            self.model,
            self.request.user,
            select_related=self.select_related,
            prefetch_related=self.prefetch_related,
        )
        return qs.order_by(*(self.model._meta.ordering or ["pk"]))

    def get_object(self):
        obj = super().get_object()  # 404 when outside the view scope
        action = _ACTION_FOR_METHOD.get(self.request.method)
        if action and not user_can(self.request.user, obj, action):
            raise PermissionDenied(f"You may not {action} this {obj._meta.verbose_name}.")
        return obj

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        response = Response(self.get_serializer(instance).data)
        response["ETag"] = f'"{versioning.version_of(instance)}"'
        return response

    def update(self, request, *args, **kwargs):
        """PUT/PATCH; with ``If-Match``, refused with 412 unless it names the current version."""
        if_match = request.headers.get("If-Match")
        # The row stays locked until the save commits; the save is kept only if the row, as
        # written by perform_update (a subclass's service included), is still the user's.
        with enforce_owner(request.user, CHANGE, refusal=self._refusal()) as check:
            if if_match:
                current = versioning.lock_and_check(self.get_object(), None)
                version = versioning.version_of(current)
                if not versioning.matches_if_match(if_match, version):
                    raise PreconditionFailed(
                        f"{versioning.changed_since(current, if_match.strip().strip(chr(34)))} "
                        "Nothing was saved; read it again (its ETag) and send your change."
                    )
            response = super().update(request, *args, **kwargs)
            saved = self.model._default_manager.get(pk=self.kwargs[self.lookup_field])
            check(saved)
        response["ETag"] = f'"{versioning.version_of(saved)}"'
        return response

    def create(self, request, *args, **kwargs):
        """POST; the row perform_create writes (its many-to-many included) is kept only if it
        is one the user may add (``enforce_owner``)."""
        if not user_can_add_model(request.user, self.model):
            raise PermissionDenied(f"You may not add a {self.model._meta.verbose_name}.")
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with enforce_owner(request.user, ADD, refusal=self._refusal()) as check:
            self.perform_create(serializer)
            check(serializer.instance)
        headers = self.get_success_headers(serializer.data)
        return Response(serializer.data, status=status.HTTP_201_CREATED, headers=headers)

    def perform_update(self, serializer):
        instance = serializer.instance
        refused = refused_field_changes(self.request.user, instance, serializer.validated_data)
        if refused:
            names = ", ".join(str(self.model._meta.get_field(n).verbose_name) for n in refused)
            raise PermissionDenied(
                f"You may not change the {names} of this {self.model._meta.verbose_name}."
            )
        serializer.save()

    def perform_destroy(self, instance):
        try:
            with transaction.atomic():
                instance.delete()
        except (ProtectedError, RestrictedError) as exc:
            raise Conflict(still_used_by(exc, instance)) from None

    def _refusal(self) -> str:
        return f"You may not save a {self.model._meta.verbose_name} for that organisation."


class RestrictedReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    model = None

    def get_queryset(self):
        return self.model.objects.restrict(self.request.user, VIEW)
