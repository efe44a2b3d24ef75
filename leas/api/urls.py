from rest_framework.routers import SimpleRouter

from leas.api.views import LEAViewSet

router = SimpleRouter()
router.register("leas", LEAViewSet, basename="lea")
urlpatterns = router.urls
