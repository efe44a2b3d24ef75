from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from leas import models


@admin.register(models.LEA)
class LEAAdmin(SimpleHistoryAdmin):
    list_display = ["name", "state_lea_id", "enrollment", "urbanicity", "region", "poverty_level"]
    list_filter = ["urbanicity", "poverty_level", "capacity"]
    search_fields = ["name", "state_lea_id", "nces_id"]
