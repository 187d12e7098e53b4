"""Columns and row checks: each problem names the row and the field. No database needed."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from haard.intake.imports.columns import resolve_columns
from haard.intake.imports.parsing import FileError
from haard.intake.imports.validation import IncidentTracker, Problem, RowChecker
from tests.intake_import.helpers import HEADER, MUNICIPALITY_CODE, incident_rows

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def checker(header: list[str] | None = None, **options: Any) -> RowChecker:
    header = header or HEADER
    return RowChecker(
        columns=resolve_columns(header, options.pop("mapping", None)),
        header=header,
        municipalities={MUNICIPALITY_CODE: 1},
        now=NOW,
        **options,
    )


def check(**changes: str) -> tuple[Any, list[Problem]]:
    row = {**incident_rows("PL-1")[0], **changes}
    return checker().check(7, [row.get(column, "") for column in HEADER])


def problems(**changes: str) -> list[tuple[int, str, str, str]]:
    parsed, found = check(**changes)
    assert parsed is None
    return [(p.row, p.field, p.message, p.value) for p in found]


def test_a_good_row() -> None:
    parsed, found = check()
    assert found == []
    assert parsed.row == 7
    assert parsed.incident.registration_number == "PL-1"
    assert parsed.incident.postcode == "7901AB"
    assert parsed.incident.municipality_id == 1
    assert parsed.incident.severity == 3
    assert parsed.incident.forwarded is False
    assert parsed.person.role == "victim"
    assert parsed.person.surname_prefix == "van der"
    assert parsed.person.birth_date == date(1985, 4, 2)


def test_missing_columns_are_named() -> None:
    header = [h for h in HEADER if h not in ("achternaam", "rol")]
    with pytest.raises(FileError) as error:
        resolve_columns(header)
    assert str(error.value.message) == (
        "These columns are missing: rol, achternaam. See the list of columns in the import help."
    )


def test_headers_are_matched_loosely_and_in_english_too() -> None:
    header = ["Registratie nummer", "DATUM-INCIDENT", "incident_code", "Gemeentecode", "Rol", "surname"]
    columns = resolve_columns(header)
    assert columns == {
        "registration_number": 0,
        "occurred_at": 1,
        "incident_code": 2,
        "municipality_code": 3,
        "role_code": 4,
        "surname": 5,
    }


def test_a_doubled_column_is_refused() -> None:
    with pytest.raises(FileError) as error:
        resolve_columns([*HEADER, "Achternaam"])
    assert str(error.value.message) == "The column achternaam appears twice."


def test_an_invalid_bsn() -> None:
    assert problems(bsn="123456789") == [(7, "bsn", "This BSN does not pass the 11-check.", "123456789")]
    assert problems(bsn="12345") == [(7, "bsn", "This BSN does not pass the 11-check.", "12345")]
    assert problems(bsn="1234567890") == [(7, "bsn", "A BSN has 9 digits.", "1234567890")]
    assert problems(bsn="abc") == [(7, "bsn", "A BSN consists of digits only.", "abc")]


def test_an_impossible_date() -> None:
    assert problems(geboortedatum="31-02-2026") == [
        (7, "birth_date", "31-02-2026 is not a date that exists.", "31-02-2026")
    ]
    assert problems(datum_incident="31-02-2026 10:00") == [
        (7, "occurred_at", "31-02-2026 is not a date that exists.", "31-02-2026 10:00")
    ]


def test_dates_in_the_future() -> None:
    assert problems(datum_incident="01-01-2027") == [(7, "occurred_at", "Lies in the future.", "01-01-2027")]
    assert problems(geboortedatum="2026-12-01") == [
        (7, "birth_date", "A date of birth cannot lie in the future.", "2026-12-01")
    ]


def test_unknown_codes() -> None:
    assert problems(incidentcode="E38", rol="XX", gemeentecode="GM9999") == [
        (7, "incident_code", "Unknown incident code; see the code list in the import help.", "E38"),
        (7, "municipality_code", "Unknown municipality code: not a municipality of this region.", "GM9999"),
        (7, "role_code", "Unknown role code; see the code list in the import help.", "XX"),
    ]
    assert problems(gemeentecode="Hoogeveen")[0][2] == "A municipality code looks like GM0118."


def test_codes_are_read_without_regard_to_case_and_short_municipality_codes_are_padded() -> None:
    parsed, found = check(incidentcode="hg-seks", rol="vd", gemeentecode="118", geslacht="m")
    assert found == []
    assert (parsed.incident.incident_code, parsed.incident.severity) == ("HG-SEKS", 4)
    assert parsed.person.role == "suspect"
    assert parsed.person.gender == "m"


def test_a_postcode_and_an_incomplete_address() -> None:
    assert problems(postcode="0123 AB") == [(7, "postcode", "A postcode looks like 1234 AB.", "0123 AB")]
    assert problems(straat="", huisnummer="") == [
        (7, "house_number", "Needed with an address.", ""),
        (7, "street", "Needed with an address.", ""),
    ]


def test_no_address_at_all_is_allowed() -> None:
    parsed, found = check(postcode="", huisnummer="", straat="", woonplaats="")
    assert found == []
    assert parsed.incident.house_number is None


@pytest.mark.parametrize(
    "payload",
    ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1+1", "\r=1+1", '=HYPERLINK("http://x","y")'],
)
def test_formula_injection_is_refused_as_text_never_evaluated(payload: str) -> None:
    found = problems(achternaam=payload, voornamen=payload, straat=payload, reden_niet_doorgezet=payload)
    fields = [field for _row, field, _message, _value in found]
    assert fields == ["street", "reason_not_forwarded", "first_names", "surname"]
    assert all(
        message == "Starts like a spreadsheet formula (=, +, -, @ or a tab); not accepted."
        for _r, _f, message, _v in found
    )
    assert found[-1][3] == payload[:100]  # the value as it was, for the error report


def test_a_formula_in_a_coded_field_fails_its_format() -> None:
    assert problems(bsn="=1+1")[0][1:3] == (
        "bsn",
        "Starts like a spreadsheet formula (=, +, -, @ or a tab); not accepted.",
    )
    assert problems(registratienummer="=1+1")[0][1] == "registration_number"


def test_every_field_is_reported_once() -> None:
    found = problems(
        registratienummer="",
        datum_incident="",
        geboortedatum="32-01-2000",
        bsn="111111111",
        achternaam="",
        geslacht="Q",
        doorgezet_veilig_thuis="misschien",
    )
    assert [field for _row, field, _m, _v in found] == [
        "registration_number",
        "occurred_at",
        "forwarded",
        "bsn",
        "surname",
        "birth_date",
        "gender",
    ]


def test_long_and_controlled_values() -> None:
    assert problems(achternaam="x" * 201)[0][1:3] == ("surname", "Longer than 200 characters.")
    assert problems(achternaam="Jan\x07sen")[0][1:3] == ("surname", "Holds control characters.")


def test_the_registration_number_of_a_bad_row_still_groups_it() -> None:
    row = {**incident_rows("PL-1")[0], "bsn": "123"}
    assert checker().registration_number([row.get(c, "") for c in HEADER]) == "PL-1"


def test_a_mapping_renames_columns_and_codes() -> None:
    header = ["BVH", *HEADER[1:]]
    check_ = checker(header, mapping={"registration_number": "BVH"}, codes={"role": {"S": "SL"}})
    row = {**incident_rows("PL-1")[0], "BVH": "PL-9", "rol": "s"}
    parsed, found = check_.check(2, [row.get(c, "") for c in header])
    assert found == []
    assert (parsed.incident.registration_number, parsed.person.role) == ("PL-9", "victim")


def test_rows_of_one_incident_must_agree() -> None:
    tracker = IncidentTracker()
    first, second = incident_rows("PL-1")
    second = {**second, "straat": "Kerkstraat"}
    parsed = [checker().check(n, [row.get(c, "") for c in HEADER])[0] for n, row in ((2, first), (3, second))]
    assert tracker.add("PL-1", 2, parsed[0], {"street": "straat"}) is None
    problem = tracker.add("PL-1", 3, parsed[1], {"street": "straat"})
    assert problem == Problem(3, "street", "straat", "Differs from row 2 of the same incident (PL-1).")
    assert (tracker.valid_count, tracker.invalid_count) == (0, 1)
