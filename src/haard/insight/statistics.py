"""The half-year statistics export, shaped like the Veilig Thuis figures CBS publishes
(StatLine tables 84849NED and 85361NED): one row per area (the region and each of its
municipalities) and half year, one column per figure. Columns are documented in
docs/statistics-export.md. It is a public export: disclosure control with rounding."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Sum
from django.utils.translation import gettext as _t

from haard.core.models import Municipality, Region
from haard.insight import figures
from haard.insight.disclosure import Cell, protect, rule_text
from haard.insight.figures import Months
from haard.insight.indicators import get
from haard.insight.models import FigureCount

# (column prefix, indicator, whether its categories exclude each other, so that a row total
# is meaningful). The first group's total is the number of contacts.
GROUPS: list[tuple[str, str, bool]] = [
    ("contacts", "contacts_by_kind", True),
    ("reports_source", "reports_by_source", True),
    ("reports_repeat", "reports_by_repeat", True),
    ("contacts_violence", "contacts_by_violence", False),
    ("victims_gender", "victims_by_gender", True),
    ("victims_age", "victims_by_age", True),
    ("children", "children_involved", False),
]


@dataclass
class StatisticsExport:
    period_code: str  # as CBS writes a half year: 2025HJ01
    months: Months
    complete: bool
    header: list[str]
    labels: list[str]
    rows: list[list[Any]]
    rule: str


def period_code(months: Months) -> str:
    return f"{months.first.year}HJ0{1 if months.first.month <= 6 else 2}"


def statistics_export(*, months: Months, complete: bool = True) -> StatisticsExport:
    """The region and each municipality for one half year, every figure suppressed and rounded
    as for publication."""
    region = Region.objects.order_by("pk").first()
    municipalities = list(Municipality.objects.filter(region=region).order_by("code")) if region else []
    ids = [m.pk for m in municipalities]
    sums: dict[tuple[str, int, str], int] = {}
    keys = [key for _prefix, key, _exclusive in GROUPS]
    for row in (
        FigureCount.objects.filter(
            indicator__in=keys, municipality_id__in=ids, month__gte=months.first, month__lte=months.last
        )
        .values("indicator", "municipality_id", "category")
        .annotate(n=Sum("count"))
        .order_by()
    ):
        sums[(row["indicator"], row["municipality_id"], row["category"])] = row["n"]
    header = ["period", "area_code", "area_name", "area_level"]
    labels = [_t("Period"), _t("Area code"), _t("Area"), _t("Level")]
    # Per area, the region first: the cells of every group.
    per_area: list[list[Cell]] = [[] for _ in range(len(municipalities) + 1)]
    for prefix, key, exclusive in GROUPS:
        indicator = get(key)
        if indicator is None:
            continue
        categories = indicator.category_labels()
        counts = [[sums.get((key, m.pk, c), 0) for c, _label in categories] for m in municipalities]
        table = protect(counts, row_totals=exclusive, column_totals=True, public=True)
        header += [f"{prefix}_{c}" for c, _label in categories] + ([f"{prefix}_total"] if exclusive else [])
        labels += [f"{indicator.label}: {label}" for _c, label in categories] + (
            [f"{indicator.label}: {_t('total')}"] if exclusive else []
        )
        region_cells = list(table.column_totals or [Cell(0)] * len(categories))
        if exclusive:
            region_cells.append(table.grand_total or Cell(0))
        per_area[0] += region_cells
        for index in range(len(municipalities)):
            cells = list(table.cells[index])
            if exclusive and table.row_totals is not None:
                cells.append(table.row_totals[index])
            per_area[index + 1] += cells
    code = period_code(months)
    rows: list[list[Any]] = []
    if region is not None:
        rows.append(
            [code, "region", region.name, str(figures.LEVEL_LABELS[figures.REGION])] + _values(per_area[0])
        )
    for municipality, cells in zip(municipalities, per_area[1:], strict=True):
        rows.append(
            [code, municipality.code, municipality.name, str(figures.LEVEL_LABELS[figures.MUNICIPALITY])]
            + _values(cells)
        )
    return StatisticsExport(
        period_code=code,
        months=months,
        complete=complete,
        header=header,
        labels=labels,
        rows=rows,
        rule=rule_text(rounded_to=protect([[0]], public=True).rounded_to),
    )


def _values(cells: list[Cell]) -> list[Any]:
    return [cell.number if cell.number is not None else "x" for cell in cells]
