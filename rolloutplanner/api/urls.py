"""``/api/v1/``: one router per app, combined here under the ``api`` namespace."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from rolloutplanner.api.views import APITokenViewSet, JobViewSet

router = SimpleRouter()
router.register("jobs", JobViewSet, basename="job")
router.register("tokens", APITokenViewSet, basename="token")

app_name = "api"
urlpatterns = [
    *router.urls,
    path("", include("leas.api.urls")),
    path("", include("vendors.api.urls")),
    path("", include("mapping.api.urls")),
    path("", include("rolloutplanner.timeline.api.urls")),
    path("", include("usecases.api.urls")),
]
