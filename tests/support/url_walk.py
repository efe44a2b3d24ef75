"""Every URL of the app as test cases, generated from the URL resolver.

A page or API endpoint added tomorrow is walked without anyone listing it: the cases come from
``get_resolver()``. A ``<int:pk>``-style argument is filled with an object of the view's model
(from the view's ``model``/queryset, the history view's model, or the ``<model>-<suffix>`` URL
name). A pattern whose arguments cannot be filled fails its case with its name, unless it is in
:data:`SKIP` with the reason.

The expected outcome of each case is derived from the role rules (``restrict``): 200 where the
role may, 403 where it may see the object but not do the action, 404 where it may not see the
object, a redirect to the sign-in page for anonymous pages and 401/403 for the anonymous API.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

from rolloutplanner.permissions import (
    CHANGE,
    DELETE,
    VIEW,
    user_can,
    user_can_add_model,
)
from rolloutplanner.roles import Role, role_of
from rolloutplanner.views.generic import url_namespace

# The demo logins (rolloutplanner/demo.py) and an anonymous visitor.
ROLES = ("sea", "leader", "coordinator", "vendor", "admin", "anonymous")
SCOPED = {"coordinator": Role.LEA_COORDINATOR, "vendor": Role.VENDOR_CONTACT}

# Patterns not walked, with the reason. Keep this list short: everything else is walked.
SKIP = {
    "admin/": "Django's own admin site (administrators only), not the app's pages",
}

# Views without a model of their own whose ``pk`` names an object of this model.
PK_MODELS = {
    "token-revoke": "rolloutplanner.APIToken",
    "rolloutplanner:calendar-feed-revoke": "timeline.CalendarFeedToken",
    "rolloutplanner:timeline-lea": "leas.LEA",
    "rolloutplanner:timeline-vendor": "vendors.Vendor",
    "rolloutplanner:feed-lea": "leas.LEA",
    "rolloutplanner:feed-vendor": "vendors.Vendor",
    "rolloutplanner:milestone-dependency-add": "timeline.Milestone",
    "rolloutplanner:milestone-dependency-remove": "timeline.Milestone",
    "parallel:cycle-upload": "parallel.CollectionCycle",
    "parallel:cycle-run": "parallel.CollectionCycle",
    "vendors:apicredential-report-leak": "vendors.APICredential",
    "mapping:mappingplan-lineage": "mapping.MappingPlan",
    "mapping:mappingplan-import-own": "mapping.MappingPlan",
    "mapping:mappingplan-property-search": "mapping.MappingPlan",
    "mapping:statecollection-grid": "mapping.StateCollection",
    "api:aggregate-detail": "parallel.AggregateDifference",
}

# The values of a ``<str:fmt>`` argument, per pattern: every format is its own case.
FORMATS = {
    "mapping:mappingplan-export": ("csv", "xlsx"),
    "mapping:spec-template": ("csv", "xlsx"),
    "usecases:planningdocument-export": ("pdf", "docx"),
    "usecases:assessmentround-export": ("pdf", "docx"),
    "parallel:export": ("csv", "xlsx"),
}

# Pages that answer a GET with a redirect, and why (any other redirect fails its case).
REDIRECTS = {
    "home": "an LEA coordinator or vendor contact lands on their own organisation's page",
    "logout": "signing out by GET is not offered; Django answers 405, never a redirect",
}

# Pages anybody may open without signing in.
PUBLIC = {"login", "healthz"}

# Suffixes of the standard pages whose outcome follows from the model's policy alone.
OBJECT_ACTIONS = {"detail": VIEW, "history": VIEW, "edit": CHANGE, "delete": DELETE}


@dataclass(frozen=True)
class Route:
    """One URL pattern, as the resolver holds it."""

    name: str
    route: str
    kwargs: tuple[str, ...]
    model: type | None
    api: bool
    view_name: str
    get_allowed: bool | None  # None: a function view, which may accept GET or not

    @property
    def suffix(self) -> str:
        return self.name.rsplit(":", 1)[-1].rsplit("-", 1)[-1]

    @property
    def is_feed(self) -> bool:
        return "key" in self.kwargs


@dataclass(frozen=True)
class Case:
    """One GET of one pattern by one role; ``scope`` picks the object (own / other / any)."""

    route: Route
    role: str
    scope: str = "any"
    fmt: str | None = None
    problems: tuple[str, ...] = field(default=())

    @property
    def id(self) -> str:
        parts = [self.route.name or self.route.route, self.role]
        if self.scope != "any":
            parts.append(self.scope)
        if self.fmt:
            parts.append(self.fmt)
        return "/".join(parts)


def iter_routes(resolver=None, prefix: str = "", namespace: str | None = None):
    """Every URL pattern below ``resolver`` with its full route and namespaced name."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from iter_routes(pattern, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            yield _route(pattern, prefix, namespace)


def _route(pattern: URLPattern, prefix: str, namespace: str | None) -> Route:
    name = pattern.name or ""
    if namespace and name:
        name = f"{namespace}:{name}"
    callback = pattern.callback
    view = getattr(callback, "view_class", None) or getattr(callback, "cls", None) or callback
    regex = pattern.pattern.regex
    kwargs = tuple(regex.groupindex)
    return Route(
        name=name,
        route=prefix + str(pattern.pattern),
        kwargs=kwargs,
        model=_model_of(name, callback, view),
        api=name.startswith("api:"),
        view_name=f"{view.__module__}.{getattr(view, '__qualname__', view)}",
        get_allowed=_get_allowed(callback, view),
    )


def _get_allowed(callback, view) -> bool | None:
    actions = getattr(callback, "actions", None)
    if actions is not None:  # a DRF viewset route
        return "get" in actions
    if isinstance(view, type):
        return "get" in view.http_method_names and hasattr(view, "get")
    return None


def _model_of(name: str, callback, view) -> type | None:
    if name in PK_MODELS:
        return apps.get_model(PK_MODELS[name])
    if name in MULTI_KWARGS:
        return apps.get_model(MULTI_KWARGS[name])
    initkwargs = getattr(callback, "view_initkwargs", None) or {}
    for candidate in (initkwargs.get("model"), getattr(view, "model", None)):
        if candidate is not None:
            return candidate
    queryset = getattr(view, "queryset", None)
    if queryset is not None:
        return queryset.model
    return _model_named(name)


def _model_named(name: str) -> type | None:
    """``leas:lea-detail`` → LEA: the model whose name the URL name starts with."""
    namespace, _, short = name.rpartition(":")
    model_name = short.rsplit("-", 1)[0] if "-" in short else ""
    matches = [m for m in apps.get_models() if m._meta.model_name == model_name]
    preferred = [m for m in matches if url_namespace(m) == namespace]
    found = preferred or matches
    return found[0] if len(found) == 1 else None


def walked_routes() -> list[Route]:
    return [
        route
        for route in iter_routes()
        if not any(route.route.startswith(prefix) for prefix in SKIP)
    ]


def _scopes(route: Route, role: str) -> tuple[str, ...]:
    """Object choices for a role: scoped roles get an own and an other object where they differ."""
    if route.model is None or not ("pk" in route.kwargs or route.name in MULTI_KWARGS):
        return ("any",)
    if _owned_by_user(route.model):
        return ("own", "other") if role != "anonymous" else ("any",)
    if role not in SCOPED:
        return ("any",)
    policy = getattr(route.model, "permission_policy", None)
    if policy is None or policy.shared:
        return ("any",)
    paths = policy.lea_paths if role == "coordinator" else policy.vendor_paths
    return ("own", "other") if paths else ("other",)


def walk_cases() -> list[Case]:
    """Every walked pattern × every role (× own/other object, × export format)."""
    cases = []
    for route in walked_routes():
        problems = _unfillable(route)
        formats = FORMATS.get(route.name, (None,)) if "fmt" in route.kwargs else (None,)
        for role in ROLES:
            for scope in _scopes(route, role):
                for fmt in formats:
                    cases.append(Case(route, role, scope, fmt, problems))
    return cases


FILLED_KWARGS = {"pk", "fmt", "key"}
# Other arguments, per pattern.
EXTRA_KWARGS = {"usecases:planningdocument-transition": {"action": "approve"}}
# Patterns with several object arguments are filled from one object (see ``fill_kwargs``).
MULTI_KWARGS = {
    "parallel:lea-results": "parallel.LEARunSummary",
    "parallel:export": "parallel.ReconciliationRun",
    "mapping:upgrade-impact": "rolloutplanner.Job",
    "rolloutplanner:milestone-dependency-remove": "timeline.MilestoneDependency",
}


def _unfillable(route: Route) -> tuple[str, ...]:
    problems = []
    if route.name in MULTI_KWARGS:
        return ()
    for kwarg in route.kwargs:
        if kwarg in EXTRA_KWARGS.get(route.name, {}):
            continue
        if kwarg not in FILLED_KWARGS:
            problems.append(f"no filler for <{kwarg}>")
        elif kwarg == "pk" and route.model is None:
            problems.append("no model for <pk> (set the view's model or add it to PK_MODELS)")
        elif kwarg == "fmt" and route.name not in FORMATS:
            problems.append("no formats for <fmt> (add them to FORMATS)")
    if not route.name:
        problems.append("the pattern has no name")
    return tuple(problems)


# Patterns that need a particular kind of row.
OBJECT_FILTERS = {"mapping:upgrade-impact": {"kind": "mapping_upgrade_impact"}}


def pick_object(model, user, scope: str, filters=None):
    """An object of ``model``: any, one the user may view (own), or one they may not (other)."""
    everything = model._default_manager.filter(**(filters or {})).order_by("pk")
    if scope == "any":
        return everything.first()
    if _owned_by_user(model):
        visible = everything.filter(user=user).values("pk")
    else:
        visible = model._default_manager.restrict(user, VIEW).values("pk")
    if scope == "own":
        return everything.filter(pk__in=visible).first()
    return everything.exclude(pk__in=visible).first()


def fill_kwargs(case: Case, user, feed_keys: dict) -> tuple[dict, object | None]:
    """The URL arguments of a case and the object they name (None when there is none)."""
    route = case.route
    kwargs, obj = {}, None
    if route.name in MULTI_KWARGS:
        model = apps.get_model(MULTI_KWARGS[route.name])
        obj = pick_object(model, user, case.scope, OBJECT_FILTERS.get(route.name))
        if obj is None:
            raise LookupError(f"the demo data holds no {MULTI_KWARGS[route.name]}")
        kwargs = _multi(route.name, obj)
    elif "pk" in route.kwargs:
        obj = pick_object(route.model, user, case.scope)
        if obj is None:
            raise LookupError(
                f"the demo data holds no {route.model._meta.label} ({case.scope}) for {case.role}"
            )
        kwargs["pk"] = obj.pk
    if "fmt" in route.kwargs:
        kwargs["fmt"] = case.fmt
    if "key" in route.kwargs:
        kwargs["key"] = feed_keys.get(case.role, "no-such-key")
    kwargs.update(EXTRA_KWARGS.get(route.name, {}))
    return kwargs, obj


def _multi(name: str, obj) -> dict:
    if name == "parallel:lea-results":
        return {"run_pk": obj.run_id, "lea_pk": obj.lea_id}
    if name == "parallel:export":
        return {"run_pk": obj.pk}
    if name == "mapping:upgrade-impact":
        return {"job_pk": obj.pk}
    return {"pk": obj.successor_id, "dependency_pk": obj.pk}


def expected_statuses(case: Case, user, obj) -> set[int]:
    """The documented outcomes of a GET of this case (derived from the role rules)."""
    route = case.route
    if case.role == "anonymous":
        return _anonymous(route)
    if route.is_feed:
        return _feed(route, user, obj)
    if route.name in PUBLIC:
        return {200}
    if route.name == "logout":
        return {405}
    if route.get_allowed is False:
        return {405}
    if obj is not None and not _visible(user, obj):
        # Out of scope is "not found", whatever the page; a POST-only action may say 405 first.
        return {404} if route.suffix in OBJECT_ACTIONS or route.api else {404, 405}
    if route.api:
        return _api(route)
    if route.suffix in OBJECT_ACTIONS and obj is not None:
        action = OBJECT_ACTIONS[route.suffix]
        return {200} if user_can(user, obj, action) else {403}
    if route.suffix == "add" and route.model is not None and "pk" not in route.kwargs:
        return {200} if user_can_add_model(user, route.model) else {403}
    if route.suffix == "list" and route.model is not None:
        return {200}
    return {200, 403, 405} | ({302} if route.name in REDIRECTS else set())


def _owned_by_user(model) -> bool:
    """A personal row (API token, calendar key): no policy, only its own user reaches it."""
    return not hasattr(model, "permission_policy") and any(
        f.name == "user" for f in model._meta.get_fields()
    )


def _api(route: Route) -> set[int]:
    if route.suffix in ("list", "detail"):
        return {200}
    return {200, 403, 405}


def _visible(user, obj) -> bool:
    if _owned_by_user(type(obj)):
        return obj.user_id == user.pk
    return type(obj)._default_manager.restrict(user, VIEW).filter(pk=obj.pk).exists()


def _anonymous(route: Route) -> set[int]:
    if route.name in PUBLIC:
        return {200}
    if route.name == "logout":
        return {405}
    if route.is_feed:
        return {404}  # the key is the credential; an unknown key finds nothing
    if route.api or route.name in {"schema", "api-docs"}:
        return {401, 403}
    return {302, 405}


def _feed(route: Route, user, obj) -> set[int]:
    if obj is not None and not _visible(user, obj):
        return {404}
    return {200}


def is_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/accounts/login/")


__all__ = [
    "ROLES",
    "Case",
    "Route",
    "expected_statuses",
    "fill_kwargs",
    "is_login_redirect",
    "role_of",
    "walk_cases",
    "walked_routes",
]
