"""The colour code of seed 001 (Hoogeveen): a colour per incident and per address.

An incident's colour is its severity (intake.Severity 1..4: green, yellow, orange, red). An
address's colour follows a rule over the incidents at that address in the colour window (by
default the 12 months that end with the period):

- red: an incident of severity red, or at least `insight.red_min_incidents` (3) incidents;
- orange: an incident of severity orange, or at least `insight.orange_min_incidents` (2);
- yellow: an incident of severity yellow;
- green: otherwise (only green incidents, or none in the window).

A Veilig Thuis report linked to a police incident at the same address is the same event and
counts once. The thresholds and the window are region settings; `ColourRule.lines` gives the text
that every screen shows next to the colours. The rule is evaluated in the database
(`ColourRule.expression`) and in Python (`ColourRule.colour`); the tests hold the two equal.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, Expression, F, IntegerField, Value, When
from django.db.models.functions import Greatest
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from haard.core import region_settings
from haard.intake.models import Severity

COLOUR_WINDOW_MONTHS = region_settings.declare(
    "insight.colour_window_months",
    kind=int,
    default=12,
    minimum=1,
    maximum=120,
    description=_("Months, up to the end of the period, whose incidents decide an address's colour"),
    source="seed 001 (Hoogeveen)",
)
RED_MIN_INCIDENTS = region_settings.declare(
    "insight.red_min_incidents",
    kind=int,
    default=3,
    minimum=2,
    maximum=100,
    description=_("Incidents in the colour window that make an address red, whatever their severity"),
    source="seed 001 (Hoogeveen)",
)
ORANGE_MIN_INCIDENTS = region_settings.declare(
    "insight.orange_min_incidents",
    kind=int,
    default=2,
    minimum=2,
    maximum=100,
    description=_("Incidents in the colour window that make an address at least orange"),
    source="seed 001 (Hoogeveen)",
)
SETTINGS = (COLOUR_WINDOW_MONTHS, RED_MIN_INCIDENTS, ORANGE_MIN_INCIDENTS)


@dataclass(frozen=True)
class Colour:
    value: int
    key: str
    name: str | Promise
    shape: str


# Shape as well as colour and text, so that the code never relies on colour alone (WCAG 1.4.1).
COLOURS = {
    Severity.GREEN.value: Colour(Severity.GREEN.value, "green", _("Green"), "circle"),
    Severity.YELLOW.value: Colour(Severity.YELLOW.value, "yellow", _("Yellow"), "triangle"),
    Severity.ORANGE.value: Colour(Severity.ORANGE.value, "orange", _("Orange"), "diamond"),
    Severity.RED.value: Colour(Severity.RED.value, "red", _("Red"), "square"),
}
COLOURS_HIGH_FIRST = [COLOURS[v] for v in sorted(COLOURS, reverse=True)]


def colour(value: int | None) -> Colour:
    return COLOURS.get(int(value or Severity.GREEN), COLOURS[Severity.GREEN.value])


@dataclass(frozen=True)
class ColourRule:
    window_months: int
    red_min: int
    orange_min: int

    @classmethod
    def current(cls) -> ColourRule:
        """The rule with the region's settings."""
        return cls(
            window_months=region_settings.value(COLOUR_WINDOW_MONTHS.key),
            red_min=region_settings.value(RED_MIN_INCIDENTS.key),
            orange_min=region_settings.value(ORANGE_MIN_INCIDENTS.key),
        )

    def colour(self, *, highest_severity: int | None, incidents: int) -> int:
        """An address's colour from its incidents in the window (the Python twin of
        `expression`)."""
        highest = highest_severity or 0
        if highest >= Severity.RED or incidents >= self.red_min:
            return Severity.RED
        if highest >= Severity.ORANGE or incidents >= self.orange_min:
            return Severity.ORANGE
        if highest >= Severity.YELLOW:
            return Severity.YELLOW
        return Severity.GREEN

    def expression(self, *, highest_severity: str, incidents: str) -> Expression:
        """The same rule as a database expression over two annotations. Written as the greater
        of "the highest severity" and "the colour the number of incidents reaches", which is
        the rule above, so that each annotation appears in the SQL as few times as possible."""
        by_count = Case(
            When(**{f"{incidents}__gte": self.red_min}, then=Value(int(Severity.RED))),
            When(**{f"{incidents}__gte": self.orange_min}, then=Value(int(Severity.ORANGE))),
            default=Value(int(Severity.GREEN)),
            output_field=IntegerField(),
        )
        return Greatest(F(highest_severity), by_count, output_field=IntegerField())

    def lines(self) -> list[tuple[Colour, str]]:
        """One sentence per colour, with the region's numbers, for the legend."""
        months = self.window_months
        return [
            (
                COLOURS[Severity.RED],
                gettext(
                    "an incident of severity red in the last %(months)d months, or at least "
                    "%(count)d incidents in those months"
                )
                % {"months": months, "count": self.red_min},
            ),
            (
                COLOURS[Severity.ORANGE],
                gettext(
                    "an incident of severity orange in the last %(months)d months, or at least "
                    "%(count)d incidents in those months"
                )
                % {"months": months, "count": self.orange_min},
            ),
            (
                COLOURS[Severity.YELLOW],
                gettext("an incident of severity yellow in the last %(months)d months") % {"months": months},
            ),
            (
                COLOURS[Severity.GREEN],
                gettext("otherwise: only incidents of severity green, or none in the last %(months)d months")
                % {"months": months},
            ),
        ]


def settings_text() -> list[str]:
    """The settings behind the rule, each with its value and origin (region_settings.describe)."""
    return [region_settings.describe(declared.key) for declared in SETTINGS]
