"""Precision, recall and speed of person linking on a labelled synthetic set.

    uv run python -W ignore bench/linking.py --people 100000 --queries 100000 --mode memory
    uv run python -W ignore bench/linking.py --people 100000 --queries 10000 --mode db
    uv run python -W ignore bench/linking.py --people 100000 --queries 10000 --mode db \\
        --database-url postgres://postgres@127.0.0.1:5432/haard_bench_linking

A register of `--people` people is generated from the demo name lists (households at
addresses, children with the family name, twins, a second first name for some, BSNs from the
RvIG test block for the 909 that exist). Then `--queries` incoming records, half of them
another sighting of a registered person with realistic errors (typos, day and month swapped,
a digit wrong, year off by 1 or 10, a missing or other tussenvoegsel, a glued or comma-written
tussenvoegsel, diacritics, swapped first and last name, a missing BSN or birth date, a moved
address), half someone new (strangers, namesakes, twins and siblings of registered people).
Every query carries its truth: the registered person it describes, or nobody.

Modes:
- `memory`: the scorer (`registry.matching.compare`) with the same blocks as
  `registry.linking.candidate_ids`, on dictionaries: the matching quality, and its speed
  without a database.
- `db`: `registry.linking.resolve_person` itself on a fresh database (SQLite in a temporary
  directory by default; PostgreSQL with --database-url, whose name must start with
  haard_bench), each query in a transaction that is rolled back, so queries do not see each
  other. The register is analysed (ANALYZE) after loading, as autovacuum would. This times the
  whole service: blocking queries, scoring, writes.

Prints precision, recall and F1 for the automatic links ("match") and for automatic links plus
review items ("match" + "possible"), recall per kind of error, and the time.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

TODAY = date(2026, 1, 1)


@dataclass(frozen=True)
class Sighting:
    """One person as a source describes them; `address` is an index into the address list."""

    first_names: str
    surname_prefix: str
    surname: str
    birth_date: date | None
    gender: str
    bsn: str = ""
    address: int | None = None


@dataclass
class Population:
    people: list[Sighting] = field(default_factory=list)
    addresses: list[tuple[str, int]] = field(default_factory=list)  # (postcode, house number)
    households: list[list[int]] = field(default_factory=list)  # people per address index


@dataclass(frozen=True)
class Query:
    sighting: Sighting
    truth: int | None  # index into population.people
    kind: str  # the error applied, or the kind of newcomer


def _test_bsns() -> list[str]:
    from stdnum.nl import bsn

    return [str(n) for n in range(999990000, 1000000000) if bsn.is_valid(str(n))]


def _postcode(rng: random.Random) -> str:
    letters = "ABCDEFGHJKLMNPRTVWXZ"
    while True:
        pair = rng.choice(letters) + rng.choice(letters)
        if pair not in ("SA", "SD", "SS"):
            return f"{rng.randint(1000, 9999)}{pair}"


class PopulationBuilder:
    def __init__(self, rng: random.Random) -> None:
        from haard.demo import names

        self.rng = rng
        self.names = names
        self.population = Population()
        self.postcodes: list[str] = []
        self.used: set[tuple[str, int]] = set()

    def surname(self) -> tuple[str, str]:
        if self.rng.random() < 0.30:
            return self.rng.choice(self.names.PREFIXED_SURNAMES)
        return "", self.rng.choice(self.names.PLAIN_SURNAMES)

    def first_names(self, gender: str) -> str:
        pool = self.names.FEMALE_FIRST_NAMES if gender == "f" else self.names.MALE_FIRST_NAMES
        first = self.rng.choice(pool)
        if self.rng.random() < 0.30:
            second = self.rng.choice(pool)
            if second != first:
                return f"{first} {second}"
        return first

    def birth_date(self, age: int) -> date:
        return TODAY - timedelta(days=age * 365 + self.rng.randrange(365))

    def new_address(self) -> int:
        # About 25 addresses per postcode, as in a Dutch street.
        if not self.postcodes or self.rng.random() < 0.04:
            self.postcodes.append(_postcode(self.rng))
        while True:
            key = (self.rng.choice(self.postcodes[-50:]), self.rng.randint(1, 120))
            if key not in self.used:
                self.used.add(key)
                self.population.addresses.append(key)
                self.population.households.append([])
                return len(self.population.addresses) - 1

    def person(
        self, *, age: int, surname: tuple[str, str], address: int, gender: str | None = None
    ) -> Sighting:
        gender = gender or self.rng.choice("fm")
        return Sighting(
            first_names=self.first_names(gender),
            surname_prefix=surname[0],
            surname=surname[1],
            birth_date=self.birth_date(age),
            gender=gender,
            address=address,
        )

    def add(self, sighting: Sighting) -> int:
        self.population.people.append(sighting)
        index = len(self.population.people) - 1
        if sighting.address is not None:
            self.population.households[sighting.address].append(index)
        return index

    def household(self) -> None:
        rng = self.rng
        address = self.new_address()
        family = self.surname()
        kind = rng.choices(("single", "couple", "family", "single_parent"), weights=(28, 22, 33, 17))[0]
        if kind == "single":
            self.add(self.person(age=rng.randint(18, 90), surname=family, address=address))
            return
        age = rng.randint(22, 55) if kind != "couple" else rng.randint(19, 88)
        self.add(self.person(age=age, surname=family, address=address))
        if kind in ("couple", "family"):
            partner = family if rng.random() < 0.3 else self.surname()
            self.add(self.person(age=max(19, age + rng.randint(-6, 6)), surname=partner, address=address))
        if kind in ("family", "single_parent"):
            children = rng.choices((1, 2, 3, 4), weights=(35, 40, 18, 7))[0]
            previous: Sighting | None = None
            for _ in range(children):
                child = self.person(
                    age=rng.randint(0, max(0, min(17, age - 18))), surname=family, address=address
                )
                if previous is not None and rng.random() < 0.03:
                    child = replace(child, birth_date=previous.birth_date)  # twins
                self.add(child)
                previous = child

    def build(self, size: int) -> Population:
        while len(self.population.people) < size:
            self.household()
        del self.population.people[size:]
        self.population.households = [[i for i in h if i < size] for h in self.population.households]
        bsns = _test_bsns()
        chosen = self.rng.sample(range(size), min(len(bsns), size))
        for index, bsn in zip(chosen, bsns, strict=False):
            self.population.people[index] = replace(self.population.people[index], bsn=bsn)
        return self.population


# Realistic errors. Each takes (rng, sighting, builder) and returns the changed sighting, or
# None when it does not apply to this person.

_LETTERS = "abcdefghijklmnoprstuvwz"
_DIACRITICS = {"e": "ë", "o": "ö", "u": "ü", "i": "ï", "a": "á", "c": "ç"}


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 3:
        return word + rng.choice(_LETTERS)
    i = rng.randrange(1, len(word))
    kind = rng.choice(("substitute", "insert", "delete", "transpose"))
    if kind == "substitute":
        return word[:i] + rng.choice(_LETTERS) + word[i + 1 :]
    if kind == "insert":
        return word[:i] + rng.choice(_LETTERS) + word[i:]
    if kind == "delete":
        return word[:i] + word[i + 1 :]
    i = min(i, len(word) - 2)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def _valid(year: int, month: int, day: int) -> date | None:
    try:
        value = date(year, month, day)
    except ValueError:
        return None
    return value if value <= TODAY else None


def err_typo_first(rng: random.Random, s: Sighting, b: Any) -> Sighting | None:
    parts = s.first_names.split()
    parts[0] = _typo(rng, parts[0])
    return replace(s, first_names=" ".join(parts))


def err_typo_surname(rng: random.Random, s: Sighting, b: Any) -> Sighting | None:
    return replace(s, surname=_typo(rng, s.surname))


def err_day_month(rng: random.Random, s: Sighting, b: Any) -> Sighting | None:
    d = s.birth_date
    if d is None or d.day > 12 or d.day == d.month:
        return None
    swapped = _valid(d.year, d.day, d.month)
    return replace(s, birth_date=swapped) if swapped else None


def err_date_digit(rng: random.Random, s: Sighting, b: Any) -> Sighting | None:
    d = s.birth_date
    if d is None:
        return None
    digits = f"{d.year:04d}{d.month:02d}{d.day:02d}"
    for _ in range(20):
        i = rng.randrange(2, 8)
        text = digits[:i] + rng.choice("0123456789".replace(digits[i], "")) + digits[i + 1 :]
        changed = _valid(int(text[:4]), int(text[4:6]), int(text[6:]))
        if changed:
            return replace(s, birth_date=changed)
    return None


def err_year_off(rng: random.Random, s: Sighting, b: Any) -> Sighting | None:
    d = s.birth_date
    if d is None:
        return None
    changed = _valid(d.year + rng.choice((-10, -1, 1, 10)), d.month, d.day)
    return replace(s, birth_date=changed) if changed else None


def err_missing_prefix(rng: random.Random, s: Sighting, b: Any) -> Sighting | None:
    return replace(s, surname_prefix="") if s.surname_prefix else None


_OTHER_PREFIX = {
    "van der": "van den",
    "van den": "van der",
    "de": "van",
    "van": "de",
    "ter": "ten",
    "ten": "ter",
}


def err_other_prefix(rng: random.Random, s: Sighting, b: Any) -> Sighting | None:
    other = _OTHER_PREFIX.get(s.surname_prefix)
    return replace(s, surname_prefix=other) if other else None


def err_written_prefix(rng: random.Random, s: Sighting, b: Any) -> Sighting | None:
    if not s.surname_prefix:
        return None
    prefix = s.surname_prefix
    forms = [
        f"{prefix.title().replace(' ', '')}{s.surname.lower()}",  # Vandenberg
        f"{s.surname}, {prefix}",  # Berg, van den
        f"{prefix.title()} {s.surname}",  # Van Den Berg
    ]
    if prefix in ("van der", "van den", "van de"):
        forms.append(f"v.d. {s.surname}")
    return replace(s, surname_prefix="", surname=rng.choice(forms))


def err_diacritics(rng: random.Random, s: Sighting, b: Any) -> Sighting | None:
    def accent(word: str) -> str:
        spots = [i for i, c in enumerate(word) if c in _DIACRITICS]
        if not spots:
            return word
        i = rng.choice(spots)
        return word[:i] + _DIACRITICS[word[i]] + word[i + 1 :]

    if rng.random() < 0.5:
        return replace(s, first_names=accent(s.first_names))
    return replace(s, surname=accent(s.surname))


def err_swapped_names(rng: random.Random, s: Sighting, b: Any) -> Sighting | None:
    surname = " ".join(p for p in (s.surname_prefix, s.surname) if p)
    return replace(s, first_names=surname, surname=s.first_names.split()[0], surname_prefix="")


def err_first_name_only(rng: random.Random, s: Sighting, b: Any) -> Sighting | None:
    parts = s.first_names.split()
    return replace(s, first_names=parts[0]) if len(parts) > 1 else None


def err_missing_birth_date(rng: random.Random, s: Sighting, b: Any) -> Sighting | None:
    return replace(s, birth_date=None)


def err_moved(rng: random.Random, s: Sighting, b: Any) -> Sighting | None:
    return replace(s, address=b.new_address())


ERRORS: dict[str, tuple[Callable[[random.Random, Sighting, Any], Sighting | None], int]] = {
    "typo in first name": (err_typo_first, 12),
    "typo in surname": (err_typo_surname, 12),
    "day and month swapped": (err_day_month, 6),
    "a digit of the birth date": (err_date_digit, 8),
    "year off by 1 or 10": (err_year_off, 4),
    "tussenvoegsel missing": (err_missing_prefix, 6),
    "other tussenvoegsel": (err_other_prefix, 4),
    "tussenvoegsel glued or after a comma": (err_written_prefix, 6),
    "diacritics": (err_diacritics, 6),
    "first and last name swapped": (err_swapped_names, 5),
    "second first name left out": (err_first_name_only, 5),
    "birth date missing": (err_missing_birth_date, 4),
    "moved": (err_moved, 10),
}


def make_queries(rng: random.Random, builder: PopulationBuilder, count: int) -> list[Query]:
    population = builder.population
    size = len(population.people)
    names = list(ERRORS)
    weights = [ERRORS[n][1] for n in names]
    queries: list[Query] = []
    while len(queries) < count:
        roll = rng.random()
        if roll < 0.5:  # another sighting of a registered person
            truth = rng.randrange(size)
            sighting = population.people[truth]
            # Most sources do not know the BSN; a police record sometimes does.
            if sighting.bsn and rng.random() < 0.5:
                sighting = replace(sighting, bsn="")
            applied = []
            for _ in range(2 if rng.random() < 0.2 else 1):
                name = rng.choices(names, weights)[0]
                changed = ERRORS[name][0](rng, sighting, builder)
                if changed is not None:
                    sighting, _ = changed, applied.append(name)
            if not applied:
                continue
            queries.append(Query(sighting, truth, " + ".join(applied) if len(applied) == 1 else "two errors"))
            continue
        if roll < 0.80:  # a stranger, anywhere: usually a new address, sometimes a known one
            address = (
                builder.new_address() if rng.random() < 0.8 else rng.randrange(len(population.addresses))
            )
            stranger = builder.person(age=rng.randint(0, 90), surname=builder.surname(), address=address)
            queries.append(Query(stranger, None, "new: stranger"))
            continue
        relative_of = population.people[rng.randrange(size)]
        if roll < 0.88:  # a twin or sibling at the same address
            sibling = builder.person(
                age=0, surname=(relative_of.surname_prefix, relative_of.surname), address=relative_of.address
            )
            born = relative_of.birth_date if rng.random() < 0.5 else builder.birth_date(rng.randint(0, 17))
            if set(sibling.first_names.split()) & set(relative_of.first_names.split()):
                continue  # parents do not give twins the same first name
            queries.append(Query(replace(sibling, birth_date=born), None, "new: twin or sibling"))
            continue
        # A namesake: the same name, born another day, living elsewhere.
        namesake = replace(
            relative_of,
            birth_date=builder.birth_date(rng.randint(0, 90)),
            bsn="",
            address=builder.new_address(),
        )
        if namesake.birth_date == relative_of.birth_date:
            continue
        queries.append(Query(namesake, None, "new: namesake"))
    return queries


@dataclass
class Tally:
    """Counts for one band set ("match", or "match" + "possible")."""

    true_pairs: int = 0
    false_pairs: int = 0
    found: int = 0  # queries with a truth whose truth was among the predicted

    def figures(self, with_truth: int) -> tuple[float, float, float]:
        predicted = self.true_pairs + self.false_pairs
        precision = self.true_pairs / predicted if predicted else 1.0
        recall = self.found / with_truth if with_truth else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return precision, recall, f1


@dataclass
class Result:
    auto: Tally = field(default_factory=Tally)
    review: Tally = field(default_factory=Tally)
    per_kind: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    wrong: list[tuple[Query, int]] = field(default_factory=list)

    def add(self, query: Query, linked: int | None, possible: list[int]) -> None:
        kind = self.per_kind[query.kind]
        kind["queries"] += 1
        predicted_auto = [linked] if linked is not None else []
        predicted_all = predicted_auto + possible
        for tally, predicted in ((self.auto, predicted_auto), (self.review, predicted_all)):
            for candidate in predicted:
                if candidate == query.truth:
                    tally.true_pairs += 1
                else:
                    tally.false_pairs += 1
            if query.truth is not None and query.truth in predicted:
                tally.found += 1
        if query.truth is not None:
            kind[
                "linked" if linked == query.truth else ("review" if query.truth in possible else "missed")
            ] += 1
            if linked is not None and linked != query.truth:
                kind["wrong link"] += 1
                self.wrong.append((query, linked))
        else:
            kind["wrong link" if linked is not None else ("review" if possible else "new")] += 1
            if linked is not None:
                self.wrong.append((query, linked))


def show_wrong_links(result: Result, population: Population, limit: int) -> None:
    """The query and the person it was wrongly linked to, for a look at what went wrong."""
    for query, linked in result.wrong[:limit]:
        print(f"  {query.kind}: {query.sighting}")
        print(f"    linked to {linked}: {population.people[linked]}")
        if query.truth is not None:
            print(f"    truth {query.truth}: {population.people[query.truth]}")


def report(result: Result, queries: list[Query]) -> None:
    with_truth = sum(1 for q in queries if q.truth is not None)
    print(f"queries: {len(queries)}, of which {with_truth} describe a registered person")
    print(f"{'':<26} {'precision':>9} {'recall':>7} {'F1':>7}")
    for label, tally in (("automatic links", result.auto), ("automatic + review", result.review)):
        precision, recall, f1 = tally.figures(with_truth)
        print(f"{label:<26} {precision:>9.4f} {recall:>7.4f} {f1:>7.4f}")
    print()
    print(f"{'kind of query':<38} {'n':>6} {'linked':>7} {'review':>7} {'missed':>7} {'new':>6} {'wrong':>6}")
    for kind in sorted(result.per_kind):
        c = result.per_kind[kind]
        print(
            f"{kind:<38} {c['queries']:>6} {c['linked']:>7} {c['review']:>7} {c['missed']:>7} "
            f"{c['new']:>6} {c['wrong link']:>6}"
        )


def run_memory(population: Population, queries: list[Query]) -> tuple[Result, float]:
    """The scorer with the blocks of registry.linking.candidate_ids, on dictionaries."""
    from haard.registry.linking import BLOCK_LIMIT, MAX_POSSIBLE_MATCHES
    from haard.registry.matching import Band, PersonRecord, birth_date_variants, compare, surname_key

    by_date: dict[date, list[int]] = defaultdict(list)
    by_key_date: dict[tuple[str, date], list[int]] = defaultdict(list)
    by_key: dict[str, list[int]] = defaultdict(list)
    by_postcode: dict[str, list[int]] = defaultdict(list)
    records: list[PersonRecord] = []
    for index, person in enumerate(population.people):
        postcode = population.addresses[person.address][0] if person.address is not None else ""
        records.append(
            PersonRecord(
                first_names=person.first_names,
                surname=person.surname,
                surname_prefix=person.surname_prefix,
                birth_date=person.birth_date,
                gender=person.gender,
                bsn_hash=person.bsn,
                address_ids=frozenset({person.address}) if person.address is not None else frozenset(),
                postcodes=frozenset({postcode}) if postcode else frozenset(),
            )
        )
        key = surname_key(person.surname_prefix, person.surname)
        by_key[key].append(index)
        if person.birth_date is not None:
            by_date[person.birth_date].append(index)
            by_key_date[(key, person.birth_date)].append(index)
        if postcode:
            by_postcode[postcode].append(index)
    by_bsn = {p.bsn: i for i, p in enumerate(population.people) if p.bsn}

    result = Result()
    started = time.perf_counter()
    for query in queries:
        s = query.sighting
        if s.bsn and s.bsn in by_bsn:
            result.add(query, by_bsn[s.bsn], [])
            continue
        address = s.address
        postcode = population.addresses[address][0] if address is not None else ""
        record = PersonRecord(
            first_names=s.first_names,
            surname=s.surname,
            surname_prefix=s.surname_prefix,
            birth_date=s.birth_date,
            gender=s.gender,
            bsn_hash=s.bsn,
            address_ids=frozenset({address}) if address is not None else frozenset(),
            postcodes=frozenset({postcode}) if postcode else frozenset(),
        )
        keys = {surname_key(s.surname_prefix, s.surname), surname_key("", s.first_names)} - {""}
        ids: set[int] = set()
        if s.birth_date is not None:
            ids.update(by_date[s.birth_date][:BLOCK_LIMIT])
            near = [
                i
                for k in keys
                for v in birth_date_variants(s.birth_date, today=TODAY)
                for i in by_key_date.get((k, v), ())
            ]
            ids.update(near[:BLOCK_LIMIT])
        else:
            ids.update(sorted(i for k in keys for i in by_key.get(k, ()))[:BLOCK_LIMIT])
        if address is not None:
            ids.update(population.households[address][:BLOCK_LIMIT])
            ids.update(by_postcode[postcode][:BLOCK_LIMIT])
        scored = sorted(
            ((compare(record, records[i]), i) for i in ids), key=lambda c: (-c[0].score, -c[0].weight, c[1])
        )
        if scored and scored[0][0].band == Band.MATCH:
            result.add(query, scored[0][1], [])
        else:
            possible = [i for c, i in scored if c.band == Band.POSSIBLE][:MAX_POSSIBLE_MATCHES]
            result.add(query, None, possible)
    return result, time.perf_counter() - started


def _fresh_postgres_database(url: str) -> None:
    """Drop and create the benchmark database named in `url` (never run against real data)."""
    import psycopg

    server, name = url.replace("postgres://", "postgresql://", 1).rsplit("/", 1)
    if not name.startswith("haard_bench"):
        raise SystemExit("The benchmark database name must start with haard_bench: it is dropped first.")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def run_db(population: Population, queries: list[Query]) -> tuple[Result, float, list[float]]:
    """resolve_person on a fresh database, each query rolled back."""
    from django.core.management import call_command
    from django.db import connection, transaction

    from haard.core.models import Municipality, Region
    from haard.registry.linking import resolve_person
    from haard.registry.models import Address, Household, HouseholdMember, Person, PossibleMatch

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    municipality = Municipality.objects.create(
        region=Region.objects.create(name="Benchregio"), code="GM9999", name="Bench"
    )
    addresses = [
        Address(postcode=pc, house_number=n, street="Benchstraat", town="Bench", municipality=municipality)
        for pc, n in population.addresses
    ]
    Address.objects.bulk_create(addresses, batch_size=2000)
    households = [Household(name="Huishouden", address=a) for a in addresses]
    Household.objects.bulk_create(households, batch_size=2000)
    people = []
    for s in population.people:
        person = Person(
            first_names=s.first_names,
            surname_prefix=s.surname_prefix,
            surname=s.surname,
            birth_date=s.birth_date,
            gender=s.gender,
        )
        person.fill_match_keys()
        if s.bsn:
            person.set_bsn(s.bsn)
        people.append(person)
    Person.objects.bulk_create(people, batch_size=2000)
    HouseholdMember.objects.bulk_create(
        [
            HouseholdMember(household=households[s.address], person=people[i], role="other")
            for i, s in enumerate(population.people)
            if s.address is not None and s.address < len(households)
        ],
        batch_size=2000,
    )
    # Give the planner its statistics, as autovacuum would on a live PostgreSQL database.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    index_of = {p.pk: i for i, p in enumerate(people)}
    print(f"register of {len(people)} people written and analysed in {time.perf_counter() - started:.1f} s")

    result = Result()
    timings: list[float] = []
    started = time.perf_counter()
    for query in queries:
        s = query.sighting
        address = addresses[s.address] if s.address is not None and s.address < len(addresses) else None
        with transaction.atomic():
            begin = time.perf_counter()
            outcome = resolve_person(
                first_names=s.first_names,
                surname=s.surname,
                surname_prefix=s.surname_prefix,
                birth_date=s.birth_date,
                gender=s.gender,
                bsn=s.bsn,
                address=address,
                source="bench",
            )
            timings.append((time.perf_counter() - begin) * 1000)
            possible = (
                [
                    index_of[pk]
                    for pk in PossibleMatch.objects.filter(person_b=outcome.person)
                    .order_by("-score", "pk")
                    .values_list("person_a_id", flat=True)
                ]
                if outcome.created
                else []
            )
            linked = None if outcome.created else index_of.get(outcome.person.pk)
            transaction.set_rollback(True)  # each query against the same register

        result.add(query, linked, possible)
    return result, time.perf_counter() - started, timings


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=10_000)
    parser.add_argument("--mode", choices=["memory", "db"], default="memory")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--show-wrong", type=int, default=0, help="print this many wrong links")
    parser.add_argument("--match-threshold", type=float, default=None, help="try another MATCH_THRESHOLD")
    parser.add_argument(
        "--possible-threshold", type=float, default=None, help="try another POSSIBLE_THRESHOLD"
    )
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="haard-bench-linking-")
    os.environ["HAARD_VAR_DIR"] = workdir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haard.settings")
    os.environ.pop("DATABASE_URL", None)
    if args.database_url:
        _fresh_postgres_database(args.database_url)
        os.environ["DATABASE_URL"] = args.database_url
    import django

    django.setup()
    from django.db import connection

    from haard.registry import matching

    if args.match_threshold is not None:
        matching.MATCH_THRESHOLD = args.match_threshold
    if args.possible_threshold is not None:
        matching.POSSIBLE_THRESHOLD = args.possible_threshold
    print(f"thresholds: match {matching.MATCH_THRESHOLD}, possible {matching.POSSIBLE_THRESHOLD}")
    rng = random.Random(args.seed)  # noqa: S311 (a seeded synthetic set, no secrets)
    builder = PopulationBuilder(rng)
    started = time.perf_counter()
    population = builder.build(args.people)
    queries = make_queries(rng, builder, args.queries)
    print(
        f"generated {len(population.people)} people at {len(population.addresses)} addresses and "
        f"{len(queries)} queries in {time.perf_counter() - started:.1f} s (seed {args.seed})"
    )
    if args.mode == "memory":
        result, elapsed = run_memory(population, queries)
        print(
            f"scored in memory: {elapsed:.1f} s for {len(queries)} queries "
            f"({elapsed / len(queries) * 1000:.2f} ms each)"
        )
    else:
        result, elapsed, timings = run_db(population, queries)
        cuts = statistics.quantiles(timings, n=100)
        print(
            f"resolve_person on {connection.vendor}: {elapsed:.1f} s for {len(queries)} queries; "
            f"per query p50 {cuts[49]:.1f} ms, p95 {cuts[94]:.1f} ms, p99 {cuts[98]:.1f} ms; "
            f"100,000 queries ≈ {statistics.fmean(timings) * 100:.0f} s"
        )
    print()
    report(result, queries)
    if args.show_wrong:
        print()
        show_wrong_links(result, population, args.show_wrong)
    return 0


if __name__ == "__main__":
    sys.exit(main())
