"""One error body for every API failure:

``{"error": {"status": 400, "code": "invalid", "detail": "...", "fields": {...}}}``

``status`` is always the response's own status code and ``detail`` always a sentence. A
validation error, whether a serializer, a model's ``clean()`` or a service raised it, is
translated here and nowhere else: ``fields`` maps each field to its messages, and messages
about no one field are under ``non_field_errors`` (never Django's ``__all__``). Views and
serializers let ``django.core.exceptions.ValidationError`` pass.
"""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from rolloutplanner.deletion import still_used_by


class Conflict(exceptions.APIException):
    """The request cannot be carried out in the object's current state (409)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the object's current state."
    default_code = "conflict"


class PreconditionFailed(exceptions.APIException):
    """``If-Match`` named a version the object no longer has (412)."""

    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The object has changed since you read it."
    default_code = "precondition_failed"


def exception_handler(exc, context):
    exc = _as_api_exception(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    body = {"status": response.status_code, "code": _code(exc), "detail": _detail(exc)}
    if isinstance(exc, exceptions.ValidationError):
        body["fields"] = _fields(response.data)
    response.data = {"error": body}
    return response


def _as_api_exception(exc):
    """Django's own exceptions as the DRF exceptions with the same meaning."""
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(as_serializer_error(exc))
    if isinstance(exc, Http404):
        return exceptions.NotFound(*exc.args[:1])
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(*exc.args[:1])
    if isinstance(exc, (ProtectedError, RestrictedError)):
        return Conflict(still_used_by(exc))
    return exc


def _fields(data) -> dict:
    """Messages by field; Django's key for messages about no one field becomes DRF's."""
    if not isinstance(data, dict):
        return {api_settings.NON_FIELD_ERRORS_KEY: data}
    fields = {}
    for key, messages in data.items():
        key = api_settings.NON_FIELD_ERRORS_KEY if key == NON_FIELD_ERRORS else key
        if key in fields and isinstance(messages, list):
            fields[key] = [*fields[key], *messages]
        else:
            fields[key] = messages
    return fields


def _code(exc) -> str:
    codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else None
    return codes if isinstance(codes, str) else getattr(exc, "default_code", "error")


def _detail(exc) -> str:
    if isinstance(exc, exceptions.ValidationError):
        return "The request contains invalid data; see fields."
    detail = getattr(exc, "detail", None)
    if isinstance(detail, str) and detail:
        return str(detail)
    return str(getattr(exc, "default_detail", "The request failed."))
