from rest_framework.routers import SimpleRouter

from mapping.api import views

router = SimpleRouter()
router.register("edfi-versions", views.DataStandardVersionViewSet, basename="datastandardversion")
router.register("edfi-resources", views.EdFiResourceViewSet, basename="edfiresource")
router.register("edfi-properties", views.EdFiPropertyViewSet, basename="edfiproperty")
router.register("edfi-descriptors", views.DescriptorViewSet, basename="descriptor")
router.register("edfi-descriptor-values", views.DescriptorValueViewSet, basename="descriptorvalue")
router.register("mapping-plans", views.MappingPlanViewSet, basename="mappingplan")
router.register("state-collections", views.StateCollectionViewSet, basename="statecollection")
router.register("state-elements", views.StateElementViewSet, basename="stateelement")
router.register("state-code-sets", views.StateCodeSetViewSet, basename="statecodeset")
router.register("state-codes", views.StateCodeViewSet, basename="statecode")
router.register("element-mappings", views.ElementMappingViewSet, basename="elementmapping")
router.register("mapping-feedback", views.MappingFeedbackViewSet, basename="mappingfeedback")
router.register("descriptor-mappings", views.DescriptorMappingViewSet, basename="descriptormapping")
router.register("local-code-sets", views.LocalCodeSetViewSet, basename="localcodeset")
router.register("local-codes", views.LocalCodeViewSet, basename="localcode")
router.register("coverage-runs", views.CoverageRunViewSet, basename="coveragerun")
router.register("seed-data", views.SeedDataElementViewSet, basename="seeddataelement")
router.register("extensions", views.ExtensionViewSet, basename="extension")
router.register("practice-changes", views.PracticeChangeViewSet, basename="practicechange")
router.register("lineage", views.LineageAssignmentViewSet, basename="lineageassignment")
urlpatterns = router.urls
