from rest_framework.routers import SimpleRouter

from usecases.api import views

router = SimpleRouter()
router.register("planning-documents", views.PlanningDocumentViewSet, basename="planningdocument")
router.register("document-sections", views.SectionViewSet, basename="documentsection")
router.register("section-comments", views.SectionCommentViewSet, basename="sectioncomment")
router.register("document-approvals", views.ApprovalViewSet, basename="approval")
router.register("document-versions", views.DocumentVersionViewSet, basename="documentversion")
router.register("stakeholders", views.StakeholderViewSet, basename="stakeholder")
router.register("data-systems", views.DataSystemViewSet, basename="datasystem")
router.register("data-flows", views.DataFlowViewSet, basename="dataflow")
router.register("risks", views.RiskViewSet, basename="risk")
router.register("data-requirements", views.DataRequirementViewSet, basename="datarequirement")
router.register("stakeholder-impacts", views.StakeholderImpactViewSet, basename="stakeholderimpact")
router.register("scope-items", views.ScopeItemViewSet, basename="scopeitem")
router.register("decisions", views.DecisionViewSet, basename="decision")
router.register("communications", views.CommunicationItemViewSet, basename="communicationitem")
router.register("communications-sent", views.CommunicationLogViewSet, basename="communicationlog")
router.register("checklist-tasks", views.ChecklistTaskViewSet, basename="checklisttask")
router.register("assessment-instruments", views.InstrumentViewSet, basename="instrument")
router.register("assessment-dimensions", views.DimensionViewSet, basename="dimension")
router.register("assessment-items", views.AssessmentItemViewSet, basename="assessmentitem")
router.register("assessment-rounds", views.AssessmentRoundViewSet, basename="assessmentround")
router.register("assessment-ratings", views.RatingViewSet, basename="rating")
router.register("assessment-agreed-ratings", views.AgreedRatingViewSet, basename="agreedrating")
router.register("planning-notifications", views.NotificationViewSet, basename="notification")
urlpatterns = router.urls
