"""The role rule every API view applies before any object rule: read-only roles only read.

It is a default permission class (settings ``REST_FRAMEWORK``), so a new viewset or ``@action``
is covered without doing anything. A workflow step that belongs to a read-only role (leadership
approving a planning document) is named in the view's ``read_only_role_actions``.
"""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from rolloutplanner.permissions import user_may_write


class ReadOnlyRolesOnlyRead(BasePermission):
    message = "Leadership reads everything in the planner but changes nothing."

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS or not request.user.is_authenticated:
            return True  # anonymous requests are refused by IsAuthenticated, with a 401
        if request.method not in view.allowed_methods:
            return True  # a method the view does not have is a 405 for everyone
        if getattr(view, "action", None) in getattr(view, "read_only_role_actions", ()):
            return True
        return user_may_write(request.user)
