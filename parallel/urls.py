from django.urls import path

from parallel import views
from rolloutplanner.urlpatterns import crud_urls

app_name = "parallel"

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    *crud_urls(
        "cycles",
        "collectioncycle",
        list_view=views.CollectionCycleListView,
        detail_view=views.CollectionCycleDetailView,
        create_view=views.CollectionCycleCreateView,
        update_view=views.CollectionCycleUpdateView,
        delete_view=views.CollectionCycleDeleteView,
    ),
    path("cycles/<int:pk>/upload/", views.upload_file, name="cycle-upload"),
    path("cycles/<int:pk>/run/", views.start_run, name="cycle-run"),
    *crud_urls(
        "definitions",
        "reportdefinition",
        list_view=views.ReportDefinitionListView,
        detail_view=views.ReportDefinitionDetailView,
        create_view=views.ReportDefinitionCreateView,
        update_view=views.ReportDefinitionUpdateView,
    ),
    *crud_urls(
        "runs",
        "reconciliationrun",
        list_view=views.ReconciliationRunListView,
        detail_view=views.ReconciliationRunDetailView,
    ),
    path(
        "runs/<int:run_pk>/leas/<int:lea_pk>/", views.LEAResultsView.as_view(), name="lea-results"
    ),
    path(
        "runs/<int:pk>/differences/",
        views.RunDifferencesView.as_view(),
        name="reconciliationrun-differences",
    ),
    path("runs/<int:run_pk>/export.<str:fmt>", views.export_discrepancies, name="export"),
    *crud_urls(
        "groups",
        "discrepancygroup",
        list_view=views.DiscrepancyGroupListView,
        detail_view=views.DiscrepancyGroupDetailView,
        update_view=views.DiscrepancyGroupUpdateView,
    ),
    path("downloads/", views.DownloadLogListView.as_view(), name="downloadlog-list"),
    *crud_urls(
        "connections",
        "edficonnection",
        list_view=views.EdFiConnectionListView,
        detail_view=views.EdFiConnectionDetailView,
        create_view=views.EdFiConnectionCreateView,
        update_view=views.EdFiConnectionUpdateView,
        delete_view=views.EdFiConnectionDeleteView,
    ),
    path("connections/<int:pk>/pull/", views.pull_from_edfi, name="edficonnection-pull"),
]
