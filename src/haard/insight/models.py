"""Insight's own tables: neighbourhood geometry for the area-scan map, and the pre-aggregated
monthly counts that every figure page reads instead of the raw reports.

Nothing here holds personal data: a `FigureCount` is a number per month, area, indicator and
category, and it is rebuilt from the domain tables by `haard.insight.summary.refresh_figures`.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from haard.core.models import Municipality, Neighbourhood


class NeighbourhoodShape(models.Model):
    """The outline of a neighbourhood as a GeoJSON geometry (a Polygon or MultiPolygon) in
    projected metres (e.g. RD New, EPSG:28992): y grows northwards."""

    neighbourhood = models.OneToOneField(
        Neighbourhood, on_delete=models.CASCADE, related_name="shape", verbose_name=_("neighbourhood")
    )
    geometry = models.JSONField(_("geometry (GeoJSON)"))
    source = models.CharField(_("source"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("neighbourhood outline")
        verbose_name_plural = _("neighbourhood outlines")

    def __str__(self) -> str:
        return str(self.neighbourhood)


class FigureCount(models.Model):
    """How many of an indicator's units fell in one month, municipality and neighbourhood, in
    one category. `neighbourhood` is empty when the record has no known neighbourhood."""

    indicator = models.CharField(_("indicator"), max_length=60)
    category = models.CharField(_("category"), max_length=60)
    month = models.DateField(_("month"))
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    neighbourhood = models.ForeignKey(
        Neighbourhood, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    count = models.PositiveIntegerField(_("count"))

    class Meta:
        verbose_name = _("monthly figure")
        verbose_name_plural = _("monthly figures")
        indexes = [
            models.Index(fields=["indicator", "municipality", "month"], name="figure_indicator_area_month"),
            models.Index(fields=["indicator", "month"], name="figure_indicator_month"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.category} {self.month:%Y-%m}: {self.count}"


class FigureRefresh(models.Model):
    """One rebuild of the monthly figures: when, how long it took, how many rows it wrote."""

    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"))
    rows = models.PositiveIntegerField(_("rows"))
    seconds = models.FloatField(_("seconds"))

    class Meta:
        verbose_name = _("refresh of the figures")
        verbose_name_plural = _("refreshes of the figures")
        ordering = ["-finished_at"]

    def __str__(self) -> str:
        return f"{self.finished_at:%Y-%m-%d %H:%M}"
