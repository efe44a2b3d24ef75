"""``/api/v1/``: one router per app, combined here under the ``api`` namespace.

The root lists every collection endpoint of every app's router, so a REST client can start
from ``/api/v1/`` and discover the rest (DRF's browsable API root, signed-in users only).
"""

from django.urls import URLPattern, URLResolver, include, path
from rest_framework.routers import APIRootView, SimpleRouter

from rolloutplanner.api.views import APITokenViewSet, JobViewSet

router = SimpleRouter()
router.register("jobs", JobViewSet, basename="job")
router.register("tokens", APITokenViewSet, basename="token")

endpoints = [
    *router.urls,
    path("", include("leas.api.urls")),
    path("", include("vendors.api.urls")),
    path("", include("mapping.api.urls")),
    path("", include("rolloutplanner.timeline.api.urls")),
    path("", include("usecases.api.urls")),
    path("", include("parallel.api.urls")),
]


def list_endpoints(patterns) -> dict[str, str]:
    """``{"leas/people": "leaperson-list", ...}``: the collection routes of the routers."""
    found = {}
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            found.update(list_endpoints(pattern.url_patterns))
        elif isinstance(pattern, URLPattern) and (pattern.name or "").endswith("-list"):
            found[str(pattern.pattern).strip("^$").strip("/")] = pattern.name
    return dict(sorted(found.items()))


class RootView(APIRootView):
    """Every collection of the Rollout Planner API, with its URL."""

    api_root_dict = None  # filled on first use: the app URL modules load lazily
    schema = None  # an index of links, not an endpoint of the OpenAPI schema

    def get(self, request, *args, **kwargs):
        if RootView.api_root_dict is None:
            RootView.api_root_dict = list_endpoints(endpoints)
        return super().get(request, *args, **kwargs)


app_name = "api"
urlpatterns = [
    path("", RootView.as_view(), name="api-root"),
    *endpoints,
]
