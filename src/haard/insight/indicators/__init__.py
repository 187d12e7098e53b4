"""The indicator set: named counts, each with the definition shown beside its figures.

An indicator is one small `Indicator` definition in a module of this package, one module per
domain (`intake.py`, `police.py`, `cases.py`, ...); every module here is loaded on first use,
so a domain adds an indicator by adding a module that calls `register(...)`. Its
`collect(since)` returns monthly counts per municipality, neighbourhood and category (usually
one call of `monthly(...)` over the domain's queryset); `summary.refresh_figures` stores them,
and every page, export and API operation reads the stored counts. Shelter, restraining orders
and safety assessments add theirs as `shelter.py`, `huisverbod.py`, `triage.py` here.

A rate ("finished within the deadline") is stored as its counts, one category for the part and
one for the rest (`within`/`late`), never as a percentage: percentages cannot be summed over
months or areas, and a percentage of suppressed counts could give them away. An indicator
with a `Share` names the categories that make the part; the tables work the percentage out
from the numbers as published, after disclosure control (`figures.share_cell`).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple

from django.db.models import Count, DateTimeField, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.functional import Promise

from haard.insight.periods import start_of


class MonthlyCount(NamedTuple):
    month: date  # the first day of the month
    municipality_id: int
    neighbourhood_id: int | None
    category: str
    number: int


ALL = "all"  # the category of an indicator that is not split


@dataclass(frozen=True)
class Share:
    """A percentage shown beside an indicator's counts: the categories `part` as a share of
    the row's total (all categories). `label` names the part: "finished within the deadline"."""

    part: tuple[str, ...]
    label: str | Promise


@dataclass(frozen=True)
class Indicator:
    """A named count. `definition`, `date_rule` and `rule` are shown to the reader: what is
    counted, which date places it in a month, and how (what counts once, what is left out)."""

    key: str
    label: str | Promise
    unit: str | Promise  # what one counted thing is, plural: "reports", "victims"
    definition: str | Promise
    date_rule: str | Promise
    rule: str | Promise
    # The counts of every month from `since` (a first day of a month; None: all months).
    collect: Callable[[date | None], Iterable[MonthlyCount]]
    categories: Callable[[], list[tuple[str, str]]] = field(default=lambda: [(ALL, "")])
    domain: str = ""
    share: Share | None = None

    def category_labels(self) -> list[tuple[str, str]]:
        return [(value, str(label) or str(self.unit)) for value, label in self.categories()]


_REGISTRY: dict[str, Indicator] = {}
_loaded = False


def register(indicator: Indicator) -> Indicator:
    """Add an indicator to the set; a key is registered once."""
    if indicator.key in _REGISTRY and _REGISTRY[indicator.key] is not indicator:
        raise ValueError(f"An indicator with key {indicator.key!r} is already registered.")
    _REGISTRY[indicator.key] = indicator
    return indicator


def _load() -> None:
    global _loaded
    if not _loaded:
        for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
            importlib.import_module(f"{__name__}.{info.name}")
        _loaded = True


def all_indicators() -> list[Indicator]:
    _load()
    return list(_REGISTRY.values())


def get(key: str) -> Indicator | None:
    _load()
    return _REGISTRY.get(key)


def _month(value: date | datetime) -> date:
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.date().replace(day=1)
    return value.replace(day=1)


def since_filter(queryset: QuerySet[Any], moment: str, since: date | None) -> QuerySet[Any]:
    """`queryset` from the first moment of the month `since` on (all of it when None)."""
    if since is None:
        return queryset
    model: Any = queryset.model
    *path, name = moment.split("__")
    for part in path:
        model = model._meta.get_field(part).related_model
    field = model._meta.get_field(name)
    bound: date | datetime = start_of(since) if isinstance(field, DateTimeField) else since
    return queryset.filter(**{f"{moment}__gte": bound})


def monthly(
    queryset: QuerySet[Any],
    *,
    moment: str,
    municipality: str,
    neighbourhood: str,
    category: str | None = None,
    label: Callable[[Any], str] = str,
    distinct: str | None = None,
    since: date | None = None,
) -> Iterator[MonthlyCount]:
    """Group `queryset` in the database by month of `moment`, municipality, neighbourhood and
    (when given) the field `category`; count rows, or distinct values of `distinct`; only
    from the month `since` when given."""
    fields = ["_month", municipality, neighbourhood] + ([category] if category else [])
    counted = Count(distinct, distinct=True) if distinct else Count("pk")
    grouped = (
        since_filter(queryset, moment, since)
        .filter(**{f"{moment}__isnull": False})
        .annotate(_month=TruncMonth(moment))
        .values(*fields)
        .annotate(_n=counted)
        .order_by()
    )
    for row in grouped.iterator(chunk_size=5_000):
        yield MonthlyCount(
            month=_month(row["_month"]),
            municipality_id=row[municipality],
            neighbourhood_id=row[neighbourhood],
            category=label(row[category]) if category else ALL,
            number=row["_n"],
        )
