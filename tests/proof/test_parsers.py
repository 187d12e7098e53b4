"""Property tests (Hypothesis) for the parsers that read what people and police exports type:
BSN, postcode, house number, Dutch dates and import rows. For any input a parser either gives
a well-formed value or refuses with the error meant for the user; nothing else escapes.
Deterministic (derandomize) and bounded, so the test command stays repeatable."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.nl import bsn as stdnum_bsn

from haard.intake.imports.columns import resolve_columns
from haard.intake.imports.dates import DateError, parse_date, parse_datetime
from haard.intake.imports.validation import RowChecker
from haard.registry.services import HouseNumber, parse_house_number
from haard.registry.validation import normalise_bsn, normalise_postcode
from tests.intake_import.helpers import HEADER, MUNICIPALITY_CODE, incident_rows

settings.register_profile("proof", max_examples=200, derandomize=True, database=None, deadline=None)
settings.load_profile("proof")

# What people and exports type: digits, letters, separators, spaces of every kind, and the odd
# character from anywhere in Unicode.
typed = st.text(
    alphabet=st.one_of(
        st.sampled_from("0123456789"),
        st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"),
        st.sampled_from(" -./:\t\u00a0\u2009_,;+=@'\"\n"),
        st.characters(),
    ),
    max_size=30,
)


def _bsn_with_check_digit(first_eight: str) -> str | None:
    """The valid BSN with these first eight digits, if one exists (11-check)."""
    for last in "0123456789":
        candidate = first_eight + last
        if stdnum_bsn.is_valid(candidate):
            return candidate
    return None


@given(st.text(alphabet="0123456789", min_size=8, max_size=8), st.sampled_from(["", " ", ".", "-"]))
def test_a_valid_bsn_is_read_however_it_is_grouped(first_eight: str, separator: str) -> None:
    bsn = _bsn_with_check_digit(first_eight)
    if bsn is None or int(bsn) == 0:
        return
    grouped = separator.join([bsn[:4], bsn[4:6], bsn[6:]])
    assert normalise_bsn(grouped) == bsn


@given(st.text(alphabet="0123456789", min_size=8, max_size=8), st.integers(0, 8), st.integers(1, 9))
def test_one_wrong_digit_fails_the_eleven_check(first_eight: str, position: int, shift: int) -> None:
    bsn = _bsn_with_check_digit(first_eight)
    if bsn is None:
        return
    wrong = bsn[:position] + str((int(bsn[position]) + shift) % 10) + bsn[position + 1 :]
    try:
        normalise_bsn(wrong)
    except ValidationError as error:
        assert error.code == "bsn_checksum"
    else:
        raise AssertionError(f"{wrong} (from {bsn}) passed the 11-check")


@given(typed)
def test_any_bsn_input_is_nine_checked_digits_or_a_named_error(value: str) -> None:
    try:
        result = normalise_bsn(value)
    except ValidationError as error:
        assert error.code in ("bsn_digits", "bsn_length", "bsn_checksum")
        return
    assert len(result) == 9 and result.isdigit() and stdnum_bsn.is_valid(result)


postcode_letters = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=2).filter(
    lambda letters: letters not in ("SA", "SD", "SS")  # not issued (stdnum refuses them)
)


@given(
    st.integers(1000, 9999),
    postcode_letters,
    st.sampled_from(["", " ", "  "]),
    st.booleans(),
    st.sampled_from(["", " "]),
)
def test_a_postcode_is_read_however_it_is_typed(
    digits: int, letters: str, gap: str, lower: bool, edge: str
) -> None:
    typed_letters = letters.lower() if lower else letters
    result = normalise_postcode(f"{edge}{digits}{gap}{typed_letters}{edge}")
    assert result == f"{digits}{letters}"
    assert normalise_postcode(result) == result


@given(typed)
def test_any_postcode_input_is_a_postcode_or_a_named_error(value: str) -> None:
    try:
        result = normalise_postcode(value)
    except ValidationError as error:
        assert error.code in ("postcode_format", "postcode_invalid")
        return
    assert len(result) == 6 and result[:4].isdigit() and result[0] != "0"
    assert result[4:].isascii() and result[4:].isupper() and result[4:].isalpha()


@given(
    st.integers(1, 99999),
    st.sampled_from(["", "a", "B", "z"]),
    st.sampled_from(["", " ", "-"]),
    st.sampled_from(["", "2", "bis", "H", "1A"]),
    st.sampled_from([" ", "-", " / "]),
)
def test_a_house_number_is_read_however_it_is_typed(
    number: int, letter: str, before_letter: str, addition: str, before_addition: str
) -> None:
    text = f"{number}{before_letter}{letter}" + (f"{before_addition}{addition}" if addition else "")
    expected = HouseNumber(number, letter.upper(), addition.upper())
    if not letter and len(addition) == 1 and addition.isalpha():
        return  # "12 H", "12-H": a lone letter is read as the house letter, the documented reading
    assert parse_house_number(text) == expected


@given(typed)
def test_any_house_number_input_is_well_formed_or_a_named_error(value: str) -> None:
    try:
        result = parse_house_number(value)
    except ValidationError as error:
        assert error.code == "house_number"
        return
    assert 1 <= result.number <= 99999
    assert result.letter == "" or (len(result.letter) == 1 and result.letter.isupper())
    assert len(result.addition) <= 4 and result.addition == result.addition.upper()
    assert str(result.number) in value


dates = st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31))


@given(dates, st.sampled_from(["%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y-%m-%d", "short"]))
def test_a_dutch_date_is_read_in_every_format_the_exports_use(day: date, pattern: str) -> None:
    text = f"{day.day}-{day.month}-{day.year:04d}" if pattern == "short" else day.strftime(pattern)
    if day.year < 1000:
        return
    assert parse_date(text) == day


@given(dates, st.times(), st.booleans())
def test_a_date_with_a_time_is_read(day: date, moment: time, seconds: bool) -> None:
    clock = moment.strftime("%H:%M:%S" if seconds else "%H:%M")
    expected = datetime.combine(day, moment.replace(microsecond=0, second=moment.second if seconds else 0))
    assert parse_datetime(f"{day:%d-%m-%Y} {clock}") == expected
    assert parse_datetime(f"{day:%Y-%m-%d}T{clock}") == expected


@given(typed)
def test_any_date_input_is_a_date_or_a_date_error(value: str) -> None:
    for parse in (parse_date, parse_datetime):
        try:
            parse(value)
        except DateError as error:
            assert str(error.message)


def test_a_day_that_does_not_exist_is_named() -> None:
    for text in ("31-02-2024", "29-02-2023", "00-01-2024", "2024-13-01"):
        try:
            parse_date(text)
        except DateError:
            continue
        raise AssertionError(f"{text} was read as a date")


NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
CHECKER = RowChecker(
    columns=resolve_columns(HEADER), header=HEADER, municipalities={MUNICIPALITY_CODE: 1}, now=NOW
)
GOOD_ROW = incident_rows("PL-1")[0]
cells = st.one_of(
    typed,
    st.none(),
    st.dates(),
    st.datetimes(),
    st.sampled_from(["=cmd|' /C calc'!A0", "+31", "@SUM(A1)", "\t1", "-1"]),
)


@given(st.sampled_from(HEADER), cells)
def test_one_changed_cell_gives_a_row_or_problems_about_that_cell(column: str, value: object) -> None:
    row = [GOOD_ROW.get(name, "") for name in HEADER]
    row[HEADER.index(column)] = value  # type: ignore[call-overload]
    parsed, problems = CHECKER.check(9, row)
    if parsed is None:
        assert problems, "a refused row names its problems"
        assert {problem.row for problem in problems} == {9}
        # The changed cell explains the refusal (an address cell may make its siblings needed).
        assert {problem.column for problem in problems} & {column, "postcode", "huisnummer", "straat"}
        assert all(len(problem.value) <= 100 for problem in problems)
    else:
        assert problems == []
    if isinstance(value, str) and value[:1] in ("=", "+", "@", "\t"):
        assert parsed is None, "a formula in a cell is never imported"


@given(st.lists(cells, min_size=0, max_size=len(HEADER) + 3))
def test_any_row_gives_a_row_or_problems(row: list[object]) -> None:
    parsed, problems = CHECKER.check(3, row)  # type: ignore[arg-type]
    assert (parsed is None) == bool(problems)
