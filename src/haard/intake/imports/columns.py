"""The columns of the police export, and finding them in a file's header (after the source's
saved mapping)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from haard.intake.imports.parsing import FileError


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the header in the documented export
    label: str | Promise
    required: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("registration_number", "registratienummer", _("registration number"), required=True),
    Column("occurred_at", "datum_incident", _("occurred at"), required=True),
    Column("incident_code", "incidentcode", _("incident code"), required=True),
    Column("municipality_code", "gemeentecode", _("municipality code"), required=True),
    Column("postcode", "postcode", _("postcode")),
    Column("house_number", "huisnummer", _("house number")),
    Column("street", "straat", _("street")),
    Column("town", "woonplaats", _("town")),
    Column("forwarded", "doorgezet_veilig_thuis", _("forwarded to Veilig Thuis")),
    Column("reason_not_forwarded", "reden_niet_doorgezet", _("reason not forwarded")),
    Column("role_code", "rol", _("role"), required=True),
    Column("bsn", "bsn", _("BSN")),
    Column("first_names", "voornamen", _("first names")),
    Column("surname_prefix", "tussenvoegsel", _("tussenvoegsel")),
    Column("surname", "achternaam", _("surname"), required=True),
    Column("birth_date", "geboortedatum", _("date of birth")),
    Column("gender", "geslacht", _("gender")),
)
COLUMN_KEYS = frozenset(column.key for column in COLUMNS)


def _normal_header(text: str) -> str:
    return re.sub(r"[\s_\-.]+", "", text.strip().lower())


def resolve_columns(header: list[str], mapping: dict[str, str] | None = None) -> dict[str, int]:
    """The position of each known column in `header`, after the source's saved mapping
    ({field key: header in their file}); FileError names the missing or doubled columns."""
    mapping = mapping or {}
    positions: dict[str, int] = {}
    doubled: set[str] = set()
    for index, text in enumerate(header):
        name = _normal_header(text)
        if not name:
            continue
        if name in positions:
            doubled.add(name)
        positions.setdefault(name, index)
    found: dict[str, int] = {}
    missing: list[str] = []
    for column in COLUMNS:
        candidates = [mapping[column.key]] if mapping.get(column.key) else [column.header, column.key]
        at = next((positions[_normal_header(c)] for c in candidates if _normal_header(c) in positions), None)
        if at is None:
            if column.required:
                missing.append(candidates[0])
            continue
        if _normal_header(header[at]) in doubled:
            raise FileError(_("The column %(column)s appears twice.") % {"column": header[at]})
        found[column.key] = at
    if missing:
        raise FileError(
            _("These columns are missing: %(columns)s. See the list of columns in the import help.")
            % {"columns": ", ".join(missing)}
        )
    return found
