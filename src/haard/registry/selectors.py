"""Reads for people. Every function takes the actor and reads through Person.objects.visible_to."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from haard.accounts.access import has_capability
from haard.accounts.models import User
from haard.audit.models import Action
from haard.audit.services import log_access
from haard.core import crypto
from haard.registry.models import BSN_HASH_PURPOSE, Person
from haard.registry.validation import normalise_bsn

SEARCH_LIMIT = 50


def search_people(*, actor: User, query: str) -> QuerySet[Person]:
    """Visible people matching a name, a birth date (yyyy-mm-dd) or a full BSN.

    A BSN is matched through its keyed hash only. A query for someone the actor may not see
    returns nothing, exactly as a query for someone who does not exist.
    """
    query = query.strip()
    people = Person.objects.visible_to(actor)
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
    for term in query.split()[:4]:
        condition &= (
            Q(surname__icontains=term) | Q(first_names__icontains=term) | Q(surname_prefix__iexact=term)
        )
    return people.filter(condition).order_by("surname", "first_names")


def person_detail(*, actor: User, pk: int) -> Person | None:
    """One visible person with households and cases, or None."""
    return (
        Person.objects.visible_to(actor)
        .prefetch_related("household_memberships__household__address__municipality")
        .filter(pk=pk)
        .first()
    )


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
