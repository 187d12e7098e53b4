"""The retention pages: the privacy officer's flow (propose, dry run, keep, decide with four
eyes, the tombstones, a request), every page logged, every other role refused, the menu and
the work list, and query counts that do not grow with the records."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from haard.audit.models import AccessLogEntry, Action
from haard.cases.models import Case
from haard.core.worklist import work_for
from haard.retention import services
from haard.retention.models import (
    DataSubjectRequest,
    DestructionProposal,
    ProposalStatus,
    RequestKind,
    Tombstone,
)
from tests.conftest import sign_in
from tests.factories import PersonFactory, make_user
from tests.retention.factories import vt_file

pytestmark = pytest.mark.django_db


def _latest(user: Any) -> AccessLogEntry:
    return AccessLogEntry.objects.filter(user=user).latest("id")


def test_the_privacy_officers_destroy_a_due_file_through_the_pages(proposer: Any, decider: Any) -> None:
    f = vt_file()
    first = sign_in(Client(), proposer)
    overview = first.get(reverse("retention:overview"))
    assert overview.status_code == 200
    assert "retention.veilig_thuis_years" not in overview.content.decode()  # the sentence, not the key
    assert _latest(proposer).record_type == "retention.DestructionProposal"

    started = first.post(reverse("retention:proposal_start"))
    proposal = DestructionProposal.objects.get()
    assert started.status_code == 302 and started["Location"] == reverse(
        "retention:proposal_detail", args=[proposal.pk]
    )
    page = first.get(started["Location"]).content.decode()
    assert f.case.reference in page
    entry = _latest(proposer)
    assert entry.action == Action.VIEW and set(entry.subjects.values_list("person_id", flat=True)) == {
        p.pk for p in f.people
    }
    # The proposer is shown no decision form and is refused when posting one anyway.
    assert reverse("retention:proposal_decide", args=[proposal.pk]) not in page
    first.post(
        reverse("retention:proposal_decide", args=[proposal.pk]), {"destroy": "yes", "reason": "Termijn"}
    )
    assert Case.objects.filter(pk=f.case.pk).exists()

    second = sign_in(Client(), decider)
    detail = second.get(reverse("retention:proposal_detail", args=[proposal.pk])).content.decode()
    assert reverse("retention:proposal_decide", args=[proposal.pk]) in detail
    missing = second.post(reverse("retention:proposal_decide", args=[proposal.pk]), {"destroy": "yes"})
    assert missing.status_code == 302 and Case.objects.filter(pk=f.case.pk).exists()
    done = second.post(
        reverse("retention:proposal_decide", args=[proposal.pk]),
        {"destroy": "yes", "reason": "Termijn verstreken"},
    )
    assert done.status_code == 302 and not Case.objects.filter(pk=f.case.pk).exists()
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DESTROYED
    change = _latest(decider)
    assert change.action == Action.CHANGE and f.victim.pk in set(
        change.subjects.values_list("person_id", flat=True)
    )

    stones = second.get(reverse("retention:tombstone_list") + f"?q={f.case.reference}")
    assert stones.status_code == 200 and f.case.reference in stones.content.decode()
    assert f.victim.first_names not in stones.content.decode()


def test_keeping_an_item_through_the_page_asks_for_a_new_dry_run(proposer: Any, decider: Any) -> None:
    vt_file()
    proposal = services.propose_due(actor=proposer)
    assert proposal is not None
    item = proposal.items.get()
    client = sign_in(Client(), decider)
    url = reverse("retention:item_keep", args=[proposal.pk, item.pk])
    client.post(url, {"keep": "yes", "ground": "", "reason": ""})
    item.refresh_from_db()
    assert not item.keep
    until = (timezone.localdate().replace(year=timezone.localdate().year + 1)).isoformat()
    client.post(url, {"keep": "yes", "ground": "legal_claims", "reason": "Procedure", "until": until})
    item.refresh_from_db()
    proposal.refresh_from_db()
    assert item.keep and not proposal.dry_run_is_current
    client.post(reverse("retention:proposal_dry_run", args=[proposal.pk]))
    proposal.refresh_from_db()
    assert proposal.dry_run_is_current


def test_an_erasure_request_through_the_pages(proposer: Any, decider: Any) -> None:
    f = vt_file(bsn="999990019")
    client = sign_in(Client(), proposer)
    found = client.get(reverse("retention:person_find"), {"bsn": "999990019"})
    assert found.status_code == 200 and f.victim.first_names in found.content.decode()
    search = _latest(proposer)
    assert search.action == Action.SEARCH and search.query == "[bsn]"
    assert list(search.subjects.values_list("person_id", flat=True)) == [f.victim.pk]
    assert "999990019" not in search.query

    bad = client.get(reverse("retention:person_find"), {"bsn": "123"})
    assert bad.status_code == 200 and "BSN" in bad.content.decode()

    overview = client.get(reverse("retention:person_overview", args=[f.victim.pk]))
    assert overview.status_code == 200 and f.victim.full_name in overview.content.decode()
    refused = client.post(
        reverse("retention:request_create", args=[f.victim.pk]),
        {"kind": "erasure", "received_on": timezone.localdate().isoformat(), "channel": "letter"},
    )
    assert refused.status_code == 400 and not DataSubjectRequest.objects.exists()
    assert (
        'id="id_identity_checked"' in refused.content.decode() and "field--error" in refused.content.decode()
    )
    created = client.post(
        reverse("retention:request_create", args=[f.victim.pk]),
        {
            "kind": "erasure",
            "received_on": timezone.localdate().isoformat(),
            "channel": "letter",
            "identity_checked": "on",
        },
    )
    request = DataSubjectRequest.objects.get()
    assert created["Location"] == reverse("retention:request_detail", args=[request.pk])
    detail = client.get(created["Location"]).content.decode()
    assert reverse("retention:proposal_detail", args=[request.proposal.pk]) in detail
    assert reverse("retention:export_json", args=[request.pk]) not in detail  # erasure: no export


def test_other_roles_and_the_anonymous_are_refused_everywhere(proposer: Any, outsider: Any) -> None:
    f = vt_file()
    proposal = services.propose_due(actor=proposer)
    assert proposal is not None
    item = proposal.items.get()
    request = services.register_request(
        actor=proposer,
        person=f.victim,
        kind=RequestKind.ACCESS,
        received_on=timezone.localdate(),
        channel="email",
        identity_checked=True,
    )
    gets = [
        reverse("retention:overview"),
        reverse("retention:proposal_detail", args=[proposal.pk]),
        reverse("retention:tombstone_list"),
        reverse("retention:person_find") + f"?surname={f.victim.surname}",
        reverse("retention:person_overview", args=[f.victim.pk]),
        reverse("retention:request_detail", args=[request.pk]),
        reverse("retention:export_json", args=[request.pk]),
        reverse("retention:export_pdf", args=[request.pk]),
    ]
    posts = [
        reverse("retention:proposal_start"),
        reverse("retention:proposal_dry_run", args=[proposal.pk]),
        reverse("retention:item_keep", args=[proposal.pk, item.pk]),
        reverse("retention:proposal_decide", args=[proposal.pk]),
        reverse("retention:request_create", args=[f.victim.pk]),
        reverse("retention:request_answered", args=[request.pk]),
    ]
    before = AccessLogEntry.objects.count()
    for user in (outsider, make_user("policy_officer"), make_user("administrator"), f.worker):
        client = sign_in(Client(), user)
        for url in gets:
            assert client.get(url).status_code == 403, url
        for url in posts:
            assert client.post(url, {"destroy": "yes", "reason": "x", "keep": "yes"}).status_code == 403, url
    anonymous = Client()
    for url in gets:
        assert anonymous.get(url).status_code == 302
    assert AccessLogEntry.objects.count() == before
    assert Case.objects.filter(pk=f.case.pk).exists() and DestructionProposal.objects.count() == 1


def test_the_menu_and_the_work_list_of_the_privacy_officer(
    proposer: Any, decider: Any, case_manager: Any
) -> None:
    vt_file()
    url = reverse("retention:overview")
    assert f'href="{url}"' in sign_in(Client(), proposer).get(reverse("web:home")).content.decode()
    assert f'href="{url}"' not in sign_in(Client(), case_manager).get(reverse("web:home")).content.decode()
    proposal = services.propose_due(actor=proposer)
    assert proposal is not None
    today = timezone.localdate()
    assert [item.kind for item in work_for(decider, today)] == ["retention.proposal"]
    assert work_for(proposer, today) == []  # one's own proposal is someone else's work
    assert work_for(case_manager, today) == []
    request = services.register_request(
        actor=proposer,
        person=vt_file(surname="Werk").victim,
        kind=RequestKind.ACCESS,
        received_on=today,
        channel="letter",
        identity_checked=True,
    )
    (due,) = [item for item in work_for(proposer, today) if item.kind == "retention.request"]
    assert due.due == request.respond_by and request.reference in due.title and due.person_ids == ()


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_query_counts_do_not_grow_with_the_records(proposer: Any, decider: Any) -> None:
    vt_file()
    first = services.propose_due(actor=proposer)
    assert first is not None
    services.decide(actor=decider, proposal=first, destroy=True, reason="Termijn")
    vt_file(surname="Een")
    services.register_request(
        actor=proposer,
        person=PersonFactory(),
        kind=RequestKind.ACCESS,
        received_on=timezone.localdate(),
        channel="letter",
        identity_checked=True,
    )
    client = sign_in(Client(), decider)
    small = services.propose_due(actor=proposer)
    assert small is not None
    pages = {
        "overview": reverse("retention:overview"),
        "tombstones": reverse("retention:tombstone_list"),
    }
    few = {name: _count(client, url) for name, url in pages.items()}
    few_detail = _count(client, reverse("retention:proposal_detail", args=[small.pk]))

    for n in range(4):
        vt_file(surname=f"Meer{n}")
    services.decide(actor=decider, proposal=small, destroy=True, reason="Termijn")
    big = services.propose_due(actor=proposer)
    assert big is not None and big.items.count() == 4
    second = services.propose_due(actor=None)
    assert second is None
    services.decide(actor=decider, proposal=big, destroy=True, reason="Termijn")
    for _ in range(3):
        services.register_request(
            actor=proposer,
            person=PersonFactory(),
            kind=RequestKind.ACCESS,
            received_on=timezone.localdate(),
            channel="letter",
            identity_checked=True,
        )
    more = {name: _count(client, url) for name, url in pages.items()}
    assert more == few
    for n in range(4):
        vt_file(surname=f"Nog{n}")
    bigger = services.propose_due(actor=proposer)
    assert bigger is not None and bigger.items.count() == 4
    assert _count(client, reverse("retention:proposal_detail", args=[bigger.pk])) == few_detail
    assert Tombstone.objects.count() > 10
