"""The retention pages in the URL walk (tests/security/test_url_walk.py): the privacy officer
(world.privacy) reaches them for anyone in the region; every other role is refused."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from haard.retention.models import (
    AccessLogPurge,
    DataSubjectRequest,
    DestructionProposal,
    ProposalItem,
    ProposalKind,
    RequestKind,
    Tombstone,
    UnitType,
)
from tests.security.policy import Spec

# Forms that only write (POST); they show no one and redirect to the pages below.
NO_PERSONAL_DATA = {
    "retention:proposal_start",
    "retention:proposal_dry_run",
    "retention:item_keep",
    "retention:proposal_decide",
    "retention:request_create",
    "retention:request_answered",
    "retention:log_purge_start",
    "retention:log_purge_dry_run",
    "retention:log_purge_decide",
}


def build(world: Any) -> None:
    """An access request of world.person, a proposal naming world.case, a tombstone, and a
    purge of the access log."""
    today = timezone.localdate()
    request = DataSubjectRequest.objects.create(
        reference="AVG-WALK",
        kind=RequestKind.ACCESS,
        person=world.person,
        subject_id=world.person.pk,
        received_on=today,
        respond_by=today,
        channel="letter",
        identity_checked=True,
        registered_by=world.privacy,
    )
    proposal = DestructionProposal.objects.create(kind=ProposalKind.RETENTION)
    ProposalItem.objects.create(
        proposal=proposal,
        unit_type=UnitType.VEILIG_THUIS_FILE,
        root_id=world.case.pk,
        reference=world.case.reference,
        members=[f"case:{world.case.pk}"],
        person_ids=[m.person_id for m in world.case.members.all()],
    )
    Tombstone.objects.create(
        proposal=proposal,
        record_type=UnitType.VEILIG_THUIS_FILE,
        record_id="1",
        reference="VT-GONE",
        basis="retention",
        destroyed_at=timezone.now(),
        decided_by=world.privacy,
        decided_at=timezone.now(),
    )
    world.extra["retention_request"] = request
    world.extra["retention_proposal"] = proposal
    world.extra["retention_log_purge"] = AccessLogPurge.objects.create(years=15, cutoff=timezone.now())


def _pk(world: Any, key: str) -> int:
    return world.extra[key].pk


def _none(world: Any) -> None:
    return None


PAGES = {
    "retention:overview": Spec(lambda w: reverse("retention:overview"), lambda w: w.privacy, shows=_none),
    "retention:tombstone_list": Spec(
        lambda w: reverse("retention:tombstone_list"), lambda w: w.privacy, shows=_none
    ),
    "retention:proposal_detail": Spec(
        lambda w: reverse("retention:proposal_detail", args=[_pk(w, "retention_proposal")]),
        lambda w: w.privacy,
    ),
    "retention:person_find": Spec(
        lambda w: reverse("retention:person_find") + f"?surname={w.person.surname}", lambda w: w.privacy
    ),
    "retention:person_overview": Spec(
        lambda w: reverse("retention:person_overview", args=[w.person.pk]), lambda w: w.privacy
    ),
    "retention:request_detail": Spec(
        lambda w: reverse("retention:request_detail", args=[_pk(w, "retention_request")]), lambda w: w.privacy
    ),
    "retention:export_json": Spec(
        lambda w: reverse("retention:export_json", args=[_pk(w, "retention_request")]), lambda w: w.privacy
    ),
    "retention:export_pdf": Spec(
        lambda w: reverse("retention:export_pdf", args=[_pk(w, "retention_request")]), lambda w: w.privacy
    ),
    "retention:log_purge_list": Spec(
        lambda w: reverse("retention:log_purge_list"), lambda w: w.privacy, shows=_none
    ),
    "retention:log_purge_detail": Spec(
        lambda w: reverse("retention:log_purge_detail", args=[_pk(w, "retention_log_purge")]),
        lambda w: w.privacy,
        shows=_none,
    ),
}
