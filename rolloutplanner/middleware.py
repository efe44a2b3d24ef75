"""Leadership reads everything and changes nothing, on every page, without each view saying so.

A page that changes something answers a read-only role (``READ_ONLY_ROLES``) with 403 before
the view runs, so a new POST view is covered by default. The few steps that belong to a
read-only role (leadership approving a planning document, commenting in its review, reading
its notifications, managing its own API tokens, signing out) are marked with
:func:`read_only_roles_may_post`. The API applies the same rule as a DRF permission class
(``rolloutplanner.api.permissions``).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from rolloutplanner.permissions import user_may_write

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def read_only_roles_may_post(view):
    """Mark a page view (function or ``as_view()``) as a step read-only roles also take."""
    view.read_only_roles_may_post = True
    return view


class ReadOnlyRolesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if request.method in SAFE_METHODS or user is None or not user.is_authenticated:
            return None
        if hasattr(view_func, "cls") or getattr(view_func, "read_only_roles_may_post", False):
            return None  # DRF views apply the rule as a permission class, with a JSON body
        if request.resolver_match and request.resolver_match.app_name == "admin":
            return None  # the admin admits staff only
        if not user_may_write(user):
            raise PermissionDenied("Leadership reads the planner but does not change it.")
        return None
