from django.urls import path

from leas import overview_views, views
from rolloutplanner.urlpatterns import crud_urls

app_name = "leas"

urlpatterns = [
    path("import/", views.LEAImportView.as_view(), name="lea-import"),
    path("export/", views.LEAExportView.as_view(), name="lea-export"),
    path("readiness/export/", views.ReadinessExportView.as_view(), name="readinessitem-export"),
    path(
        "readiness/matrix/", overview_views.ReadinessMatrixView.as_view(), name="readiness-matrix"
    ),
    path(
        "readiness/matrix/export/",
        overview_views.ReadinessMatrixExportView.as_view(),
        name="readiness-matrix-export",
    ),
    path("people/turnover/", overview_views.TurnoverView.as_view(), name="turnover"),
    path("cohorts/builder/", views.CohortBuilderView.as_view(), name="cohort-builder"),
    *crud_urls(
        "people",
        "leaperson",
        list_view=views.LEAPersonListView,
        detail_view=views.LEAPersonDetailView,
        create_view=views.LEAPersonCreateView,
        update_view=views.LEAPersonUpdateView,
        delete_view=views.LEAPersonDeleteView,
    ),
    *crud_urls(
        "readiness",
        "readinessitem",
        list_view=views.ReadinessItemListView,
        detail_view=views.ReadinessItemDetailView,
        create_view=views.ReadinessItemCreateView,
        update_view=views.ReadinessItemUpdateView,
        delete_view=views.ReadinessItemDeleteView,
    ),
    *crud_urls(
        "support",
        "supportrequest",
        list_view=views.SupportRequestListView,
        detail_view=views.SupportRequestDetailView,
        create_view=views.SupportRequestCreateView,
        update_view=views.SupportRequestUpdateView,
        delete_view=views.SupportRequestDeleteView,
    ),
    *crud_urls(
        "networks",
        "supportnetwork",
        list_view=views.SupportNetworkListView,
        detail_view=views.SupportNetworkDetailView,
        create_view=views.SupportNetworkCreateView,
        update_view=views.SupportNetworkUpdateView,
        delete_view=views.SupportNetworkDeleteView,
    ),
    *crud_urls(
        "cohorts",
        "cohort",
        list_view=views.CohortListView,
        detail_view=views.CohortDetailView,
        create_view=views.CohortCreateView,
        update_view=views.CohortUpdateView,
        delete_view=views.CohortDeleteView,
    ),
    *crud_urls(
        "",
        "lea",
        list_view=views.LEAListView,
        detail_view=views.LEADetailView,
        create_view=views.LEACreateView,
        update_view=views.LEAUpdateView,
        delete_view=views.LEADeleteView,
    ),
]
