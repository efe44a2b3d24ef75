from rest_framework.routers import SimpleRouter

from leas.api import views

router = SimpleRouter()
router.register("leas/people", views.LEAPersonViewSet, basename="leaperson")
router.register("leas/readiness", views.ReadinessItemViewSet, basename="readinessitem")
router.register("leas/support-requests", views.SupportRequestViewSet, basename="supportrequest")
router.register("leas/support-networks", views.SupportNetworkViewSet, basename="supportnetwork")
router.register("cohorts", views.CohortViewSet, basename="cohort")
router.register("leas", views.LEAViewSet, basename="lea")
urlpatterns = router.urls
