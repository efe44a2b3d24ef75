"""Every write that is not plain CRUD, generated from the router and the URL resolver.

The apps' permission matrices (``tests/<app>/test_permissions.py``) check view/change/delete/add
of each model. This file checks everything else that writes: each ``@action`` and standard
write of every registered viewset, and every page a form can post to, so an action added
tomorrow is checked without anyone listing it here:

- leadership (a read-only role) gets 403 on every non-safe request, except the few workflow
  steps that are its own (declared on the view, and listed below so adding one is a decision);
- anonymous requests are refused (API 401, pages sent to the login page);
- LEA coordinators and vendor contacts get 404 for an action on an object they cannot see.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from django.contrib.auth.views import redirect_to_login
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from rolloutplanner.roles import READ_ONLY_ROLES, Role
from tests.factories import JobFactory
from tests.support.permission_matrix import Target

pytestmark = pytest.mark.django_db

SAFE = {"get", "head", "options", "trace"}
SCOPED_ROLES = (Role.LEA_COORDINATOR, Role.VENDOR_CONTACT)

# The writes leadership takes part in: its decision on a planning document, its comments
# during its review, its own notifications and API tokens, signing in and out.
API_STEPS_OF_READ_ONLY_ROLES = {
    ("planningdocument", "approve"),
    ("planningdocument", "return_to_author"),
    ("sectioncomment", "create"),
    ("notification", "read"),
    ("token", "create"),
    ("token", "destroy"),
}
PAGE_STEPS_OF_READ_ONLY_ROLES = {
    "login",
    "logout",
    "password_change",
    "token-list",
    "token-revoke",
    "usecases:planningdocument-transition",
    "usecases:documentsection-comment",
    "usecases:notification-read",
}


def _all_targets() -> list[Target]:
    """Every Target of every app's permission matrix."""
    targets = []
    for path in sorted(Path(__file__).parents[1].glob("*/test_*permissions.py")):
        module = importlib.import_module(
            ".".join(path.relative_to(Path.cwd()).with_suffix("").parts)
        )
        targets.extend(getattr(module, "TARGETS", []))
    return targets


def _other_users_notification(world):
    from tests.usecases.factories import PlanningDocumentFactory
    from usecases.models import Notification

    return Notification.objects.create(
        recipient=world.users[Role.SEA_TEAM], document=PlanningDocumentFactory(), message="Hi"
    )


# Objects of viewsets whose actions write but which have no matrix row (not plain CRUD).
EXTRA_TARGETS = [
    Target("other-lea-job", lambda w: JobFactory(lea=w.other_lea), "job", None, None, {}),
    Target("other-users-notification", _other_users_notification, "notification", None, None),
]
TARGETS = _all_targets() + EXTRA_TARGETS


def _routers():
    from rolloutplanner.api import urls

    yield urls.router
    for entry in urls.urlpatterns:
        if isinstance(entry, URLResolver):
            yield entry.urlconf_module.router


def _api_writes():
    """(basename, action, url name, detail, method) of every non-safe API route."""
    writes = []
    for router in _routers():
        for _prefix, viewset, basename in router.registry:
            standard = [
                ("create", "list", False, "post"),
                ("update", "detail", True, "put"),
                ("partial_update", "detail", True, "patch"),
                ("destroy", "detail", True, "delete"),
            ]
            for action, suffix, detail, method in standard:
                # A method the viewset leaves out is a 405 for everyone, not a role rule.
                if hasattr(viewset, action) and method in viewset.http_method_names:
                    writes.append((basename, action, f"{basename}-{suffix}", detail, method))
            for extra in viewset.get_extra_actions():
                for method in set(extra.mapping) - SAFE:
                    name = f"{basename}-{extra.url_name}"
                    writes.append((basename, extra.__name__, name, extra.detail, method))
    return writes


API_WRITES = _api_writes()


def _target_for(basename: str, role: str | None = None) -> Target | None:
    """A target of ``basename``; with ``role``, one that role may not even view."""
    for target in TARGETS:
        if target.api_basename == basename and (
            role is None or "V" not in target.allowed.get(role, "")
        ):
            return target
    return None


def _api_url(name: str, detail: bool, pk: int) -> str:
    return reverse(f"api:{name}", args=[pk] if detail else [])


def _call(client, method: str, url: str):
    return getattr(client, method)(url, {}, format="json")


def _snapshot(obj) -> dict | None:
    """The object's row as stored (None once deleted)."""
    return type(obj)._default_manager.filter(pk=obj.pk).values().first()


def test_leadership_is_refused_every_api_write(api_client, world):
    api_client.force_authenticate(world.users[Role.LEADERSHIP])
    refused_wrongly, objects = [], {}
    for basename, action, name, detail, method in API_WRITES:
        if (basename, action) in API_STEPS_OF_READ_ONLY_ROLES:
            continue
        target = _target_for(basename)
        if target and detail and basename not in objects:
            objects[basename] = target.make(world)
        obj = objects.get(basename) if detail else None
        before = _snapshot(obj) if obj else None

        response = _call(api_client, method, _api_url(name, detail, obj.pk if obj else 0))

        if response.status_code != 403 or response.json()["error"]["status"] != 403:
            refused_wrongly.append(f"{method.upper()} {name}: {response.status_code}")
        elif obj is not None and _snapshot(obj) != before:
            refused_wrongly.append(f"{method.upper()} {name}: 403 but the row changed")
    assert refused_wrongly == []


def test_the_api_steps_leadership_takes_are_exactly_the_declared_ones():
    declared = set()
    for router in _routers():
        for _prefix, viewset, basename in router.registry:
            declared |= {(basename, a) for a in getattr(viewset, "read_only_role_actions", ())}
    assert declared == API_STEPS_OF_READ_ONLY_ROLES
    assert {Role.LEADERSHIP} == READ_ONLY_ROLES


def test_anonymous_is_refused_every_api_write(api_client, db):
    answered = {
        f"{method.upper()} {name}": _call(api_client, method, _api_url(name, detail, 0))
        for _basename, _action, name, detail, method in API_WRITES
    }
    assert {key: r.status_code for key, r in answered.items() if r.status_code != 401} == {}
    assert {r.json()["error"]["status"] for r in answered.values()} == {401}


def _scoped_api_cases():
    cases = []
    for basename, action, name, detail, method in API_WRITES:
        if not detail or action in {"update", "partial_update", "destroy"}:
            continue  # plain CRUD is in the apps' matrices; list actions have no object
        for role in SCOPED_ROLES:
            target = _target_for(basename, role)
            if target is not None:
                cases.append(pytest.param(target, role, name, method, id=f"{name}-{role}"))
    return cases


@pytest.mark.parametrize(("target", "role", "name", "method"), _scoped_api_cases())
def test_scoped_roles_get_404_for_an_api_action_on_an_object_they_cannot_see(
    api_client, world, target, role, name, method
):
    obj = target.make(world)
    before = _snapshot(obj)
    api_client.force_authenticate(world.users[role])

    response = _call(api_client, method, _api_url(name, True, obj.pk))

    assert response.status_code == 404, f"{name} as {role}: {response.status_code}"
    assert _snapshot(obj) == before


def test_every_object_api_action_is_checked_against_someone_elses_object():
    """A new detail action on a viewset without a matrix row must get a target above."""
    shared_by_everyone = {"planningdocument", "sectioncomment", "cohort", "elementmapping"}
    shared_by_everyone |= {"descriptormapping", "collectioncycle", "checklisttask"}
    unchecked = {
        name
        for basename, action, name, detail, _method in API_WRITES
        if detail
        and action not in {"update", "partial_update", "destroy"}
        and basename not in shared_by_everyone
        and not any(_target_for(basename, role) for role in SCOPED_ROLES)
    }
    assert unchecked == set()


def _page_routes(patterns=None, prefix="", namespace=""):
    """(url name, route, view) of every page (not the API, not the admin)."""
    patterns = get_resolver().url_patterns if patterns is None else patterns
    for entry in patterns:
        if isinstance(entry, URLResolver):
            space = entry.namespace or ""
            if space in {"api", "admin"}:
                continue
            yield from _page_routes(
                entry.url_patterns,
                prefix + str(entry.pattern),
                f"{namespace}{space}:" if space else namespace,
            )
        elif (
            isinstance(entry, URLPattern)
            and entry.name
            and not hasattr(entry.callback, "cls")  # DRF views (API schema and docs)
        ):
            yield f"{namespace}{entry.name}", entry


PAGE_ROUTES = sorted(_page_routes(), key=lambda route: route[0])


def _page_url(name: str, pattern: URLPattern, pk: int = 0) -> str:
    kwargs = {}
    for key, converter in pattern.pattern.converters.items():
        kwargs[key] = pk if type(converter).__name__ == "IntConverter" else "csv"
    return reverse(name, kwargs=kwargs)


def test_leadership_is_refused_every_page_post(client, world):
    client.force_login(world.users[Role.LEADERSHIP])
    answered = {
        name: client.post(_page_url(name, pattern), {}).status_code
        for name, pattern in PAGE_ROUTES
        if name not in PAGE_STEPS_OF_READ_ONLY_ROLES
    }
    assert {name: status for name, status in answered.items() if status != 403} == {}


def test_the_page_steps_leadership_takes_are_exactly_the_marked_ones():
    marked = {
        name
        for name, pattern in PAGE_ROUTES
        if getattr(pattern.callback, "read_only_roles_may_post", False)
    }
    assert marked == PAGE_STEPS_OF_READ_ONLY_ROLES


def test_anonymous_page_posts_are_sent_to_sign_in_or_refused(client, db):
    sign_in = redirect_to_login("").url.split("?")[0]
    wrong = {}
    for name, pattern in PAGE_ROUTES:
        if name in {"login", "healthz", "home"}:
            continue  # public pages
        response = client.post(_page_url(name, pattern), {})
        # Calendar feeds (a key in the URL) do not know a key of 0: 404.
        if response.status_code == 302 and response.url.startswith(sign_in):
            continue
        if response.status_code not in (403, 404, 405):
            wrong[name] = response.status_code
    assert wrong == {}


def _scoped_page_cases():
    cases = []
    for name, pattern in PAGE_ROUTES:
        view_class = getattr(pattern.callback, "view_class", None)
        if view_class is not None and not hasattr(view_class, "post"):
            continue  # a page that only reads (405 to a POST)
        if "pk" not in pattern.pattern.converters or name in PAGE_STEPS_OF_READ_ONLY_ROLES:
            continue
        model_name = name.split(":")[-1].split("-")[0]
        for role in SCOPED_ROLES:
            for target in TARGETS:
                if "V" in target.allowed.get(role, ""):
                    continue
                if target.api_basename == model_name:
                    cases.append(pytest.param(target, role, name, pattern, id=f"{name}-{role}"))
                    break
    return cases


@pytest.mark.parametrize(("target", "role", "name", "pattern"), _scoped_page_cases())
def test_scoped_roles_get_404_for_a_page_post_on_an_object_they_cannot_see(
    client, world, target, role, name, pattern
):
    obj = target.make(world)
    before = _snapshot(obj)
    client.force_login(world.users[role])

    response = client.post(_page_url(name, pattern, obj.pk), {})

    assert response.status_code == 404, f"POST {name} as {role}: {response.status_code}"
    assert _snapshot(obj) == before
