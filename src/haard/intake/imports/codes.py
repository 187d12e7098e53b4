"""The code lists of the police feed (documented in docs/police-import.md).

Codes are compared without regard to case. A police organisation whose export uses other codes
gets a saved mapping of its codes onto these (`ColumnMapping.codes`)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from haard.intake.models import InvolvementRole, Severity
from haard.registry.models import Gender


@dataclass(frozen=True)
class IncidentCode:
    label: str | Promise
    severity: Severity


# The severity of an incident follows from its code: the colour the address view shows.
INCIDENT_CODES: dict[str, IncidentCode] = {
    "HG-RUZIE": IncidentCode(_("domestic dispute without violence"), Severity.GREEN),
    "HG-PSY": IncidentCode(_("psychological violence or threats"), Severity.YELLOW),
    "HG-FYS": IncidentCode(_("physical violence"), Severity.ORANGE),
    "HG-STALK": IncidentCode(_("stalking (belaging)"), Severity.ORANGE),
    "HG-OUD": IncidentCode(_("elder abuse"), Severity.ORANGE),
    "HG-SEKS": IncidentCode(_("sexual violence"), Severity.RED),
    "HG-DREIG": IncidentCode(_("threat with a weapon"), Severity.RED),
    "HG-EER": IncidentCode(_("honour-related violence"), Severity.RED),
    "HG-HUISV": IncidentCode(_("breach of a restraining order"), Severity.RED),
    "KM-VERW": IncidentCode(_("child neglect"), Severity.ORANGE),
    "KM-GETUIGE": IncidentCode(_("child witnessing domestic violence"), Severity.ORANGE),
    "KM-FYS": IncidentCode(_("physical child abuse"), Severity.RED),
}

ROLE_CODES: dict[str, InvolvementRole] = {
    "SL": InvolvementRole.VICTIM,
    "VD": InvolvementRole.SUSPECT,
    "KH": InvolvementRole.CHILD_IN_HOUSEHOLD,
    "KG": InvolvementRole.CHILD_WITNESS,
    "HG": InvolvementRole.HOUSEHOLD_MEMBER,
    "OV": InvolvementRole.OTHER,
    # The words themselves, as some exports write them.
    "SLACHTOFFER": InvolvementRole.VICTIM,
    "VERDACHTE": InvolvementRole.SUSPECT,
    "KIND IN HUISHOUDEN": InvolvementRole.CHILD_IN_HOUSEHOLD,
    "KIND GETUIGE": InvolvementRole.CHILD_WITNESS,
    "HUISGENOOT": InvolvementRole.HOUSEHOLD_MEMBER,
    "OVERIG": InvolvementRole.OTHER,
}

GENDER_CODES: dict[str, str] = {
    "M": Gender.MALE,
    "MAN": Gender.MALE,
    "V": Gender.FEMALE,
    "VROUW": Gender.FEMALE,
    "F": Gender.FEMALE,
    "X": Gender.OTHER,
    "O": Gender.OTHER,
    "ONBEKEND": Gender.OTHER,
    "": Gender.OTHER,
}

YES = frozenset({"JA", "J", "YES", "Y", "1", "TRUE", "WAAR"})
NO = frozenset({"NEE", "N", "NO", "0", "FALSE", "ONWAAR", ""})
