"""Retention periods per kind of record, as region settings (see docs/retention.md for the
legal basis of each default)."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext_lazy as _

from haard.audit.purge import ACCESS_LOG_YEARS
from haard.core import region_settings
from haard.retention.models import UnitType

VEILIG_THUIS_YEARS = region_settings.declare(
    "retention.veilig_thuis_years",
    kind=int,
    default=15,
    minimum=1,
    maximum=100,
    description=_("Years a Veilig Thuis file is kept after it closed"),
    source="Jeugdwet art. 7.3.8; Wmo 2015 (Veilig Thuis): at least 15 years",
)
UNTIL_YOUNGEST_CHILD_ADULT = region_settings.declare(
    "retention.until_youngest_child_adult",
    kind=bool,
    default=True,
    description=_("A Veilig Thuis file is kept at least until the youngest child in it turns 18"),
    source="Rijksoverheid: bewaartermijn dossier kindermishandeling",
)
RESTRAINING_ORDER_YEARS = region_settings.declare(
    "retention.restraining_order_years",
    kind=int,
    default=5,
    minimum=1,
    maximum=100,
    description=_("Years a restraining order outside a case is kept after it ended"),
    source="haard default; follow the municipality's selection list (Archiefwet 1995)",
)
POLICE_INCIDENT_YEARS = region_settings.declare(
    "retention.police_incident_years",
    kind=int,
    default=5,
    minimum=1,
    maximum=100,
    description=_("Years a police incident that became no report is kept after it happened"),
    source="Wet politiegegevens art. 8: at most five years",
)
MELDCODE_RECORD_YEARS = region_settings.declare(
    "retention.meldcode_record_years",
    kind=int,
    default=15,
    minimum=1,
    maximum=100,
    description=_("Years a concluded meldcode record is kept"),
    source="the professional's file law: Jeugdwet art. 7.3.8 (15 years), WGBO art. 7:454 BW (20 years)",
)
SHELTER_YEARS = region_settings.declare(
    "retention.shelter_years",
    kind=int,
    default=7,
    minimum=1,
    maximum=100,
    description=_("Years a shelter stay outside a case is kept after departure"),
    source="haard default; the Wmo 2015 sets no term, so AVG art. 5(1)(e) applies",
)
UNLINKED_PERSON_YEARS = region_settings.declare(
    "retention.unlinked_person_years",
    kind=int,
    default=1,
    minimum=0,
    maximum=100,
    description=_("Years a person in no record at all is kept after the last change"),
    source="AVG art. 5(1)(e): without a record there is no purpose",
)
REQUEST_RESPONSE_MONTHS = region_settings.declare(
    "retention.request_response_months",
    kind=int,
    default=1,
    minimum=1,
    maximum=3,
    description=_("Months within which a request of a data subject is answered"),
    source="AVG art. 12(3): one month, extendable by two",
)

# The setting that gives each unit's retention period, in years.
PERIOD_SETTING: dict[str, str] = {
    UnitType.VEILIG_THUIS_FILE: VEILIG_THUIS_YEARS.key,
    UnitType.RESTRAINING_ORDER: RESTRAINING_ORDER_YEARS.key,
    UnitType.SHELTER_STAY: SHELTER_YEARS.key,
    UnitType.POLICE_INCIDENT: POLICE_INCIDENT_YEARS.key,
    UnitType.MELDCODE_RECORD: MELDCODE_RECORD_YEARS.key,
    UnitType.POLICE_IMPORT: POLICE_INCIDENT_YEARS.key,
    UnitType.PERSON: UNLINKED_PERSON_YEARS.key,
}


def period_years(unit_type: str) -> int:
    return int(region_settings.value(PERIOD_SETTING[unit_type]))


def add_years(day: date, years: int) -> date:
    """`day` moved `years` on; 29 February becomes 28 February in a year without it."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def periods() -> list[tuple[str, str]]:
    """(kind of record, the sentence a screen shows) for every retention setting."""
    shown = [
        VEILIG_THUIS_YEARS,
        UNTIL_YOUNGEST_CHILD_ADULT,
        RESTRAINING_ORDER_YEARS,
        POLICE_INCIDENT_YEARS,
        MELDCODE_RECORD_YEARS,
        SHELTER_YEARS,
        UNLINKED_PERSON_YEARS,
        REQUEST_RESPONSE_MONTHS,
        ACCESS_LOG_YEARS,
    ]
    return [(declared.key, region_settings.describe(declared.key)) for declared in shown]
