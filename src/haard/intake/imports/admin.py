from django.contrib import admin

from haard.intake.imports.models import ColumnMapping


@admin.register(ColumnMapping)
class ColumnMappingAdmin(admin.ModelAdmin):
    """Reference data: how a police organisation's export maps onto the documented columns.
    Batches are not in the admin: they hold cell values of people's records."""

    list_display = ("organisation", "header_row", "sheet", "updated_at")
    search_fields = ("organisation__name",)
