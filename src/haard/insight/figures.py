"""Indicator tables read from the monthly figures: per region, municipality, district or
neighbourhood, and per month, quarter or year; every table passes `disclosure.protect`.

A table costs a constant number of queries whatever the amount of data: the categories, the
rows (areas) and one grouped sum over `FigureCount`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Min, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from haard.core.models import District, Municipality, Neighbourhood, Region
from haard.insight.disclosure import HIDDEN, Cell, Protected, protect
from haard.insight.indicators import Indicator, Share
from haard.insight.models import FigureCount
from haard.insight.periods import add_months

REGION = "region"
MUNICIPALITY = "municipality"
DISTRICT = "district"
NEIGHBOURHOOD = "neighbourhood"
LEVELS = [REGION, MUNICIPALITY, DISTRICT, NEIGHBOURHOOD]
LEVEL_LABELS = {
    REGION: _("region"),
    MUNICIPALITY: _("municipality"),
    DISTRICT: _("district (wijk)"),
    NEIGHBOURHOOD: _("neighbourhood (buurt)"),
}
PERIOD = "period"
MONTH, QUARTER, YEAR = "month", "quarter", "year"
GRANULARITIES = [(MONTH, _("month")), (QUARTER, _("quarter")), (YEAR, _("year"))]
FIRST_MONTH = date(2000, 1, 1)
UNKNOWN_AREA = "unknown"


@dataclass(frozen=True)
class Area:
    level: str
    pk: int
    code: str
    name: str

    @property
    def label(self) -> str:
        return f"{self.name} ({self.code})" if self.level != REGION else self.name

    def filter(self) -> Q:
        """The figures that lie in this area."""
        return {
            REGION: Q(municipality__region_id=self.pk),
            MUNICIPALITY: Q(municipality_id=self.pk),
            DISTRICT: Q(neighbourhood__district_id=self.pk),
            NEIGHBOURHOOD: Q(neighbourhood_id=self.pk),
        }[self.level]


def region_area() -> Area | None:
    region = Region.objects.order_by("pk").first()
    return Area(REGION, region.pk, REGION, region.name) if region else None


def find_area(code: str) -> Area | None:
    """The area with CBS code `code` (GMxxxx, WKxxxxxx, BUxxxxxxxx) or 'region'; None if none."""
    code = (code or "").strip()
    if code.lower() == REGION:
        return region_area()
    model: Any = {"GM": Municipality, "WK": District, "BU": Neighbourhood}.get(code[:2].upper())
    if model is None:
        return None
    found = model.objects.filter(code=code.upper()).first()
    if found is None:
        return None
    level = {Municipality: MUNICIPALITY, District: DISTRICT, Neighbourhood: NEIGHBOURHOOD}[model]
    return Area(level, found.pk, found.code, found.name)


def current_month() -> date:
    return timezone.localdate().replace(day=1)


@dataclass(frozen=True)
class Months:
    """Whole months from `first` up to and including `last` (both the first day of a month)."""

    first: date
    last: date

    @classmethod
    def last_twelve(cls, until: date | None = None) -> Months:
        last = (until or current_month()).replace(day=1)
        return cls(first=add_months(last, -11), last=last)

    def months(self) -> list[date]:
        found, month = [], self.first
        while month <= self.last:
            found.append(month)
            month = add_months(month, 1)
        return found

    @property
    def label(self) -> str:
        return f"{self.first:%Y-%m} – {self.last:%Y-%m}"


def period_of(month: date, granularity: str) -> tuple[str, str]:
    """The key and label of the month, quarter or year that holds `month`."""
    if granularity == YEAR:
        return f"{month.year}", f"{month.year}"
    if granularity == QUARTER:
        quarter = (month.month - 1) // 3 + 1
        return f"{month.year}-Q{quarter}", f"{month.year} Q{quarter}"
    return f"{month:%Y-%m}", f"{month:%Y-%m}"


@dataclass(frozen=True)
class RowHead:
    key: str
    label: str
    population: int | None = None


def per_thousand(number: int | None, population: int | None) -> str:
    """Per 1,000 inhabitants, one decimal; a text when it cannot be given."""
    if not population:
        return _t("no population figure")
    if number is None:
        return "x"
    rate = Decimal(number) * 1000 / Decimal(population)
    return str(rate.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def rate_value(number: int | None, population: int | None) -> float | None:
    if number is None or not population:
        return None
    return number * 1000 / population


@dataclass(frozen=True)
class ShareCell:
    """A percentage as published: `hidden` when a number it is worked out from is hidden;
    `percent` None when hidden or when there is nothing to divide (a total of 0)."""

    percent: Decimal | None
    hidden: bool = False

    @property
    def value(self) -> float | None:
        return None if self.percent is None else float(self.percent)

    def __str__(self) -> str:
        if self.hidden:
            return HIDDEN
        return "" if self.percent is None else str(self.percent)


def share_cell(part: list[Cell], total: Cell) -> ShareCell:
    """The part as a percentage of the total (one decimal), worked out from the published
    cells only, never from the raw counts: when one of them is hidden, so is the share. What
    is shown then says nothing that the shown numbers do not already say, so a percentage
    cannot give a suppressed count away."""
    if total.hidden or any(cell.hidden for cell in part):
        return ShareCell(None, hidden=True)
    if not total.number:
        return ShareCell(None)
    percent = Decimal(sum(cell.number or 0 for cell in part)) * 100 / Decimal(total.number)
    return ShareCell(percent.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


@dataclass
class FigureTable:
    indicator: Indicator
    area: Area
    months: Months
    by: str
    granularity: str
    heads: list[RowHead]
    columns: list[tuple[str, str]]
    protected: Protected
    public: bool = False

    @property
    def has_population(self) -> bool:
        return self.by in (MUNICIPALITY, DISTRICT, NEIGHBOURHOOD)

    def total(self, index: int) -> Cell:
        """The row's total: its row total, or its only cell when the table has one column."""
        totals = self.protected.row_totals
        return totals[index] if totals is not None else self.protected.cells[index][0]

    def column_index(self, category: str | None) -> int | None:
        keys = [key for key, _label in self.columns]
        return keys.index(category) if category in keys else None

    def shown(self, index: int, category: str | None = None) -> Cell:
        column = self.column_index(category)
        return self.total(index) if column is None else self.protected.cells[index][column]

    @property
    def share(self) -> Share | None:
        return self.indicator.share

    def _share(self, cells: list[Cell], total: Cell | None) -> ShareCell | None:
        share = self.indicator.share
        if share is None or total is None:
            return None
        part = [cell for (key, _label), cell in zip(self.columns, cells, strict=True) if key in share.part]
        return share_cell(part, total)

    @property
    def total_share(self) -> ShareCell | None:
        """The share over all rows, from the column totals and the grand total."""
        totals = self.protected.column_totals
        if totals is None:
            return None
        grand = self.protected.grand_total if self.protected.row_totals is not None else totals[0]
        return self._share(totals, grand)

    def rows(self, category: str | None = None) -> list[dict[str, Any]]:
        """Each row for a template: label, cells, total, population and rate per 1,000."""
        result = []
        for index, head in enumerate(self.heads):
            cell = self.shown(index, category)
            result.append(
                {
                    "key": head.key,
                    "label": head.label,
                    "cells": self.protected.cells[index],
                    "total": self.protected.row_totals[index] if self.protected.row_totals else None,
                    "population": head.population,
                    "rate": per_thousand(cell.number, head.population) if self.has_population else "",
                    "rate_value": rate_value(cell.number, head.population) if self.has_population else None,
                    "shown": cell,
                    "share": self._share(self.protected.cells[index], self.total(index)),
                }
            )
        return result

    @property
    def column_totals(self) -> list[Cell] | None:
        return self.protected.column_totals

    @property
    def row_label(self) -> str:
        return str(LEVEL_LABELS.get(self.by, _("period")))


def _categories(indicator: Indicator, found: set[str]) -> list[tuple[str, str]]:
    columns = indicator.category_labels()
    known = {key for key, _label in columns}
    return columns + [(key, key) for key in sorted(found - known)]


def _sub_areas(area: Area, by: str) -> list[RowHead]:
    """The areas of level `by` in `area`, with their inhabitants (summed over neighbourhoods)."""
    if by == NEIGHBOURHOOD:
        scope = {
            REGION: Q(district__municipality__region_id=area.pk),
            MUNICIPALITY: Q(district__municipality_id=area.pk),
            DISTRICT: Q(district_id=area.pk),
            NEIGHBOURHOOD: Q(pk=area.pk),
        }[area.level]
        return [
            RowHead(str(n.pk), f"{n.name} ({n.code})", n.population)
            for n in Neighbourhood.objects.filter(scope).order_by("code")
        ]
    if by == DISTRICT:
        scope = {
            REGION: Q(municipality__region_id=area.pk),
            MUNICIPALITY: Q(municipality_id=area.pk),
            DISTRICT: Q(pk=area.pk),
        }[area.level]
        rows = (
            District.objects.filter(scope).annotate(people=Sum("neighbourhoods__population")).order_by("code")
        )
        return [RowHead(str(d.pk), f"{d.name} ({d.code})", d.people) for d in rows]
    scope = Q(region_id=area.pk) if area.level == REGION else Q(pk=area.pk)
    municipalities = (
        Municipality.objects.filter(scope)
        .annotate(people=Sum("districts__neighbourhoods__population"))
        .order_by("name")
    )
    return [RowHead(str(m.pk), f"{m.name} ({m.code})", m.people) for m in municipalities]


def allowed_breakdowns(area: Area) -> list[str]:
    """A table of an area has rows per period or per smaller area."""
    below = LEVELS[LEVELS.index(area.level) + 1 :]
    return [PERIOD, *below]


def figure_table(
    *,
    indicator: Indicator,
    area: Area,
    months: Months,
    by: str = PERIOD,
    granularity: str = MONTH,
    public: bool = False,
) -> FigureTable:
    """The indicator's counts in `area` over `months`, one row per period of `granularity`
    (`by` = 'period') or per smaller area (`by` = a level below the area's), one column per
    category, protected by the disclosure control (rounded when `public`)."""
    if by not in allowed_breakdowns(area):
        raise ValueError(f"An area of level {area.level} has no rows per {by}.")
    group = {
        PERIOD: "month",
        MUNICIPALITY: "municipality_id",
        DISTRICT: "neighbourhood__district_id",
        NEIGHBOURHOOD: "neighbourhood_id",
    }[by]
    sums = (
        FigureCount.objects.filter(
            area.filter(), indicator=indicator.key, month__gte=months.first, month__lte=months.last
        )
        .values(group, "category")
        .annotate(n=Sum("count"))
        .order_by()
    )
    found: dict[tuple[str, str], int] = {}
    for row in sums:
        value = row[group]
        if by == PERIOD:
            key = period_of(value, granularity)[0]
        else:
            key = UNKNOWN_AREA if value is None else str(value)
        found[(key, row["category"])] = found.get((key, row["category"]), 0) + row["n"]
    if by == PERIOD:
        heads, seen = [], set()
        for month in months.months():
            key, label = period_of(month, granularity)
            if key not in seen:
                seen.add(key)
                heads.append(RowHead(key, label))
    else:
        heads = _sub_areas(area, by)
        if any(key == UNKNOWN_AREA for key, _c in found):
            heads.append(RowHead(UNKNOWN_AREA, _t("%(level)s unknown") % {"level": LEVEL_LABELS[by]}))
    columns = _categories(indicator, {category for _k, category in found})
    counts = [[found.get((head.key, key), 0) for key, _label in columns] for head in heads]
    protected = protect(counts, row_totals=len(columns) > 1, column_totals=len(heads) > 1, public=public)
    return FigureTable(
        indicator=indicator,
        area=area,
        months=months,
        by=by,
        granularity=granularity,
        heads=heads,
        columns=columns,
        protected=protected,
        public=public,
    )


def first_months() -> dict[str, date]:
    """The first month with figures, per indicator (one query)."""
    return {
        row["indicator"]: row["first"]
        for row in FigureCount.objects.values("indicator").annotate(first=Min("month")).order_by()
    }
