from django.urls import path

from rolloutplanner.urlpatterns import crud_urls
from usecases.views import checklist, crud, documents, exports, planning

app_name = "usecases"

urlpatterns = [
    path("", planning.planning_home, name="index"),
    path("documents/<int:pk>/diff/", documents.document_diff, name="planningdocument-diff"),
    path(
        "documents/<int:pk>/export.<str:fmt>",
        exports.document_export,
        name="planningdocument-export",
    ),
    *crud_urls(
        "documents",
        "planningdocument",
        list_view=documents.DocumentListView,
        detail_view=documents.DocumentDetailView,
        create_view=documents.DocumentCreateView,
        update_view=documents.DocumentUpdateView,
        delete_view=documents.DocumentDeleteView,
    ),
    # After the standard pages so "edit", "delete" and "history" keep their own views.
    path(
        "documents/<int:pk>/<slug:action>/",
        documents.document_transition,
        name="planningdocument-transition",
    ),
    path("sections/<int:pk>/comment/", documents.section_comment, name="documentsection-comment"),
    *crud_urls(
        "sections",
        "documentsection",
        list_view=documents.SectionListView,
        detail_view=documents.SectionDetailView,
        update_view=documents.SectionUpdateView,
    ),
    *crud_urls(
        "comments",
        "sectioncomment",
        list_view=documents.CommentListView,
        detail_view=documents.CommentDetailView,
    ),
    path("comments/<int:pk>/resolve/", documents.comment_resolve, name="sectioncomment-resolve"),
    *crud_urls(
        "stakeholders",
        "stakeholder",
        **{**crud.STAKEHOLDER, "detail_view": planning.StakeholderDetailView},
    ),
    path("systems/diagram/", planning.flow_diagram_page, name="datasystem-diagram"),
    *crud_urls(
        "systems",
        "datasystem",
        **{**crud.DATA_SYSTEM, "detail_view": planning.DataSystemDetailView},
    ),
    *crud_urls("flows", "dataflow", **crud.DATA_FLOW),
    *crud_urls("risks", "risk", **crud.RISK),
    *crud_urls("data-required", "datarequirement", **crud.DATA_REQUIREMENT),
    *crud_urls("stakeholder-impacts", "stakeholderimpact", **crud.STAKEHOLDER_IMPACT),
    *crud_urls("scope-items", "scopeitem", **crud.SCOPE_ITEM),
    *crud_urls("decisions", "decision", **crud.DECISION),
    path(
        "communications/<int:pk>/sent/", planning.communication_sent, name="communicationitem-sent"
    ),
    *crud_urls(
        "communications",
        "communicationitem",
        **{**crud.COMMUNICATION, "detail_view": planning.CommunicationDetailView},
    ),
    path("checklist/<int:pk>/done/", checklist.checklist_task_done, name="checklisttask-done"),
    path(
        "checklist/<int:pk>/reopen/", checklist.checklist_task_reopen, name="checklisttask-reopen"
    ),
    *crud_urls(
        "checklist",
        "checklisttask",
        **{**crud.CHECKLIST, "list_view": checklist.ChecklistView},
    ),
    *crud_urls("instruments", "instrument", **crud.INSTRUMENT),
    *crud_urls("dimensions", "dimension", **crud.DIMENSION),
    *crud_urls("assessment-items", "assessmentitem", **crud.ASSESSMENT_ITEM),
    path("assessments/compare/", planning.round_compare, name="assessmentround-compare"),
    path("assessments/<int:pk>/rate/", planning.round_rate, name="assessmentround-rate"),
    path(
        "assessments/<int:pk>/export.<str:fmt>",
        exports.round_export,
        name="assessmentround-export",
    ),
    *crud_urls(
        "assessments",
        "assessmentround",
        **{**crud.ROUND, "detail_view": planning.RoundDetailView},
    ),
    path("coherence/", planning.coherence, name="coherence"),
    path("notifications/", planning.notification_list, name="notification-list"),
    path("notifications/<int:pk>/read/", planning.notification_read, name="notification-read"),
]
