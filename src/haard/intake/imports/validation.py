"""Columns and row checks of the police feed.

Each row is one person involved in one incident; rows with the same registration number form
the incident. A row is checked field by field and every problem is reported with the row
number and the column, so one pass over a file gives the whole error report. The fields of the
incident (when, where, what) must be the same on each of its rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from haard.intake.imports.codes import GENDER_CODES, INCIDENT_CODES, NO, ROLE_CODES, YES
from haard.intake.imports.dates import DateError, parse_date, parse_datetime
from haard.intake.imports.parsing import FORMULA_PREFIXES, Cell
from haard.registry.services import HouseNumber, parse_house_number
from haard.registry.validation import normalise_bsn, normalise_postcode

Fail = Callable[[str, "str | Promise"], None]

_REGISTRATION_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9./_-]*$")
_MUNICIPALITY_CODE = re.compile(r"^(?:GM)?(\d{1,4})$", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(slots=True)
class Problem:
    row: int
    field: str
    column: str
    message: str
    value: str = ""


@dataclass(slots=True)
class IncidentFields:
    registration_number: str
    occurred_at: datetime
    incident_code: str
    severity: int
    municipality_id: int
    postcode: str
    house_number: HouseNumber | None
    street: str
    town: str
    forwarded: bool
    reason_not_forwarded: str

    # The fields compared between rows of one incident, in the order they are reported.
    COMPARED = (
        "occurred_at",
        "incident_code",
        "municipality_code",
        "postcode",
        "house_number",
        "street",
        "town",
        "forwarded",
        "reason_not_forwarded",
    )

    def signature(self) -> tuple[object, ...]:
        return (
            self.occurred_at,
            self.incident_code,
            self.municipality_id,
            self.postcode,
            self.house_number,
            self.street.casefold(),
            self.town.casefold(),
            self.forwarded,
            self.reason_not_forwarded,
        )


@dataclass(slots=True)
class PersonFields:
    role: str
    bsn: str
    first_names: str
    surname_prefix: str
    surname: str
    birth_date: date | None
    gender: str


@dataclass(slots=True)
class ParsedRow:
    row: int
    incident: IncidentFields
    person: PersonFields


class RowChecker:
    """Checks rows of one file: `check(row, cells)` gives the parsed row or its problems."""

    def __init__(
        self,
        *,
        columns: dict[str, int],
        header: list[str],
        municipalities: dict[str, int],
        codes: dict[str, dict[str, str]] | None = None,
        now: datetime | None = None,
    ) -> None:
        self.columns = columns
        self.header = header
        self.municipalities = {code.upper(): pk for code, pk in municipalities.items()}
        codes = codes or {}
        self.incident_map = {
            k.strip().upper(): v.strip().upper() for k, v in codes.get("incident", {}).items()
        }
        self.role_map = {k.strip().upper(): v.strip().upper() for k, v in codes.get("role", {}).items()}
        self.now = now or timezone.now()
        self.today = timezone.localdate(self.now)
        self.zone = timezone.get_default_timezone()

    def _raw(self, cells: list[Cell], key: str) -> Cell:
        index = self.columns.get(key)
        if index is None or index >= len(cells):
            return None
        return cells[index]

    def check(self, row: int, cells: list[Cell]) -> tuple[ParsedRow | None, list[Problem]]:
        problems: list[Problem] = []
        raw = {key: self._raw(cells, key) for key in self.columns}

        def text(key: str, max_length: int) -> str:
            value = raw.get(key)
            if value is None:
                return ""
            if isinstance(value, (date, datetime)):
                value = value.isoformat()
            if value[:1] in FORMULA_PREFIXES or value.strip()[:1] in FORMULA_PREFIXES:
                fail(key, _("Starts like a spreadsheet formula (=, +, -, @ or a tab); not accepted."))
                return ""
            cleaned = " ".join(value.replace("\u00a0", " ").split())
            if _CONTROL.search(cleaned):
                fail(key, _("Holds control characters."))
                return ""
            if len(cleaned) > max_length:
                fail(key, _("Longer than %(max)s characters.") % {"max": max_length})
                return ""
            return cleaned

        def fail(key: str, message: str | Promise) -> None:
            if any(p.field == key for p in problems):
                return  # one message per field: the first says what is wrong
            value = raw.get(key)
            shown = value.isoformat() if isinstance(value, (date, datetime)) else (value or "")
            index = self.columns.get(key)
            column = self.header[index] if index is not None else key
            problems.append(Problem(row, key, column, str(message), str(shown)[:100]))

        registration_number = text("registration_number", 40)
        if not registration_number:
            if not problems:  # (a formula was reported already)
                fail("registration_number", _("A registration number is needed."))
        elif not _REGISTRATION_NUMBER.match(registration_number):
            fail("registration_number", _("Letters, digits, -, /, . and _ only."))

        occurred_at = self._moment(raw.get("occurred_at"), fail)
        incident_code, severity = self._incident_code(text("incident_code", 20), fail)
        municipality_id = self._municipality(text("municipality_code", 10), fail)
        postcode, house_number, street, town = self._address(
            text("postcode", 10), text("house_number", 12), text("street", 200), text("town", 120), fail
        )
        forwarded = self._yes_no(text("forwarded", 10), fail)
        reason = text("reason_not_forwarded", 200)

        role = self._role(text("role_code", 30), fail)
        bsn = self._bsn(text("bsn", 20), fail)
        first_names = text("first_names", 200)
        surname_prefix = text("surname_prefix", 20).lower()
        surname = text("surname", 200)
        if not surname and not any(p.field == "surname" for p in problems):
            fail("surname", _("A surname is needed."))
        birth_date = self._birth_date(raw.get("birth_date"), fail)
        gender = GENDER_CODES.get(text("gender", 10).upper())
        if gender is None:
            fail("gender", _("Use M, V or X."))

        if problems:
            return None, problems
        assert occurred_at is not None and municipality_id is not None and role and gender  # noqa: S101
        return (
            ParsedRow(
                row=row,
                incident=IncidentFields(
                    registration_number=registration_number.upper(),
                    occurred_at=occurred_at,
                    incident_code=incident_code,
                    severity=severity,
                    municipality_id=municipality_id,
                    postcode=postcode,
                    house_number=house_number,
                    street=street,
                    town=town,
                    forwarded=bool(forwarded),
                    reason_not_forwarded=reason,
                ),
                person=PersonFields(
                    role=role,
                    bsn=bsn,
                    first_names=first_names,
                    surname_prefix=surname_prefix,
                    surname=surname,
                    birth_date=birth_date,
                    gender=gender,
                ),
            ),
            [],
        )

    def registration_number(self, cells: list[Cell]) -> str:
        """The incident a row belongs to, even when the row has errors ('' when unreadable)."""
        value = self._raw(cells, "registration_number")
        text = value.strip().upper() if isinstance(value, str) else ""
        return text if _REGISTRATION_NUMBER.match(text) and len(text) <= 40 else ""

    def _moment(self, value: Cell, fail: Fail) -> datetime | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            fail("occurred_at", _("The date of the incident is needed."))
            return None
        try:
            naive = parse_datetime(value)
        except DateError as exc:
            fail("occurred_at", exc.message)
            return None
        moment = timezone.make_aware(naive, self.zone) if timezone.is_naive(naive) else naive
        if moment > self.now + timedelta(hours=1):
            fail("occurred_at", _("Lies in the future."))
            return None
        if moment.year < 1990:
            fail("occurred_at", _("Lies before 1990."))
            return None
        return moment

    def _incident_code(self, code: str, fail: Fail) -> tuple[str, int]:
        key = self.incident_map.get(code.upper(), code.upper())
        found = INCIDENT_CODES.get(key)
        if found is None:
            if not code:
                fail("incident_code", _("An incident code is needed."))
            else:
                fail("incident_code", _("Unknown incident code; see the code list in the import help."))
            return "", 0
        return key, int(found.severity)

    def _municipality(self, code: str, fail: Fail) -> int | None:
        match = _MUNICIPALITY_CODE.match(code)
        if not match:
            fail("municipality_code", _("A municipality code looks like GM0118."))
            return None
        normal = f"GM{int(match.group(1)):04d}"
        found = self.municipalities.get(normal)
        if found is None:
            fail("municipality_code", _("Unknown municipality code: not a municipality of this region."))
        return found

    def _address(
        self, postcode: str, number: str, street: str, town: str, fail: Fail
    ) -> tuple[str, HouseNumber | None, str, str]:
        if not (postcode or number or street or town):
            return "", None, "", ""
        clean_postcode, house_number = "", None
        if not postcode:
            fail("postcode", _("Needed with an address."))
        else:
            try:
                clean_postcode = normalise_postcode(postcode)
            except ValidationError as exc:
                fail("postcode", exc.messages[0])
        if not number:
            fail("house_number", _("Needed with an address."))
        else:
            try:
                house_number = parse_house_number(number)
            except ValidationError as exc:
                fail("house_number", exc.messages[0])
        if not street:
            fail("street", _("Needed with an address."))
        if not town:
            fail("town", _("Needed with an address."))
        return clean_postcode, house_number, street, town

    def _yes_no(self, value: str, fail: Fail) -> bool | None:
        upper = value.upper()
        if upper in YES:
            return True
        if upper in NO:
            return False
        fail("forwarded", _("Use ja or nee."))
        return None

    def _role(self, code: str, fail: Fail) -> str:
        key = self.role_map.get(code.upper(), code.upper())
        role = ROLE_CODES.get(key)
        if role is None:
            if not code:
                fail("role_code", _("A role code is needed."))
            else:
                fail("role_code", _("Unknown role code; see the code list in the import help."))
            return ""
        return str(role)

    def _bsn(self, value: str, fail: Fail) -> str:
        if not value:
            return ""
        try:
            return normalise_bsn(value)
        except ValidationError as exc:
            fail("bsn", exc.messages[0])
            return ""

    def _birth_date(self, value: Cell, fail: Fail) -> date | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        try:
            found = parse_date(value)
        except DateError as exc:
            fail("birth_date", exc.message)
            return None
        if found > self.today:
            fail("birth_date", _("A date of birth cannot lie in the future."))
            return None
        if found.year < 1900:
            fail("birth_date", _("Lies before 1900."))
            return None
        return found


@dataclass(slots=True)
class IncidentState:
    first_row: int
    rows: int = 0
    valid: bool = True
    signature: tuple[object, ...] | None = None


@dataclass
class IncidentTracker:
    """Groups rows into incidents by registration number and checks that the rows of one
    incident agree; an incident with one bad row is bad as a whole."""

    incidents: dict[str, IncidentState] = field(default_factory=dict)

    def add(
        self, registration_number: str, row: int, parsed: ParsedRow | None, header: dict[str, str]
    ) -> Problem | None:
        if not registration_number:
            return None
        state = self.incidents.get(registration_number)
        if state is None:
            state = self.incidents[registration_number] = IncidentState(first_row=row)
        state.rows += 1
        if parsed is None:
            state.valid = False
            return None
        signature = parsed.incident.signature()
        if state.signature is None:
            state.signature = signature
            return None
        if signature == state.signature:
            return None
        state.valid = False
        key = next(
            name
            for name, mine, theirs in zip(IncidentFields.COMPARED, signature, state.signature, strict=True)
            if mine != theirs
        )
        return Problem(
            row,
            key,
            header.get(key, key),
            str(
                _("Differs from row %(row)s of the same incident (%(number)s).")
                % {"row": state.first_row, "number": registration_number}
            ),
        )

    @property
    def valid_count(self) -> int:
        return sum(1 for state in self.incidents.values() if state.valid)

    @property
    def invalid_count(self) -> int:
        return sum(1 for state in self.incidents.values() if not state.valid)
