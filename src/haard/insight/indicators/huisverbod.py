"""Indicators over temporary restraining orders (tijdelijk huisverbod)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.utils.translation import gettext_lazy as _

from haard.huisverbod.models import OrderStatus, RestrainingOrder
from haard.insight.indicators import Indicator, MonthlyCount, monthly, register

BREACHED = "breached"

# Each event with the date that places it, as the register's own figures count them
# (`haard.huisverbod.selectors.order_figures`, which tests/insight checks this against): an
# order counts once per event and period, a breach by the day it occurred.
EVENTS: list[tuple[str, str]] = [
    (OrderStatus.IMPOSED.value, "imposed_at"),
    (OrderStatus.EXTENDED.value, "extension_decided_at"),
    (OrderStatus.WITHDRAWN.value, "withdrawn_at"),
    (BREACHED, "breaches__occurred_at"),
    (OrderStatus.ANNULLED.value, "annulled_at"),
]


def _events(since: date | None) -> Iterator[MonthlyCount]:
    for event, moment in EVENTS:
        for row in monthly(
            RestrainingOrder.objects.all(),
            since=since,
            moment=moment,
            municipality="municipality_id",
            neighbourhood="address__neighbourhood_id",
            distinct="pk",
        ):
            yield row._replace(category=event)


register(
    Indicator(
        key="restraining_orders",
        domain="huisverbod",
        label=_("Restraining orders: imposed, extended, withdrawn, breached"),
        unit=_("restraining orders"),
        definition=_(
            "Temporary restraining orders (tijdelijk huisverbod) by what happened to them: imposed "
            "(by the mayor or a police officer under mandate), extended, withdrawn by the mayor, "
            "breached (a breach recorded), or annulled by the court."
        ),
        date_rule=_(
            "The day of the event: the imposition, the decision to extend, the withdrawal, the "
            "breach, or the court's ruling."
        ),
        rule=_(
            "An order counts once under each event in the month the event happened, so an order "
            "imposed and withdrawn in the same month counts under both and the events add up to more "
            "than the number of orders; an order breached more than once in a month counts once that "
            "month. Counted in the municipality of the order and the neighbourhood of the address "
            "the person is barred from."
        ),
        collect=_events,
        categories=lambda: [
            (OrderStatus.IMPOSED.value, str(OrderStatus.IMPOSED.label)),
            (OrderStatus.EXTENDED.value, str(OrderStatus.EXTENDED.label)),
            (OrderStatus.WITHDRAWN.value, str(OrderStatus.WITHDRAWN.label)),
            (BREACHED, str(_("breached"))),
            (OrderStatus.ANNULLED.value, str(OrderStatus.ANNULLED.label)),
        ],
    )
)
