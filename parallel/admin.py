from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from parallel import models


@admin.register(models.ReportDefinition)
class ReportDefinitionAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "file_specs", "derivation", "tolerance_absolute",
                    "tolerance_percent"]  # fmt: skip
    search_fields = ["name", "code", "file_specs"]

    # Definitions are written through their pages and API, whose service checks the Ed-Fi
    # vocabulary and refuses to change a definition runs already read; here they are read only.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


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
