"""Indicators over cases (one family, one plan)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from haard.cases.models import Case, Recurrence
from haard.insight.indicators import Indicator, monthly, register

WHERE = _(
    "Each case counts once, in the municipality recorded on the case and the neighbourhood of its "
    "household's address (none when the household has no address)."
)

register(
    Indicator(
        key="cases_opened",
        domain="cases",
        label=_("Cases opened"),
        unit=_("cases opened"),
        definition=_("Cases (one family, one plan) opened."),
        date_rule=_("The date the case was opened."),
        rule=WHERE,
        collect=lambda since: monthly(
            Case.objects.all(),
            since=since,
            moment="opened_on",
            municipality="municipality_id",
            neighbourhood="household__address__neighbourhood_id",
        ),
    )
)

register(
    Indicator(
        key="cases_closed",
        domain="cases",
        label=_("Cases closed"),
        unit=_("cases closed"),
        definition=_("Cases closed, whatever follow-up continues after closure."),
        date_rule=_("The date the case was closed."),
        rule=WHERE,
        collect=lambda since: monthly(
            Case.objects.all(),
            since=since,
            moment="closed_on",
            municipality="municipality_id",
            neighbourhood="household__address__neighbourhood_id",
        ),
    )
)

WITHIN_12_MONTHS, LATER = "within_12_months", "later"

register(
    Indicator(
        key="repeat_after_closure",
        domain="cases",
        label=_("Repeat after closure"),
        unit=_("families"),
        definition=_(
            "Families about whom a new report came in after their case was closed (recidivism), "
            "split by whether the report came within 12 months of the closure."
        ),
        date_rule=_("The date the new report was received."),
        rule=_(
            "A family counts once per month and category, however many reports came in, in the "
            "municipality recorded on the closed case and the neighbourhood of its household's "
            "address (none when the household has no address)."
        ),
        collect=lambda since: monthly(
            Recurrence.objects.all(),
            since=since,
            moment="reported_on",
            municipality="case__municipality_id",
            neighbourhood="household__address__neighbourhood_id",
            category="within_12_months",
            label=lambda within: WITHIN_12_MONTHS if within else LATER,
            distinct="household_id",
        ),
        categories=lambda: [
            (WITHIN_12_MONTHS, str(_("within 12 months after closure"))),
            (LATER, str(_("more than 12 months after closure"))),
        ],
    )
)
