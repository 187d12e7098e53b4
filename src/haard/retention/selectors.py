"""Reads of the retention workflow, for holders of the `manage_retention` capability only.
Every function takes the acting user and returns nothing to anyone else; the pages log what
they show (views)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from haard.accounts.access import has_capability
from haard.accounts.models import User
from haard.cases.models import CaseMember
from haard.core import crypto
from haard.core.worklist import WorkItem
from haard.huisverbod.models import ContactBanPerson, HelpTask, RestrainingOrder
from haard.intake.models import PoliceIncidentPerson, ReportPerson
from haard.registry.matching import surname_key
from haard.registry.models import ACTIVE_PEOPLE, BSN_HASH_PURPOSE, Person
from haard.retention.models import (
    AccessLogPurge,
    DataSubjectRequest,
    DestructionProposal,
    ProposalItem,
    ProposalStatus,
    PurgeStatus,
    RequestStatus,
    Tombstone,
)
from haard.retention.services import CAPABILITY
from haard.shelter.models import Placement, WaitingListEntry

PAGE_SIZE = 50
FIND_LIMIT = 25


def _allowed(actor: User) -> bool:
    return has_capability(actor, CAPABILITY)


def proposals(*, actor: User) -> QuerySet[DestructionProposal]:
    """Every proposal, newest first, with the number of its items."""
    return (
        DestructionProposal.objects.visible_to(actor)
        .select_related("proposed_by", "decided_by", "request")
        .annotate(item_count=Count("items"))
        .order_by("-created_at", "-pk")
    )


def proposal_page(*, actor: User, page_number: Any) -> Page[DestructionProposal]:
    return Paginator(proposals(actor=actor), PAGE_SIZE).get_page(page_number)


def proposal(*, actor: User, pk: int) -> DestructionProposal:
    """A proposal the actor may see; 404 otherwise."""
    found = proposals(actor=actor).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def item_page(*, proposal: DestructionProposal, page_number: Any) -> Page[ProposalItem]:
    items = proposal.items.select_related("kept_by").order_by("unit_type", "due_on", "pk")
    return Paginator(items, PAGE_SIZE).get_page(page_number)


def requests(*, actor: User) -> QuerySet[DataSubjectRequest]:
    return (
        DataSubjectRequest.objects.visible_to(actor)
        .select_related("registered_by", "answered_by", "proposal")
        .order_by("status", "respond_by", "pk")
    )


def request_page(*, actor: User, page_number: Any) -> Page[DataSubjectRequest]:
    return Paginator(requests(actor=actor), PAGE_SIZE).get_page(page_number)


def request(*, actor: User, pk: int) -> DataSubjectRequest:
    """A request the actor may see (through `visible_to`); 404 otherwise."""
    found = requests(actor=actor).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def tombstone_page(*, actor: User, query: str, page_number: Any) -> Page[Tombstone]:
    """Tombstones, newest first; `query` finds a reference or a record number."""
    stones = Tombstone.objects.none()
    if _allowed(actor):
        stones = Tombstone.objects.select_related("decided_by", "proposal").order_by("-destroyed_at", "-pk")
        query = query.strip()
        if query:
            stones = stones.filter(Q(reference__iexact=query) | Q(record_id=query))
    return Paginator(stones, PAGE_SIZE).get_page(page_number)


def find_people(
    *, actor: User, surname: str = "", birth_date: date | None = None, bsn: str = ""
) -> list[Person]:
    """People matching a BSN (through its keyed hash), or a surname (in any spelling the
    registry treats as one) with an optional date of birth; never merged-away records."""
    if not _allowed(actor):
        return []
    people = Person.objects.filter(ACTIVE_PEOPLE)
    if bsn:
        people = people.filter(bsn_hash=crypto.keyed_hash(bsn, purpose=BSN_HASH_PURPOSE))
    else:
        key = surname_key("", surname)
        if not key:
            return []
        people = people.filter(surname_key=key)
        if birth_date is not None:
            people = people.filter(birth_date=birth_date)
    return list(people.order_by("surname", "first_names", "pk")[:FIND_LIMIT])


def person(*, actor: User, pk: int) -> Person:
    """A person by number for the privacy officer (who answers requests about anyone in the
    region); 404 for anyone else and for a merged-away record."""
    found = Person.objects.filter(ACTIVE_PEOPLE, pk=pk).first() if _allowed(actor) else None
    if found is None:
        raise Http404
    return found


@dataclass(frozen=True)
class RecordCount:
    label: str
    count: int


def records_of(person: Person) -> list[RecordCount]:
    """How many records of each kind refer to the person (no content)."""
    pk = person.pk
    return [
        RecordCount(
            _("reports"), ReportPerson.objects.filter(person_id=pk).values("report_id").distinct().count()
        ),
        RecordCount(_("cases"), CaseMember.objects.filter(person_id=pk).values("case_id").distinct().count()),
        RecordCount(
            _("police incidents"),
            PoliceIncidentPerson.objects.filter(person_id=pk).values("incident_id").distinct().count(),
        ),
        RecordCount(
            _("restraining orders"),
            RestrainingOrder.objects.filter(
                Q(barred_person_id=pk)
                | Q(pk__in=ContactBanPerson.objects.filter(person_id=pk).values("order_id"))
                | Q(pk__in=HelpTask.objects.filter(person_id=pk).values("order_id"))
            ).count(),
        ),
        RecordCount(
            _("shelter stays and waiting-list entries"),
            Placement.objects.filter(person_id=pk).count()
            + WaitingListEntry.objects.filter(person_id=pk).count(),
        ),
    ]


def requests_of(*, actor: User, person_id: int) -> list[DataSubjectRequest]:
    return list(requests(actor=actor).filter(subject_id=person_id))


def work_items(actor: Any, today: date, limit: int) -> list[WorkItem]:
    """For privacy officers: requests of data subjects to answer (due within the legal term)
    and destruction proposals awaiting a decision that someone else proposed. Two queries;
    no person is named."""
    if not _allowed(actor):
        return []
    open_requests = list(
        DataSubjectRequest.objects.visible_to(actor)
        .filter(status=RequestStatus.OPEN)
        .order_by("respond_by", "pk")[:limit]
    )
    open_proposals = list(
        DestructionProposal.objects.visible_to(actor)
        .filter(status=ProposalStatus.OPEN, request__isnull=True)
        .exclude(proposed_by=actor)
        .annotate(item_count=Count("items"))
        .order_by("created_at", "pk")[:limit]
    )
    items = [
        WorkItem(
            kind="retention.request",
            kind_label=_("Request of a data subject"),
            title=f"{request.reference} · {request.get_kind_display()}",
            url=reverse("retention:request_detail", args=[request.pk]),
            due=request.respond_by,
        )
        for request in open_requests
    ]
    items += [
        WorkItem(
            kind="retention.proposal",
            kind_label=_("Destruction proposal"),
            title=_("Destruction proposal %(number)s: %(count)s records")
            % {"number": p.pk, "count": p.item_count},
            url=reverse("retention:proposal_detail", args=[p.pk]),
            due=None,
        )
        for p in open_proposals
    ]
    return items


# --- The access log's own retention ----------------------------------------------------------


def log_purges(*, actor: User) -> QuerySet[AccessLogPurge]:
    """Every purge of the access log, newest first, with its tombstone once carried out."""
    return (
        AccessLogPurge.objects.visible_to(actor)
        .select_related("proposed_by", "decided_by", "tombstone")
        .order_by("-created_at", "-pk")
    )


def log_purge_page(*, actor: User, page_number: Any) -> Page[AccessLogPurge]:
    return Paginator(log_purges(actor=actor), PAGE_SIZE).get_page(page_number)


def log_purge(*, actor: User, pk: int) -> AccessLogPurge:
    """A purge the actor may see; 404 otherwise."""
    found = log_purges(actor=actor).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def log_purge_work(actor: Any, today: date, limit: int) -> list[WorkItem]:
    """For privacy officers: purges of the access log awaiting a decision that someone else
    proposed. One query; no person is named."""
    if not _allowed(actor):
        return []
    waiting = (
        AccessLogPurge.objects.visible_to(actor)
        .filter(status=PurgeStatus.OPEN)
        .exclude(proposed_by=actor)
        .order_by("created_at", "pk")[:limit]
    )
    return [
        WorkItem(
            kind="retention.access_log_purge",
            kind_label=_("Access log purge"),
            title=_("Access log purge %(number)s: %(count)s entries")
            % {"number": p.pk, "count": p.dry_run.get("entries", 0)},
            url=reverse("retention:log_purge_detail", args=[p.pk]),
            due=None,
        )
        for p in waiting
    ]
