"""One error body for every API failure:

``{"error": {"status": 400, "code": "invalid", "detail": "...", "fields": {...}}}``
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    if isinstance(exc, DjangoPermissionDenied):
        # A service's refusal (e.g. the four-eyes rule) keeps its message and code in the body.
        exc = exceptions.PermissionDenied(*exc.args)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
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


def _code(exc) -> str:
    if isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        return codes if isinstance(codes, str) else exc.default_code
    return "error"


def _detail(exc) -> str:
    if isinstance(exc, exceptions.ValidationError):
        return "The request contains invalid data; see fields."
    detail = getattr(exc, "detail", None)
    return str(detail) if detail is not None else status.HTTP_500_INTERNAL_SERVER_ERROR
