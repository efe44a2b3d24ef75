from rest_framework.routers import SimpleRouter

from parallel.api import views

router = SimpleRouter()
router.register("parallel/definitions", views.ReportDefinitionViewSet, basename="reportdefinition")
router.register("parallel/cycles", views.CollectionCycleViewSet, basename="collectioncycle")
router.register("parallel/runs", views.ReconciliationRunViewSet, basename="reconciliationrun")
router.register("parallel/lea-summaries", views.LEARunSummaryViewSet, basename="learunsummary")
router.register("parallel/aggregates", views.AggregateDifferenceViewSet, basename="aggregate")
router.register("parallel/groups", views.DiscrepancyGroupViewSet, basename="discrepancygroup")
router.register("parallel/discrepancies", views.DiscrepancyViewSet, basename="discrepancy")
urlpatterns = router.urls
