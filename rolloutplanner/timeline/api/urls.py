from rest_framework.routers import SimpleRouter

from rolloutplanner.timeline.api import views

router = SimpleRouter()
router.register("timeline", views.MilestoneViewSet, basename="milestone")
router.register("timeline-phases", views.PhaseViewSet, basename="phase")
router.register("timeline-waves", views.WaveViewSet, basename="wave")
router.register(
    "timeline-dependencies", views.MilestoneDependencyViewSet, basename="milestonedependency"
)
router.register("timeline-baselines", views.BaselineViewSet, basename="baseline")
router.register("timeline-notices", views.ChangeNoticeViewSet, basename="changenotice")
urlpatterns = router.urls
