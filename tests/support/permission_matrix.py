"""The permission matrix: one declarative table per app, one harness for pages and API.

Each :class:`Target` names an object (built from the shared ``world`` fixture) and, per role,
the actions that must succeed. Every other action must be denied: 404 when the role may not
even view the object, 403 when it may view but not act. Pages and API are both checked, so
a page and its API twin cannot disagree.

Apps declare ``TARGETS = [...]`` and call ``matrix_cases(TARGETS)`` in a parametrize.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse

from rolloutplanner.roles import Role

ROLES = [
    Role.SEA_TEAM,
    Role.LEADERSHIP,
    Role.LEA_COORDINATOR,
    Role.VENDOR_CONTACT,
    Role.ADMINISTRATOR,
]
ALL = "VCDA"  # view, change, delete, add


@dataclass
class Target:
    """``allowed[role]`` is a string of V (view), C (change), D (delete), A (add)."""

    name: str
    make: Callable  # (world) -> saved object
    api_basename: str
    change_payload: Callable  # (world, obj) -> dict valid for both the edit form and API PATCH
    create_payload: Callable  # (world) -> dict valid for both the add form and API POST
    allowed: dict = field(default_factory=dict)
    has_pages: bool = True

    def url_name(self, obj, suffix: str) -> str:
        from rolloutplanner.views.generic import url_namespace

        return f"{url_namespace(type(obj))}:{obj._meta.model_name}-{suffix}"


def matrix_cases(targets: list[Target]):
    import pytest

    cases = []
    for target in targets:
        for role in ROLES:
            for action in "VCDA":
                allowed = action in target.allowed.get(role, "")
                cases.append(
                    pytest.param(target, role, action, allowed, id=f"{target.name}-{role}-{action}")
                )
    return cases


def check_case(client, api_client, world, target: Target, role: str, action: str, allowed: bool):
    user = world.users[role]
    client.force_login(user)
    api_client.force_authenticate(user)
    visible = "V" in target.allowed.get(role, "")
    denied = 404 if not visible and action != "A" else 403
    if action == "A":
        _check_add(client, api_client, world, target, allowed)
        return
    obj = target.make(world)
    api_url = reverse(f"api:{target.api_basename}-detail", args=[obj.pk])
    if action == "V":
        responses = [api_client.get(api_url)]
        if target.has_pages:
            responses.append(client.get(reverse(target.url_name(obj, "detail"), args=[obj.pk])))
            responses.append(client.get(reverse(target.url_name(obj, "history"), args=[obj.pk])))
        _expect(responses, 200 if allowed else denied)
    elif action == "C":
        payload = target.change_payload(world, obj)
        if target.has_pages:
            page = client.post(reverse(target.url_name(obj, "edit"), args=[obj.pk]), payload)
            _expect([page], 302 if allowed else denied)
        _expect([api_client.patch(api_url, payload, format="json")], 200 if allowed else denied)
    elif action == "D":
        if target.has_pages and not allowed:
            page = client.post(reverse(target.url_name(obj, "delete"), args=[obj.pk]))
            _expect([page], denied)
        _expect([api_client.delete(api_url)], 204 if allowed else denied)
        assert type(obj).objects.filter(pk=obj.pk).exists() is not allowed


def _check_add(client, api_client, world, target: Target, allowed: bool):
    payload = target.create_payload(world)
    api = api_client.post(reverse(f"api:{target.api_basename}-list"), payload, format="json")
    _expect([api], 201 if allowed else 403)


def _expect(responses, status: int):
    for response in responses:
        assert response.status_code == status, (
            f"{response.request['REQUEST_METHOD']} {response.request['PATH_INFO']}: "
            f"expected {status}, got {response.status_code}: {getattr(response, 'data', '')}"
        )
