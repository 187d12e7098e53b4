"""Indicators over cases (one family, one plan)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from haard.cases.models import Case
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
