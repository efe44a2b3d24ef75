"""One error body for every API failure:

``{"error": {"status": 400, "code": "invalid", "detail": "...", "fields": {...}}}``

``status`` is always the response's own status code and ``detail`` always a sentence.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404
from rest_framework import exceptions, status
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
    if isinstance(exc, exceptions.ValidationError) and isinstance(exc.detail, dict):
        body["fields"] = response.data
    elif isinstance(exc, exceptions.ValidationError):
        body["fields"] = {"non_field_errors": response.data}
    response.data = {"error": body}
    return response


def _as_api_exception(exc):
    """Django's own exceptions as the DRF exceptions with the same meaning."""
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    if isinstance(exc, Http404):
        return exceptions.NotFound(*exc.args[:1])
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(*exc.args[:1])
    if isinstance(exc, (ProtectedError, RestrictedError)):
        return Conflict(still_used_by(exc))
    return exc


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
