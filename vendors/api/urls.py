from rest_framework.routers import SimpleRouter

from vendors.api import views

router = SimpleRouter()
router.register("vendors/certifications", views.CertificationViewSet, basename="certification")
router.register("vendors/touchpoints", views.TouchpointViewSet, basename="touchpoint")
router.register("vendors/follow-ups", views.FollowUpViewSet, basename="followup")
router.register("vendors/timelines", views.DeploymentTimelineViewSet, basename="deploymenttimeline")
router.register("vendors/market-events", views.MarketEventViewSet, basename="marketevent")
router.register("claim-sets", views.ClaimSetViewSet, basename="claimset")
router.register("credentials", views.APICredentialViewSet, basename="apicredential")
router.register(
    "credential-incidents", views.CredentialIncidentViewSet, basename="credentialincident"
)
router.register("vendors", views.VendorViewSet, basename="vendor")
urlpatterns = router.urls
