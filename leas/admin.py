from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from leas import models


@admin.register(models.LEA)
class LEAAdmin(SimpleHistoryAdmin):
    list_display = ["name", "state_lea_id", "enrollment", "urbanicity", "region", "poverty_level"]
    list_filter = ["urbanicity", "poverty_level", "capacity"]
    search_fields = ["name", "state_lea_id", "nces_id"]
    filter_horizontal = ["source_systems"]


@admin.register(models.LEAPerson)
class LEAPersonAdmin(SimpleHistoryAdmin):
    list_display = ["name", "lea", "reporting_role", "left_on"]
    list_filter = ["reporting_role"]
    search_fields = ["name", "lea__name"]
    raw_id_fields = ["lea"]


@admin.register(models.ReadinessItem)
class ReadinessItemAdmin(SimpleHistoryAdmin):
    list_display = ["title", "lea", "phase", "status", "status_on"]
    list_filter = ["phase", "status"]
    search_fields = ["title", "lea__name", "key"]
    raw_id_fields = ["lea"]


@admin.register(models.SupportRequest)
class SupportRequestAdmin(SimpleHistoryAdmin):
    list_display = ["topic", "lea", "kind", "held_on", "resolved"]
    list_filter = ["kind", "resolved"]
    raw_id_fields = ["lea"]


@admin.register(models.SupportNetwork)
class SupportNetworkAdmin(SimpleHistoryAdmin):
    list_display = ["name", "lea", "kind"]
    list_filter = ["kind"]
    raw_id_fields = ["lea"]


@admin.register(models.Cohort)
class CohortAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "wave_number"]


@admin.register(models.CohortVersion)
class CohortVersionAdmin(SimpleHistoryAdmin):
    list_display = ["cohort", "number", "created_at", "created_by"]
    readonly_fields = ["explanation"]
    filter_horizontal = ["leas"]
