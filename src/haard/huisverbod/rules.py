"""The law's numbers and the region's choices for restraining orders, as region settings."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from haard.core import region_settings

DURATION_DAYS = region_settings.declare(
    "huisverbod.duration_days",
    kind=int,
    default=10,
    minimum=1,
    maximum=10,
    description=_("Days a restraining order lasts from its imposition"),
    source="Wet tijdelijk huisverbod, art. 2",
)
EXTENSION_MAX_WEEKS = region_settings.declare(
    "huisverbod.extension_max_weeks",
    kind=int,
    default=4,
    minimum=1,
    maximum=4,
    description=_("Weeks after imposition an extended order may last at most"),
    source="Wet tijdelijk huisverbod, art. 9",
)
WHEREABOUTS_HOURS = region_settings.declare(
    "huisverbod.whereabouts_hours",
    kind=int,
    default=24,
    minimum=1,
    maximum=72,
    description=_("Hours within which the barred person gives the address where they stay"),
    source="Wet tijdelijk huisverbod, art. 2",
)
INTERIM_HEARING_DAYS = region_settings.declare(
    "huisverbod.interim_hearing_days",
    kind=int,
    default=3,
    minimum=1,
    maximum=14,
    description=_("Days within which the court hears a request for an interim ruling"),
    source="Wet tijdelijk huisverbod, art. 6",
)
HEARING_WORKING_DAYS_BEFORE_END = region_settings.declare(
    "huisverbod.hearing_working_days_before_end",
    kind=int,
    default=1,
    minimum=0,
    maximum=5,
    description=_("Working days before the end of the order by which the parties are heard on extension"),
    source="haard default; the parties are heard before the decision (Wet tijdelijk huisverbod, art. 9)",
)
WRITTEN_DECISION_WORKING_DAYS = region_settings.declare(
    "huisverbod.written_decision_working_days",
    kind=int,
    default=1,
    minimum=0,
    maximum=5,
    description=_("Working days after an oral order within which its written decision is made"),
    source=(
        "haard default; an oral order is put in writing as soon as possible "
        "(Wet tijdelijk huisverbod, art. 2)"
    ),
)
HELP_FIRST_CONTACT_DAYS = region_settings.declare(
    "huisverbod.help_first_contact_days",
    kind=int,
    default=1,
    minimum=0,
    maximum=10,
    description=_("Days after imposition by which help has first contact with each person"),
    source="haard default; help starts during the 10 days for everyone (Wet tijdelijk huisverbod)",
)
RISK_SERIOUS_PER_PART = region_settings.declare(
    "huisverbod.risk_serious_per_part",
    kind=int,
    default=2,
    minimum=1,
    maximum=20,
    description=_("Signs of the most serious colour in one part that mean an order in principle"),
    source="RiHG decision rule",
)
# Who helps whom: an organisation type (accounts.OrganisationType) or an organisation's id.
HELP_ORGANISATION_BARRED = region_settings.declare(
    "huisverbod.help_organisation_barred",
    kind=str,
    default="probation",
    description=_("Organisation (type or id) that helps the barred person"),
    source="haard default",
)
HELP_ORGANISATION_VICTIM = region_settings.declare(
    "huisverbod.help_organisation_victim",
    kind=str,
    default="social_team",
    description=_("Organisation (type or id) that helps the victims and other people in the contact ban"),
    source="haard default",
)
HELP_ORGANISATION_CHILD = region_settings.declare(
    "huisverbod.help_organisation_child",
    kind=str,
    default="youth_care",
    description=_("Organisation (type or id) that helps the children"),
    source="haard default",
)
CASE_ORGANISATION = region_settings.declare(
    "huisverbod.case_organisation",
    kind=str,
    default="veilig_thuis",
    description=_("Organisation (type or id) whose first team owns a new case opened for an order"),
    source="haard default",
)
