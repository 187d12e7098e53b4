"""Scoring of person records: Dutch name variants, typos, swapped fields, BSN rules."""

from __future__ import annotations

from datetime import date

import pytest

from haard.registry.matching import (
    MATCH_THRESHOLD,
    POSSIBLE_THRESHOLD,
    Band,
    PersonRecord,
    birth_date_variants,
    compare,
    compare_birth_dates,
    normalise,
    split_surname,
    surname_key,
)

BORN = date(1985, 3, 12)


def record(
    first: str = "Anna", surname: str = "Berg", prefix: str = "van den", **fields: object
) -> PersonRecord:
    fields.setdefault("birth_date", BORN)
    return PersonRecord(first_names=first, surname=surname, surname_prefix=prefix, **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("prefix", "surname"),
    [
        ("van den", "Berg"),
        ("", "van den Berg"),
        ("", "Van Den Berg"),
        ("", "Berg, van den"),
        ("", "Vd Berg"),
        ("", "v.d. Berg"),
        ("", "v/d Berg"),
        ("", "Vandenberg"),
        ("", "Berg"),
    ],
)
def test_every_way_of_writing_a_tussenvoegsel_gives_one_key(prefix: str, surname: str) -> None:
    assert surname_key(prefix, surname) == "berg"


@pytest.mark.parametrize(
    ("prefix", "surname", "expected"),
    [
        ("in 't", "Veld", ("in t", "veld")),
        ("", "In 't Veld", ("in t", "veld")),
        ("", "Intveld", ("int", "veld")),
        ("van 't", "Hof", ("van t", "hof")),
        ("", "Vanthof", ("vant", "hof")),
        ("ter", "Horst", ("ter", "horst")),
        ("", "Terhorst", ("ter", "horst")),
        ("ten", "Brink", ("ten", "brink")),
        ("", "'t Hart", ("t", "hart")),
        ("", "de", ("", "de")),  # a surname that is only a particle stays a surname
    ],
)
def test_tussenvoegsels_are_split_separate_or_glued(
    prefix: str, surname: str, expected: tuple[str, str]
) -> None:
    assert split_surname(prefix, surname) == expected


def test_diacritics_and_spelling_variants_share_a_key() -> None:
    assert normalise("Çelik-Ünal") == "celik unal"
    assert surname_key("", "Müller") == surname_key("", "Muller")
    assert surname_key("", "Meijer") == surname_key("", "Meyer")
    assert surname_key("", "Janssen") == surname_key("", "Jansen")
    assert surname_key("de", "Bruijn") == surname_key("", "De Bruyn")


def test_same_name_and_birth_date_is_a_match() -> None:
    result = compare(record(), record(first="Anna", surname="Berg, van den"))
    assert result.band == Band.MATCH
    assert result.score >= MATCH_THRESHOLD


@pytest.mark.parametrize(
    "other",
    [
        record(first="Änna", surname="Vandenberg", prefix=""),  # diacritic, glued tussenvoegsel
        record(first="Anna", surname="Berg", prefix="van der"),  # other tussenvoegsel
        record(first="Anna", surname="Berg", prefix=""),  # missing tussenvoegsel
        record(first="Anna", surname="Bergh"),  # surname typo
        record(first="Anan"),  # first name: two letters swapped
        record(first="Berg", surname="Anna", prefix=""),  # swapped first and last name
        record(first="van den Berg", surname="Anna", prefix=""),
    ],
)
def test_dutch_variants_and_typos_still_match(other: PersonRecord) -> None:
    result = compare(record(), other)
    assert result.band == Band.MATCH, result.reasons


@pytest.mark.parametrize(
    ("other", "level"),
    [
        (date(1985, 12, 3), "day_month_swapped"),
        (date(1985, 3, 13), "typo"),
        (date(1958, 3, 12), "typo"),  # two digits swapped
        (date(1995, 3, 12), "typo"),  # year off by ten
        (date(1984, 3, 12), "typo"),  # year off by one, one digit
        (date(1990, 3, 12), "different"),
    ],
)
def test_birth_date_typos_are_recognised(other: date, level: str) -> None:
    reason = compare_birth_dates(BORN, other)
    assert reason is not None and reason.level == level


def test_year_off_by_one_across_a_decade() -> None:
    reason = compare_birth_dates(date(2000, 5, 6), date(1999, 5, 6))
    assert reason is not None and reason.level == "year_off"


def test_a_birth_date_typo_alone_goes_to_review_but_the_same_address_confirms_it() -> None:
    typo = record(birth_date=date(1985, 3, 13))
    assert compare(record(), typo).band == Band.POSSIBLE
    at_home = dict(address_ids=frozenset({7}), postcodes=frozenset({"1234AB"}))
    assert compare(record(**at_home), record(birth_date=date(1985, 3, 13), **at_home)).band == Band.MATCH


def test_a_move_does_not_undo_a_clear_match() -> None:
    here = record(address_ids=frozenset({1}), postcodes=frozenset({"1234AB"}))
    there = record(address_ids=frozenset({2}), postcodes=frozenset({"9999ZZ"}))
    assert compare(here, there).band == Band.MATCH


def test_twins_are_not_linked() -> None:
    home = dict(address_ids=frozenset({7}), postcodes=frozenset({"1234AB"}))
    anna, eva = record(first="Anna", gender="f", **home), record(first="Eva", gender="f", **home)
    result = compare(anna, eva)
    assert result.band != Band.MATCH
    assert compare(record(first="Anna"), record(first="Eva")).band == Band.NO_MATCH


def test_parent_and_child_with_the_same_name_are_not_linked() -> None:
    assert compare(record(), record(birth_date=date(2012, 7, 1))).band == Band.NO_MATCH


def test_a_missing_birth_date_needs_review() -> None:
    assert compare(record(), record(birth_date=None)).band == Band.POSSIBLE


def test_different_people_sharing_a_birth_date_do_not_match() -> None:
    result = compare(record(), record(first="Piet", surname="Jansen", prefix=""))
    assert result.band == Band.NO_MATCH
    assert result.score < POSSIBLE_THRESHOLD


def test_equal_bsn_wins_outright() -> None:
    result = compare(record(bsn_hash="h1"), record(first="Piet", surname="Jansen", prefix="", bsn_hash="h1"))
    assert result.band == Band.MATCH
    assert result.score == 1.0


def test_a_bsn_conflict_rules_a_match_out() -> None:
    result = compare(record(bsn_hash="h1"), record(bsn_hash="h2"))
    assert result.band == Band.NO_MATCH
    assert result.score == 0.0


def test_one_missing_bsn_is_neutral() -> None:
    assert compare(record(bsn_hash="h1"), record()).band == Band.MATCH


def test_reasons_say_why() -> None:
    result = compare(record(), record(first="Berg", surname="Anna", prefix=""))
    fields = {r["field"]: r["level"] for r in result.reasons_json()}
    assert fields["names"] == "swapped"
    assert fields["birth_date"] == "exact"


def test_birth_date_variants_cover_the_typos_and_nothing_in_the_future() -> None:
    variants = birth_date_variants(BORN, today=date(2026, 1, 1))
    assert {
        date(1985, 12, 3),
        date(1985, 3, 13),
        date(1958, 3, 12),
        date(1995, 3, 12),
        date(1984, 3, 12),
    } <= variants
    assert BORN not in variants
    assert all(v <= date(2026, 1, 2) for v in variants)
    assert date(2000, 5, 6) not in variants
    assert date(1999, 5, 6) in birth_date_variants(date(2000, 5, 6))
