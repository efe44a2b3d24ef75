from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from rolloutplanner.timeline.models import (
    Baseline,
    ChangeNotice,
    Milestone,
    MilestoneDependency,
    Phase,
    Wave,
)


@admin.register(Phase)
class PhaseAdmin(SimpleHistoryAdmin):
    list_display = ["number", "name"]


@admin.register(Wave)
class WaveAdmin(SimpleHistoryAdmin):
    list_display = ["name"]
    filter_horizontal = ["leas"]


@admin.register(Milestone)
class MilestoneAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "phase", "scope", "planned_start", "planned_end", "actual_end"]
    list_filter = ["phase", "scope", "kind"]
    search_fields = ["code", "name"]
    raw_id_fields = ["lea", "vendor", "wave", "owner"]


@admin.register(MilestoneDependency)
class MilestoneDependencyAdmin(SimpleHistoryAdmin):
    raw_id_fields = ["predecessor", "successor"]


@admin.register(Baseline)
class BaselineAdmin(SimpleHistoryAdmin):
    list_display = ["name", "created_at", "created_by"]


@admin.register(ChangeNotice)
class ChangeNoticeAdmin(SimpleHistoryAdmin):
    list_display = ["milestone", "lea", "vendor", "created_at", "emailed_at"]
    raw_id_fields = ["milestone", "lea", "vendor"]
