from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from parallel import models


@admin.register(models.ReportDefinition)
class ReportDefinitionAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "file_specs", "derivation", "tolerance_absolute",
                    "tolerance_percent"]  # fmt: skip
    search_fields = ["name", "code", "file_specs"]


@admin.register(models.CollectionCycle)
class CollectionCycleAdmin(SimpleHistoryAdmin):
    list_display = ["name", "school_year", "report_definition", "snapshot_date"]
    filter_horizontal = ["leas"]


@admin.register(models.DiscrepancyGroup)
class DiscrepancyGroupAdmin(SimpleHistoryAdmin):
    list_display = ["run", "lea", "kind", "field", "count", "responsible_party", "status"]
    list_filter = ["kind", "status", "responsible_party"]


@admin.register(models.PurgeLog)
class PurgeLogAdmin(admin.ModelAdmin):
    list_display = ["at", "cutoff", "files_purged", "runs_purged", "discrepancies_deleted"]


@admin.register(models.DownloadLog)
class DownloadLogAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "what", "file_format", "row_count"]
