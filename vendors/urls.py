from django.urls import path

from rolloutplanner.urlpatterns import crud_urls
from vendors import views

app_name = "vendors"


urlpatterns = [
    path("export/", views.VendorInventoryExportView.as_view(), name="vendor-export"),
    path(
        "credentials/rotation/",
        views.RotationDashboardView.as_view(),
        name="apicredential-rotation",
    ),
    path(
        "credentials/<int:pk>/report-leak/",
        views.ReportLeakView.as_view(),
        name="apicredential-report-leak",
    ),
    path("claim-sets/check/", views.ClaimSetCheckView.as_view(), name="claimset-check"),
    *crud_urls("certifications", "certification", **views.CERTIFICATION_VIEWS),
    *crud_urls("touchpoints", "touchpoint", **views.TOUCHPOINT_VIEWS),
    *crud_urls("follow-ups", "followup", **views.FOLLOW_UP_VIEWS),
    *crud_urls("timelines", "deploymenttimeline", **views.TIMELINE_VIEWS),
    *crud_urls("market-events", "marketevent", **views.MARKET_EVENT_VIEWS),
    *crud_urls("claim-sets", "claimset", **views.CLAIM_SET_VIEWS),
    *crud_urls(
        "credentials",
        "apicredential",
        list_view=views.APICredentialListView,
        detail_view=views.APICredentialDetailView,
        create_view=views.APICredentialCreateView,
        update_view=views.APICredentialUpdateView,
        delete_view=views.APICredentialDeleteView,
    ),
    *crud_urls(
        "credential-incidents",
        "credentialincident",
        list_view=views.CredentialIncidentListView,
        detail_view=views.CredentialIncidentDetailView,
    ),
    *crud_urls(
        "",
        "vendor",
        list_view=views.VendorListView,
        detail_view=views.VendorDetailView,
        create_view=views.VendorCreateView,
        update_view=views.VendorUpdateView,
        delete_view=views.VendorDeleteView,
    ),
]
