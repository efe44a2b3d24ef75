from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from vendors import models


@admin.register(models.Vendor)
class VendorAdmin(SimpleHistoryAdmin):
    list_display = ["name", "product_name", "product_type", "edfi_experience", "assistance_level"]
    list_filter = ["product_type", "edfi_experience", "assistance_level"]
    search_fields = ["name", "product_name"]


@admin.register(models.Certification)
class CertificationAdmin(SimpleHistoryAdmin):
    list_display = ["vendor", "certification", "version", "status", "certified_on"]
    list_filter = ["status"]


@admin.register(models.Touchpoint)
class TouchpointAdmin(SimpleHistoryAdmin):
    list_display = ["vendor", "held_on", "attendees"]


@admin.register(models.FollowUp)
class FollowUpAdmin(SimpleHistoryAdmin):
    list_display = ["description", "owner", "due_on", "done_on"]


@admin.register(models.DeploymentTimeline)
class DeploymentTimelineAdmin(SimpleHistoryAdmin):
    list_display = ["vendor", "lea", "development_on", "qa_on", "deployment_on"]
    raw_id_fields = ["lea"]


@admin.register(models.MarketEvent)
class MarketEventAdmin(SimpleHistoryAdmin):
    list_display = ["vendor", "kind", "announced_on", "effective_on"]
    filter_horizontal = ["affected_leas"]


@admin.register(models.ClaimSet)
class ClaimSetAdmin(SimpleHistoryAdmin):
    list_display = ["name"]


@admin.register(models.APICredential)
class APICredentialAdmin(SimpleHistoryAdmin):
    # The fingerprint is never shown, even to administrators.
    list_display = ["application_name", "key", "vendor", "school_year", "expires_on", "revoked_on"]
    list_filter = ["school_year", "data_standard"]
    search_fields = ["application_name", "key"]
    exclude = ["secret_fingerprint"]
    filter_horizontal = ["leas"]


@admin.register(models.CredentialIncident)
class CredentialIncidentAdmin(SimpleHistoryAdmin):
    list_display = ["credential", "reported_at", "secret_matched", "replacement_due_on"]
