"""The demo region's organisations and teams: one of every organisation type, each with at
least one team, linked to the municipalities it serves."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from haard.accounts.models import Organisation, OrganisationType, Team
from haard.core.models import Municipality
from haard.demo.names import REGION_SHORT

# Slots name the teams the demo users and cases are placed in.
SLOT_VT_INTAKE = "vt_intake"
SLOT_VT_ASSESSMENT = "vt_assessment"
SLOT_VT_PRIVACY = "vt_privacy"
SLOT_VT_ADMIN = "vt_admin"
SLOT_POLICE = "police"
SLOT_MAYOR = "mayor"
SLOT_POLICY = "policy"
SLOT_SOCIAL_OWN = "social_own"
SLOT_SOCIAL_OUTSIDER = "social_outsider"
SLOT_SCHOOL = "school"
SLOT_SHELTER = "shelter"

# The team of a social-team organisation that owns the cases of its municipality.
CASE_TEAM_NAME = "Wijkteam"
# A team of the outsider's social team that never owns a case.
OUTSIDER_TEAM_NAME = "Team volwassenen"


@dataclass
class DemoOrganisations:
    """Handles to what the generator needs after creating the organisations."""

    veilig_thuis: Organisation
    slots: dict[str, Team] = field(default_factory=dict)
    case_teams: dict[str, Team] = field(default_factory=dict)  # municipality code → Wijkteam
    by_type: dict[str, Organisation] = field(default_factory=dict)  # first of each type
    organisations: int = 0
    teams: int = 0


class _Builder:
    def __init__(self) -> None:
        self.organisations: list[Organisation] = []
        self.teams: list[Team] = []

    def organisation(
        self,
        name: str,
        org_type: OrganisationType,
        municipalities: Sequence[Municipality],
        team_names: Sequence[str],
    ) -> tuple[Organisation, list[Team]]:
        organisation = Organisation.objects.create(name=name, type=org_type)
        organisation.municipalities.set(municipalities)
        teams = [Team.objects.create(organisation=organisation, name=t) for t in team_names]
        self.organisations.append(organisation)
        self.teams.extend(teams)
        return organisation, teams


def create_organisations(
    *,
    municipalities: Sequence[Municipality],
    case_manager_municipality: str,
    outsider_municipality: str,
) -> DemoOrganisations:
    """Create the organisations of the demo region. `municipalities` is in plan order; the
    first two also host the schools and GP practices. The case manager works in the social
    team of `case_manager_municipality`; the outsider in a team of the social team of
    `outsider_municipality` that owns no case."""
    build = _Builder()
    everywhere = list(municipalities)
    first, second = municipalities[0], municipalities[min(1, len(municipalities) - 1)]

    veilig_thuis, vt_teams = build.organisation(
        f"Veilig Thuis {REGION_SHORT}",
        OrganisationType.VEILIG_THUIS,
        everywhere,
        ["Intake", "Veiligheidsbeoordeling", "Kwaliteit en privacy", "Functioneel beheer"],
    )
    result = DemoOrganisations(veilig_thuis=veilig_thuis)
    result.slots.update(
        {
            SLOT_VT_INTAKE: vt_teams[0],
            SLOT_VT_ASSESSMENT: vt_teams[1],
            SLOT_VT_PRIVACY: vt_teams[2],
            SLOT_VT_ADMIN: vt_teams[3],
        }
    )
    _, police_teams = build.organisation(
        f"Politie {REGION_SHORT}",
        OrganisationType.POLICE,
        everywhere,
        ["Basisteam Noord", "Basisteam Zuid"],
    )
    result.slots[SLOT_POLICE] = police_teams[0]

    for municipality in municipalities:
        _, gemeente_teams = build.organisation(
            f"Gemeente {municipality.name}",
            OrganisationType.MUNICIPALITY,
            [municipality],
            ["Bureau burgemeester", "Beleid sociaal domein"],
        )
        team_names = [CASE_TEAM_NAME]
        if municipality.code == outsider_municipality:
            team_names.append(OUTSIDER_TEAM_NAME)
        _, social_teams = build.organisation(
            f"Sociaal team {municipality.name}",
            OrganisationType.SOCIAL_TEAM,
            [municipality],
            team_names,
        )
        result.case_teams[municipality.code] = social_teams[0]
        if municipality.code == case_manager_municipality:
            result.slots[SLOT_MAYOR] = gemeente_teams[0]
            result.slots[SLOT_POLICY] = gemeente_teams[1]
            result.slots[SLOT_SOCIAL_OWN] = social_teams[0]
        if municipality.code == outsider_municipality:
            result.slots[SLOT_SOCIAL_OUTSIDER] = social_teams[-1]

    regional: list[tuple[str, OrganisationType, list[str]]] = [
        (f"Jeugdzorg {REGION_SHORT}", OrganisationType.YOUTH_CARE, ["Ambulante jeugdhulp"]),
        (f"GGZ {REGION_SHORT}", OrganisationType.MENTAL_HEALTH, ["Wijk-GGZ"]),
        (f"Reclassering {REGION_SHORT}", OrganisationType.PROBATION, ["Toezicht en begeleiding"]),
        (
            f"Verslavingszorg {REGION_SHORT}",
            OrganisationType.ADDICTION_CARE,
            ["Ambulante behandeling"],
        ),
        (f"Veilige Opvang {REGION_SHORT}", OrganisationType.SHELTER, ["Opvang en wachtlijst"]),
        (f"Veiligheidshuis {REGION_SHORT}", OrganisationType.VEILIGHEIDSHUIS, ["Procesregie"]),
        (f"Woonstichting {REGION_SHORT}", OrganisationType.OTHER, ["Sociaal beheer"]),
    ]
    for name, org_type, team_names in regional:
        organisation, teams = build.organisation(name, org_type, everywhere, team_names)
        result.by_type.setdefault(org_type.value, organisation)
        if org_type == OrganisationType.SHELTER:
            result.slots[SLOT_SHELTER] = teams[0]

    local: list[tuple[str, OrganisationType, Municipality, list[str]]] = [
        ("Basisschool De Klaverweide", OrganisationType.SCHOOL, first, ["Zorgteam"]),
        (f"{REGION_SHORT} College", OrganisationType.SCHOOL, second, ["Zorg- en adviesteam"]),
        (f"Huisartsenpraktijk {first.name}", OrganisationType.GP_PRACTICE, first, ["Praktijk"]),
        (f"Gezondheidscentrum {second.name}", OrganisationType.GP_PRACTICE, second, ["Praktijk"]),
    ]
    for name, org_type, municipality, team_names in local:
        organisation, teams = build.organisation(name, org_type, [municipality], team_names)
        result.by_type.setdefault(org_type.value, organisation)
        if org_type == OrganisationType.SCHOOL:
            result.slots.setdefault(SLOT_SCHOOL, teams[0])

    result.organisations = len(build.organisations)
    result.teams = len(build.teams)
    return result
