from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from vendors import models


@admin.register(models.Vendor)
class VendorAdmin(SimpleHistoryAdmin):
    list_display = ["name", "product_name", "product_type"]
    list_filter = ["product_type"]
    search_fields = ["name", "product_name"]
