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
    *crud_urls(
        "certifications",
        "certification",
        list_view=views.CertificationListView,
        detail_view=views.CertificationDetailView,
        create_view=views.CertificationCreateView,
        update_view=views.CertificationUpdateView,
        delete_view=views.CertificationDeleteView,
    ),
    *crud_urls(
        "touchpoints",
        "touchpoint",
        list_view=views.TouchpointListView,
        detail_view=views.TouchpointDetailView,
        create_view=views.TouchpointCreateView,
        update_view=views.TouchpointUpdateView,
        delete_view=views.TouchpointDeleteView,
    ),
    *crud_urls(
        "follow-ups",
        "followup",
        list_view=views.FollowUpListView,
        detail_view=views.FollowUpDetailView,
        create_view=views.FollowUpCreateView,
        update_view=views.FollowUpUpdateView,
        delete_view=views.FollowUpDeleteView,
    ),
    *crud_urls(
        "timelines",
        "deploymenttimeline",
        list_view=views.DeploymentTimelineListView,
        detail_view=views.DeploymentTimelineDetailView,
        create_view=views.DeploymentTimelineCreateView,
        update_view=views.DeploymentTimelineUpdateView,
        delete_view=views.DeploymentTimelineDeleteView,
    ),
    *crud_urls(
        "market-events",
        "marketevent",
        list_view=views.MarketEventListView,
        detail_view=views.MarketEventDetailView,
        create_view=views.MarketEventCreateView,
        update_view=views.MarketEventUpdateView,
        delete_view=views.MarketEventDeleteView,
    ),
    *crud_urls(
        "claim-sets",
        "claimset",
        list_view=views.ClaimSetListView,
        detail_view=views.ClaimSetDetailView,
        create_view=views.ClaimSetCreateView,
        update_view=views.ClaimSetUpdateView,
        delete_view=views.ClaimSetDeleteView,
    ),
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
