from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from rolloutplanner.models import APIToken, Job, UserProfile


@admin.register(UserProfile)
class UserProfileAdmin(SimpleHistoryAdmin):
    list_display = ["user", "role", "vendor"]
    list_filter = ["role"]
    filter_horizontal = ["leas"]
    search_fields = ["user__username", "user__email"]


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["pk", "kind", "state", "progress", "created_by", "created_at", "finished_at"]
    list_filter = ["kind", "state"]
    readonly_fields = [f.name for f in Job._meta.fields]


@admin.register(APIToken)
class APITokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "expires_at", "revoked_at"]
    readonly_fields = ["prefix", "digest", "last_used_at"]
