from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from mapping import models


@admin.register(models.MappingPlan)
class MappingPlanAdmin(SimpleHistoryAdmin):
    list_display = ["name", "data_standard_version"]


# The review moves only through the mapping services (four eyes), never by editing a row here.
REVIEW_FIELDS = ["status", "submitted_by", "approved_by", "approved_at"]


@admin.register(models.ElementMapping)
class ElementMappingAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "kind", "status", "owner"]
    list_filter = ["kind", "status"]
    search_fields = ["element__name"]
    raw_id_fields = ["element", "targets"]
    # How targets are read is checked against the catalog by the mapping service, which the
    # admin form does not go through: it is changed on the mapping's own page or the API.
    readonly_fields = (*REVIEW_FIELDS, "target_kind", "target_value", "active_on")


@admin.register(models.DescriptorMapping)
class DescriptorMappingAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "status"]
    list_filter = ["status"]
    raw_id_fields = ["state_code", "descriptor_value"]
    readonly_fields = REVIEW_FIELDS


@admin.register(models.EdFiResource)
class EdFiResourceAdmin(SimpleHistoryAdmin):
    list_display = ["name", "version", "primary_domain", "kind"]
    list_filter = ["version", "primary_domain"]
    search_fields = ["name"]


for model in (
    models.DataStandardVersion,
    models.Descriptor,
    models.StateCollection,
    models.StateElement,
    models.StateCodeSet,
    models.MappingFeedback,
    models.LocalCodeSet,
    models.CoverageRun,
):
    admin.site.register(model, SimpleHistoryAdmin)
