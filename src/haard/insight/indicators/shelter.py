"""Indicators over shelter (opvang): the people in shelter and how long they waited for a place.

A facility's address is secret, and so is where a family in shelter stays. Shelter figures are
therefore never placed by a facility or by neighbourhood: each counts in the municipality the
family comes from, with no neighbourhood.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from django.db.models import BooleanField, Count, ExpressionWrapper, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from haard.insight.indicators import Indicator, MonthlyCount, _month, register
from haard.insight.periods import add_months
from haard.registry.models import HouseholdMember
from haard.shelter.models import Placement, PlaceType, WaitingListEntry, WaitingStatus

ORIGIN = _(
    "Counted in the municipality the family comes from: the municipality of the family's case, or "
    "without a case that of the person's household address. Never by neighbourhood and never by "
    "where the shelter is: its address is secret. A person with neither a case nor a household "
    "address is not counted."
)

# Waiting time in calendar days (shelter takes people in every day): (key, label, most days).
WAITED = [
    ("0-1", _("0 to 1 day"), 1),
    ("2-7", _("2 to 7 days"), 7),
    ("8-30", _("8 to 30 days"), 30),
]
WAITED_LONGER = "31+"


def _origin(person: str) -> Coalesce:
    """The municipality of origin: the case's, else that of the address of the household the
    person was first registered in."""
    household = (
        HouseholdMember.objects.filter(person_id=OuterRef(person), household__address__isnull=False)
        .order_by("pk")
        .values("household__address__municipality_id")[:1]
    )
    return Coalesce("case__municipality_id", Subquery(household), output_field=IntegerField())


def _months(first: date, last: date, since: date | None) -> Iterator[date]:
    """The first days of the months from `first` to `last` (both first days), from `since` on."""
    month = max(first, since) if since is not None else first
    while month <= last:
        yield month
        month = add_months(month, 1)


def _occupancy(since: date | None) -> Iterator[MonthlyCount]:
    """Placements grouped in the database by arrival, departure, place type and origin; each
    group then counts in every month of its stay. A move to another facility ends one placement
    and starts the next on the same day: the placement that continues the stay counts from the
    month after its arrival, as the month of the move is counted already."""
    today = timezone.localdate()
    placements = Placement.objects.annotate(
        _origin=_origin("person_id"),
        _continues=ExpressionWrapper(Q(moved_from__isnull=False), output_field=BooleanField()),
    ).filter(_origin__isnull=False)
    if since is not None:
        placements = placements.filter(Q(departed_on__isnull=True) | Q(departed_on__gte=since))
    grouped = (
        placements.values("arrived_on", "departed_on", "_continues", "place_type", "_origin")
        .annotate(_n=Count("pk"))
        .order_by()
    )
    for row in grouped.iterator(chunk_size=5_000):
        first = _month(row["arrived_on"])
        if row["_continues"]:
            first = add_months(first, 1)
        for month in _months(first, _month(row["departed_on"] or today), since):
            yield MonthlyCount(month, row["_origin"], None, row["place_type"], row["_n"])


def waited_bucket(days: int) -> str:
    for key, _label, most in WAITED:
        if days <= most:
            return key
    return WAITED_LONGER


def _waiting_time(since: date | None) -> Iterator[MonthlyCount]:
    entries = WaitingListEntry.objects.filter(
        status__in=[WaitingStatus.PLACED, WaitingStatus.REFERRED], closed_on__isnull=False
    ).annotate(_origin=_origin("person_id"), _registered=TruncDate("registered_at"))
    if since is not None:
        entries = entries.filter(closed_on__gte=since)
    grouped = (
        entries.filter(_origin__isnull=False)
        .values("_registered", "closed_on", "_origin")
        .annotate(_n=Count("pk"))
        .order_by()
    )
    for row in grouped.iterator(chunk_size=5_000):
        closed = row["closed_on"]
        if closed is None:  # filtered out above; the type does not know
            continue
        days = max(0, (closed - row["_registered"]).days)
        yield MonthlyCount(_month(closed), row["_origin"], None, waited_bucket(days), row["_n"])


def _with_origin(text: Any) -> Any:
    return format_lazy("{} {}", text, ORIGIN)


register(
    Indicator(
        key="shelter_occupancy",
        domain="shelter",
        label=_("People in shelter"),
        unit=_("people in shelter"),
        definition=_(
            "People staying in a shelter facility (women's and men's shelter, crisis and specialised "
            "places) on at least one day of the month, in an adult or a child place."
        ),
        date_rule=_(
            "Every month of the stay, from the day of arrival up to and including the day of "
            "departure (today for a stay that continues)."
        ),
        rule=_with_origin(
            _(
                "A person counts once in each month of the stay, so a quarter or a year adds up "
                "months: someone who stays three months counts three times in the quarter "
                "(person-months). A move to another facility continues the same stay."
            )
        ),
        collect=_occupancy,
        categories=lambda: [(value, str(label)) for value, label in PlaceType.choices],
    )
)

register(
    Indicator(
        key="shelter_waiting_time",
        domain="shelter",
        label=_("Waiting time for a shelter place"),
        unit=_("people from the waiting list"),
        definition=_(
            "People who left a shelter waiting list because they were placed, or referred to a "
            "facility in another region, by how long they waited."
        ),
        date_rule=_("The day the person was placed or referred."),
        rule=_with_origin(
            _(
                "The waiting time is counted in calendar days from registration on the waiting list "
                "to placement or referral. Each waiting-list entry counts once: someone on the lists "
                "of two facilities counts twice. People still waiting are not counted yet."
            )
        ),
        collect=_waiting_time,
        categories=lambda: [
            *((key, str(label)) for key, label, _most in WAITED),
            (WAITED_LONGER, str(_("more than 30 days"))),
        ],
    )
)
