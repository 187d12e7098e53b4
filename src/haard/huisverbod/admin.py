"""The region's data for restraining orders: mandates, decision templates (a change keeps the
old version), risk instruments (read-only here; loaded with `load_risk_instrument`)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Max
from django.http import HttpRequest

from haard.huisverbod.models import DecisionTemplate, Mandate, RiskInstrument


@admin.register(Mandate)
class MandateAdmin(admin.ModelAdmin[Mandate]):
    list_display = ("decision_reference", "holder", "valid_from", "valid_until")
    filter_horizontal = ("municipalities",)
    raw_id_fields = ("holder",)


@admin.register(DecisionTemplate)
class DecisionTemplateAdmin(admin.ModelAdmin[DecisionTemplate]):
    list_display = ("kind", "version", "active", "changed_at")
    list_filter = ("kind", "active")
    readonly_fields = ("version", "active")

    def save_model(self, request: HttpRequest, obj: DecisionTemplate, form: Any, change: bool) -> None:
        """Never overwrite a wording that decisions were made with: save as the next version."""
        latest = DecisionTemplate.objects.filter(kind=obj.kind).aggregate(v=Max("version"))["v"] or 0
        DecisionTemplate.objects.filter(kind=obj.kind, active=True).update(active=False)
        obj.pk = None
        obj.version = latest + 1
        obj.active = True
        obj.save()


@admin.register(RiskInstrument)
class RiskInstrumentAdmin(admin.ModelAdmin[RiskInstrument]):
    list_display = ("name", "key", "version", "active", "loaded_at")
    readonly_fields = ("key", "version", "name", "note", "loaded_at")
