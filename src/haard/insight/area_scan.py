"""The area scan (gebiedsscan) of one municipality: its neighbourhoods with an indicator per
1,000 inhabitants, a map coloured by that figure, the trend over time, and a comparison with
the other municipalities of the region. Every number passes the disclosure control."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _t

from haard.core.models import Municipality
from haard.insight import charts, figures
from haard.insight.figures import Area, FigureTable, Months
from haard.insight.indicators import Indicator
from haard.insight.models import FigureRefresh, NeighbourhoodShape
from haard.insight.summary import last_refresh


@dataclass
class AreaScan:
    municipality: Municipality
    indicator: Indicator
    category: str | None
    category_label: str
    months: Months
    granularity: str
    neighbourhoods: FigureTable
    trend: FigureTable
    comparison: FigureTable | None
    map_svg: SafeString
    map_is_tiles: bool
    missing_outlines: int
    legend: list[tuple[str, str]]
    trend_svg: SafeString
    comparison_svg: SafeString | None
    refreshed: FigureRefresh | None

    @property
    def rule(self) -> str:
        return self.neighbourhoods.protected.rule

    @property
    def rows(self) -> dict[str, list[dict[str, object]]]:
        """The rows of each table, with the chosen category's rate, for the templates."""
        tables = {"neighbourhoods": self.neighbourhoods, "trend": self.trend}
        if self.comparison is not None:
            tables["comparison"] = self.comparison
        return {name: table.rows(self.category) for name, table in tables.items()}


def _map(
    table: FigureTable, category: str | None, title: str
) -> tuple[SafeString, bool, int, list[tuple[str, str]]]:
    shapes = {
        str(s.neighbourhood_id): s.geometry
        for s in NeighbourhoodShape.objects.filter(neighbourhood__district__municipality_id=table.area.pk)
    }
    areas = []
    for row in table.rows(category):
        if row["key"] == figures.UNKNOWN_AREA:
            continue
        geometry = shapes.get(row["key"])
        areas.append(
            charts.MapArea(
                code=row["key"],
                name=row["label"],
                geometry=geometry if charts.valid_geometry(geometry) else None,
                value=row["rate_value"],
                text=row["rate"] if row["population"] else _t("no population figure"),
                hidden=row["shown"].hidden,
            )
        )
    missing = sum(1 for a in areas if a.geometry is None)
    values = [a.value for a in areas if a.value is not None]
    if areas and missing == 0:
        return charts.area_map(areas, title=title, ident="scan-map"), False, 0, charts.legend(values)
    return charts.tile_map(areas, title=title, ident="scan-map"), True, missing, charts.legend(values)


def area_scan(
    *,
    municipality: Municipality,
    indicator: Indicator,
    category: str | None,
    months: Months,
    granularity: str,
    public: bool = False,
) -> AreaScan:
    """The area scan of `municipality` for `indicator` (the total, or one `category`)."""
    area = Area(figures.MUNICIPALITY, municipality.pk, municipality.code, municipality.name)
    neighbourhoods = figures.figure_table(
        indicator=indicator, area=area, months=months, by=figures.NEIGHBOURHOOD, public=public
    )
    trend = figures.figure_table(
        indicator=indicator,
        area=area,
        months=months,
        by=figures.PERIOD,
        granularity=granularity,
        public=public,
    )
    region = figures.Area(figures.REGION, municipality.region_id, figures.REGION, "")
    comparison = figures.figure_table(
        indicator=indicator, area=region, months=months, by=figures.MUNICIPALITY, public=public
    )
    labels = dict(indicator.category_labels())
    category_label = labels.get(category, "") if category else str(indicator.unit)
    unit = category_label or str(indicator.unit)
    map_title = _t("%(what)s per 1,000 inhabitants, %(period)s") % {"what": unit, "period": months.label}
    map_svg, tiles, missing, legend = _map(neighbourhoods, category, map_title)
    trend_points = [(row["label"], row["shown"].number) for row in trend.rows(category)]
    trend_svg = charts.line_chart(
        [(label, None if n is None else float(n)) for label, n in trend_points],
        title=_t("%(what)s in %(area)s per %(granularity)s")
        % {
            "what": unit,
            "area": municipality.name,
            "granularity": dict(figures.GRANULARITIES)[granularity],
        },
        ident="scan-trend",
        unit=unit,
    )
    bars = [
        (row["label"], row["rate_value"], row["key"] == str(municipality.pk))
        for row in comparison.rows(category)
        if row["key"] != figures.UNKNOWN_AREA
    ]
    comparison_svg = charts.bar_chart(
        bars,
        title=_t("%(what)s per 1,000 inhabitants per municipality, %(period)s")
        % {"what": unit, "period": months.label},
        ident="scan-compare",
        unit=_t("per 1,000 inhabitants"),
    )
    return AreaScan(
        municipality=municipality,
        indicator=indicator,
        category=category,
        category_label=category_label,
        months=months,
        granularity=granularity,
        neighbourhoods=neighbourhoods,
        trend=trend,
        comparison=comparison,
        map_svg=map_svg,
        map_is_tiles=tiles,
        missing_outlines=missing,
        legend=legend,
        trend_svg=trend_svg,
        comparison_svg=comparison_svg,
        refreshed=last_refresh(),
    )
