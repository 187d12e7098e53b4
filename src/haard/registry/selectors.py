"""Reads for people, addresses and the review of possible matches. Every function takes the
actor (or a request, for the ones that log) and reads people through Person.objects.visible_to;
people merged into another are never listed."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from haard.accounts.access import NONE, has_capability
from haard.accounts.models import User
from haard.audit.models import Action
from haard.audit.services import log_access
from haard.core import crypto
from haard.registry.matching import is_particle, name_term_key, surname_key
from haard.registry.models import (
    ACTIVE_PEOPLE,
    BSN_HASH_PURPOSE,
    Address,
    MatchStatus,
    Person,
    PersonMerge,
    PossibleMatch,
)
from haard.registry.validation import normalise_bsn

SEARCH_LIMIT = 50
SUGGEST_LIMIT = 10
MAX_TERMS = 6

_DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y/%m/%d")


def parse_search_date(term: str) -> date | None:
    """A date typed in a search box (1985-03-12, 12-03-1985, 12/3/1985, 12.03.1985), or None."""
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(term, fmt).date()
        except ValueError:
            continue
    return None


def _successor(key: str) -> str | None:
    """The smallest key after every key that starts with `key` (keys are [a-z0-9])."""
    stripped = key.rstrip("z")
    if not stripped:
        return None
    last = stripped[-1]
    following = "a" if last == "9" else chr(ord(last) + 1)
    return stripped[:-1] + following


def _surname_key_starts_with(term: str) -> Q:
    """People whose surname key starts with the key of `term`, as an index range (LIKE
    would not use the index on every database). While a name is being typed its key may
    end halfway a spelling rule ("Mei" for "Meijer" → "meyer"): the likely endings are tried."""
    key = surname_key("", term)
    prefixes = {key}
    if key.endswith("i"):
        prefixes.add(key[:-1] + "y")
    if key.endswith("c"):
        prefixes.add(key[:-1] + "k")
    condition = NONE
    for prefix in prefixes:
        following = _successor(prefix)
        part = Q(surname_key__gte=prefix)
        if following is not None:
            part &= Q(surname_key__lt=following)
        condition |= part
    return condition


# Terms shorter than this are matched on the start of the surname only: short trigram sets
# are similar to too many names.
FUZZY_MIN_LENGTH = 4


def search_people(*, actor: User, query: str) -> QuerySet[Person]:
    """Visible people (never merged ones) matching a name, a birth date or a full BSN.

    - A BSN (9 digits) is matched through its keyed hash only.
    - A date term (1985-03-12, 12-03-1985) must equal the birth date.
    - Every name term must start the surname (without tussenvoegsel, in any of the spellings
      `registry.matching.surname_key` treats as one: "Janssen" finds "Jansen", "Meyer" finds
      "Meijer") or occur in the first names; without a date, at least one term must start the
      surname, which is what the index answers. Tussenvoegsels ("van", "der") are ignored.
    - On PostgreSQL a name term of 4 letters or more also finds surnames that are like it
      (trigram similarity on the surname key, with a GIN index): "Jamssen" finds "Janssen", as
      a name heard on the phone is often typed wrong.
    A query for someone the actor may not see returns nothing, exactly as a query for someone
    who does not exist.
    """
    query = query.strip()
    people = Person.objects.visible_to(actor).filter(ACTIVE_PEOPLE)
    if len(query) < 2:
        return people.none()
    digits = query.replace(" ", "").replace(".", "")
    if digits.isdigit() and len(digits) == 9:
        try:
            bsn = normalise_bsn(digits)
        except ValidationError:
            return people.none()
        return people.filter(bsn_hash=crypto.keyed_hash(bsn, purpose=BSN_HASH_PURPOSE))
    condition = Q()
    surname_anchor = NONE
    dated = False
    for term in query.replace(",", " ").split()[:MAX_TERMS]:
        birth_date = parse_search_date(term)
        if birth_date is not None:
            condition &= Q(birth_date=birth_date)
            dated = True
            continue
        if is_particle(term) or not surname_key("", term):
            continue
        starts_surname = _surname_key_starts_with(term)
        if connection.vendor == "postgresql" and len(name_term_key(term)) >= FUZZY_MIN_LENGTH:
            starts_surname |= Q(surname_key__trigram_similar=name_term_key(term))
        surname_anchor |= starts_surname
        condition &= starts_surname | Q(first_names__icontains=term)
    if not dated:
        condition &= surname_anchor
    return people.filter(condition).order_by("surname", "first_names", "pk")


def person_detail(*, actor: User, pk: int) -> Person | None:
    """One visible person (not merged into another) with households, or None."""
    return (
        Person.objects.visible_to(actor)
        .filter(ACTIVE_PEOPLE)
        .prefetch_related(
            "household_memberships__household__address__municipality",
            Prefetch(
                "merges_in",
                queryset=PersonMerge.objects.filter(unmerged_at__isnull=True).select_related("merged"),
                to_attr="active_merges_in",
            ),
        )
        .filter(pk=pk)
        .first()
    )


def merged_into(*, actor: User, pk: int) -> int | None:
    """For a visible person that was merged: the id of the person kept; None otherwise."""
    return Person.objects.visible_to(actor).filter(pk=pk).values_list("merged_into_id", flat=True).first()


def person_for_access_report(*, actor: User, pk: int) -> Person | None:
    """The name of a person for the privacy officer's "who saw this person" report.

    Privacy officers do not see case content; they may identify whose log they read.
    """
    if not has_capability(actor, "view_access_log"):
        return None
    return Person.objects.only("first_names", "surname_prefix", "surname", "birth_date").filter(pk=pk).first()


# Reads that show people to a user: each writes its access-log entry. Pages and API operations
# call these, so both log the same way.


def show_people_search(*, request: Any, query: str, bsn: bool = False) -> list[Person]:
    """Search as the request's user and log the search with everyone in the result.

    A BSN never reaches the log: its search terms are recorded as "[bsn]".
    """
    people = list(search_people(actor=request.user, query=query)[:SEARCH_LIMIT])
    is_bsn = bsn or query.replace(" ", "").replace(".", "").isdigit()
    log_access(
        request=request,
        action=Action.SEARCH,
        record_type="registry.Person",
        query="[bsn]" if is_bsn else query,
        person_ids=[p.pk for p in people],
    )
    return people


def show_person(*, request: Any, pk: int) -> Person:
    """One person the request's user may see, logged; Http404 otherwise (not found and not
    visible look the same)."""
    person = person_detail(actor=request.user, pk=pk)
    if person is None:
        raise Http404
    log_access(
        request=request,
        action=Action.VIEW,
        record_type="registry.Person",
        record_id=person.pk,
        person_ids=[person.pk],
    )
    return person


def show_person_suggestions(*, request: Any, query: str) -> list[Person]:
    """At most SUGGEST_LIMIT visible people for search-as-you-type, logged like a search
    (a BSN as "[bsn]")."""
    people = list(search_people(actor=request.user, query=query)[:SUGGEST_LIMIT])
    is_bsn = query.replace(" ", "").replace(".", "").isdigit()
    log_access(
        request=request,
        action=Action.SEARCH,
        record_type="registry.Person",
        query="[bsn]" if is_bsn else query,
        person_ids=[p.pk for p in people],
    )
    return people


ADDRESS_SUGGEST_LIMIT = 20


def show_address_suggestions(*, request: Any, postcode: str, house_number: int) -> list[Address]:
    """The stored addresses with this (normalised) postcode and house number, every letter and
    addition, logged as a search of addresses (no person is shown). Only for actors who search
    people region-wide; nobody else gets any."""
    if not has_capability(request.user, "search_people"):
        return []
    addresses = list(
        Address.objects.filter(postcode=postcode, house_number=house_number)
        .select_related("municipality")
        .order_by("house_letter", "addition", "pk")[:ADDRESS_SUGGEST_LIMIT]
    )
    log_access(
        request=request,
        action=Action.SEARCH,
        record_type="registry.Address",
        record_id=",".join(str(a.pk) for a in addresses)[:64],
        query=f"{postcode} {house_number}",
    )
    return addresses


# The review queue of possible matches. Reviewers search people region-wide; an item is shown
# only when the reviewer may see both people and neither has been merged since.


def _reviewable(actor: User) -> QuerySet[PossibleMatch]:
    if not has_capability(actor, "search_people"):
        return PossibleMatch.objects.none()
    visible = Person.objects.visible_to(actor).filter(ACTIVE_PEOPLE).values("pk")
    return PossibleMatch.objects.filter(person_a__in=visible, person_b__in=visible)


def open_possible_matches(*, actor: User) -> QuerySet[PossibleMatch]:
    """Open items the actor may review, most certain first, with both people."""
    return (
        _reviewable(actor)
        .filter(status=MatchStatus.OPEN)
        .select_related("person_a", "person_b")
        .order_by("-score", "created_at", "pk")
    )


def possible_match_detail(*, actor: User, pk: int) -> PossibleMatch | None:
    """One item (any status) the actor may review, with both people and their households."""
    households = "household_memberships__household__address"
    return (
        _reviewable(actor)
        .select_related("person_a", "person_b", "decided_by")
        .prefetch_related(f"person_a__{households}", f"person_b__{households}")
        .filter(pk=pk)
        .first()
    )


def show_possible_match(*, request: Any, pk: int) -> PossibleMatch:
    """One reviewable item, logged with both people; Http404 otherwise."""
    item = possible_match_detail(actor=request.user, pk=pk)
    if item is None:
        raise Http404
    log_access(
        request=request,
        action=Action.VIEW,
        record_type="registry.PossibleMatch",
        record_id=item.pk,
        person_ids=[item.person_a_id, item.person_b_id],
    )
    return item


def person_merge_detail(*, actor: User, pk: int) -> PersonMerge | None:
    """One merge whose two people the actor, a reviewer, may see (merged ones included)."""
    if not has_capability(actor, "search_people"):
        return None
    visible = Person.objects.visible_to(actor).values("pk")
    return (
        PersonMerge.objects.filter(merged__in=visible, into__in=visible)
        .select_related("merged", "into", "merged_by", "unmerged_by", "possible_match")
        .filter(pk=pk)
        .first()
    )


def show_person_merge(*, request: Any, pk: int) -> PersonMerge:
    """One merge, logged with both people; Http404 otherwise."""
    merge = person_merge_detail(actor=request.user, pk=pk)
    if merge is None:
        raise Http404
    log_access(
        request=request,
        action=Action.VIEW,
        record_type="registry.PersonMerge",
        record_id=merge.pk,
        person_ids=[merge.merged_id, merge.into_id],
    )
    return merge


QUEUE_PAGE_SIZE = 25


def show_possible_match_queue(*, request: Any, page_number: str | int | None) -> Page[PossibleMatch]:
    """One page of the open items the request's user may review, logged with everyone on it."""
    page = Paginator(open_possible_matches(actor=request.user), QUEUE_PAGE_SIZE).get_page(page_number)
    items = list(page.object_list)
    page.object_list = items
    log_access(
        request=request,
        action=Action.VIEW,
        record_type="registry.PossibleMatch",
        person_ids=[pk for item in items for pk in (item.person_a_id, item.person_b_id)],
    )
    return page
