"""The pages of the access log's own retention: one privacy officer proposes, another decides
(a refused decision shows what to correct and changes nothing), the tombstone shows after the
purge; every page is logged, needs the second factor, is refused to everyone else, and runs a
number of queries that does not grow with the purges or their dry runs."""

from __future__ import annotations

from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from haard.audit.models import AccessLogEntry, Action
from haard.core.models import RegionSetting
from haard.core.worklist import work_for
from haard.retention import services
from haard.retention.models import AccessLogPurge, AccessLogTombstone, PurgeStatus
from tests.conftest import sign_in
from tests.factories import make_user
from tests.retention.log_data import GONE, OldLog, ago, old_log, written

# The tests read the source texts of the messages.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def log(db: None) -> OldLog:
    return old_log()


def _latest(user: Any) -> AccessLogEntry:
    return AccessLogEntry.objects.filter(user=user).latest("id")


def test_two_privacy_officers_purge_the_log_through_the_pages(
    log: OldLog, proposer: Any, decider: Any
) -> None:
    first = sign_in(Client(), proposer)
    overview = first.get(reverse("retention:log_purge_list"))
    assert overview.status_code == 200
    assert _latest(proposer).record_type == "retention.AccessLogPurge"
    assert reverse("retention:log_purge_list") in first.get(reverse("retention:overview")).content.decode()

    started = first.post(reverse("retention:log_purge_start"))
    purge = AccessLogPurge.objects.get()
    detail_url = reverse("retention:log_purge_detail", args=[purge.pk])
    assert started.status_code == 302 and started["Location"] == detail_url
    page = first.get(detail_url).content.decode()
    assert f"{len(log.expired)} entries, naming {log.expired_subjects} people" in page
    assert f"{timezone.localtime(log.expired[1].at):%Y-%m}" in page
    entry = _latest(proposer)
    assert entry.action == Action.VIEW and entry.record_id == str(purge.pk)
    # The proposer gets no decision form, and a decision posted anyway is refused.
    decide_url = reverse("retention:log_purge_decide", args=[purge.pk])
    assert decide_url not in page
    own = first.post(decide_url, {"approve": "yes", "reason": "Termijn"})
    assert own.status_code == 400 and "Four eyes" in own.content.decode()
    purge.refresh_from_db()
    assert purge.status == PurgeStatus.OPEN and purge.decided_by is None

    second = sign_in(Client(), decider)
    assert decide_url in second.get(detail_url).content.decode()
    missing = second.post(decide_url, {"approve": "yes", "reason": ""})
    assert missing.status_code == 400
    assert 'id="id_reason_error"' in missing.content.decode() and "field--error" in missing.content.decode()
    purge.refresh_from_db()
    assert purge.status == PurgeStatus.OPEN
    done = second.post(decide_url, {"approve": "yes", "reason": "Termijn verstreken"})
    assert done.status_code == 302
    purge.refresh_from_db()
    assert purge.status == PurgeStatus.APPROVED and purge.decided_by == decider
    change = _latest(decider)
    assert change.action == Action.CHANGE and change.record_id == str(purge.pk)
    # Approved, nothing has gone yet: the command carries it out.
    assert AccessLogEntry.objects.filter(pk=log.expired[0].pk).exists()
    assert f"--execute {purge.pk}" in second.get(detail_url).content.decode()
    again = second.post(decide_url, {"approve": "no", "reason": "Toch niet"})
    assert again.status_code == 400 and "decided already" in again.content.decode()

    call_command("purge_access_log", "--execute", str(purge.pk), stdout=StringIO())
    assert not AccessLogEntry.objects.filter(pk=log.expired[0].pk).exists()
    shown = second.get(detail_url).content.decode()
    assert "Tombstone" in shown and "audit.access_log_years = 15" in shown
    listed = second.get(reverse("retention:log_purge_list")).content.decode()
    assert f"{len(log.expired)} entries, 1 grants" in listed


def test_proposing_with_nothing_expired_or_a_bad_setting_says_why(proposer: Any) -> None:
    written(ago(2), user=proposer, person_ids=[GONE])
    client = sign_in(Client(), proposer)
    nothing = client.post(reverse("retention:log_purge_start"), follow=True)
    assert "Nothing in the access log has passed its retention period." in nothing.content.decode()
    RegionSetting.objects.create(key="audit.access_log_years", value=5)
    short = client.post(reverse("retention:log_purge_start"), follow=True)
    assert "audit.access_log_years is 5 years" in short.content.decode()
    assert not AccessLogPurge.objects.exists()


def test_everyone_else_is_refused_and_the_second_factor_is_needed(
    log: OldLog, proposer: Any, outsider: Any
) -> None:
    purge = services.propose_log_purge(actor=proposer)
    assert purge is not None
    gets = [reverse("retention:log_purge_list"), reverse("retention:log_purge_detail", args=[purge.pk])]
    posts = [
        reverse("retention:log_purge_start"),
        reverse("retention:log_purge_dry_run", args=[purge.pk]),
        reverse("retention:log_purge_decide", args=[purge.pk]),
    ]
    before = AccessLogEntry.objects.count()
    for user in (
        outsider,
        make_user("policy_officer"),
        make_user("administrator", is_staff=True),
        log.worker,
    ):
        client = sign_in(Client(), user)
        for url in gets:
            assert client.get(url).status_code == 403, url
        for url in posts:
            assert client.post(url, {"approve": "yes", "reason": "x"}).status_code == 403, url
    for url in gets:
        assert Client().get(url).status_code == 302
    unverified = Client()
    unverified.force_login(make_user("privacy_officer"), backend="haard.accounts.backends.MembershipBackend")
    refused = unverified.get(gets[0])
    assert refused.status_code == 302 and refused["Location"] == reverse("accounts:verify")
    assert AccessLogEntry.objects.count() == before
    purge.refresh_from_db()
    assert purge.status == PurgeStatus.OPEN and AccessLogPurge.objects.count() == 1
    # An unknown purge looks like one that is not there.
    assert (
        sign_in(Client(), proposer).get(reverse("retention:log_purge_detail", args=[999999])).status_code
        == 404
    )


def test_the_decider_finds_the_purge_in_the_work_list(log: OldLog, proposer: Any, decider: Any) -> None:
    purge = services.propose_log_purge(actor=proposer)
    assert purge is not None
    today = timezone.localdate()
    (item,) = [i for i in work_for(decider, today) if i.kind == "retention.access_log_purge"]
    assert item.url == reverse("retention:log_purge_detail", args=[purge.pk]) and item.person_ids == ()
    assert not [i for i in work_for(proposer, today) if i.kind == "retention.access_log_purge"]
    assert all(i.kind != "retention.access_log_purge" for i in work_for(log.worker, today))


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _purged(proposer: Any, decider: Any, years_back: int) -> AccessLogPurge:
    worker = make_user("case_manager")
    for n in range(3):
        written(ago(years_back, days=n * 40), user=worker, record_type=f"app{n}.Thing", person_ids=[GONE + n])
    purge = services.propose_log_purge(actor=proposer)
    assert purge is not None
    services.decide_log_purge(actor=decider, purge=purge, approve=True, reason="Termijn")
    return services.execute_log_purge(purge=purge)


def test_the_pages_run_a_constant_number_of_queries(
    proposer: Any, decider: Any, django_assert_max_num_queries: Callable[..., Any]
) -> None:
    first = _purged(proposer, decider, 30)
    written(ago(29), user=proposer, person_ids=[GONE])
    small = services.propose_log_purge(actor=proposer)
    assert small is not None
    client = sign_in(Client(), decider)
    list_url = reverse("retention:log_purge_list")
    client.get(list_url)  # the first request of a session saves it; the counts are of the ones after
    few_list = _queries(client, list_url)
    few_detail = _queries(client, reverse("retention:log_purge_detail", args=[small.pk]))
    few_done = _queries(client, reverse("retention:log_purge_detail", args=[first.pk]))

    services.decide_log_purge(actor=decider, purge=small, approve=True, reason="Termijn")
    services.execute_log_purge(purge=small)
    for years_back in (28, 27, 26):
        _purged(proposer, decider, years_back)
    worker = make_user("case_manager")
    for n in range(12):
        written(ago(20, days=n * 31), user=worker, record_type=f"many{n}.Thing", person_ids=[GONE + n, GONE])
    big = services.propose_log_purge(actor=proposer)
    assert big is not None and len(big.dry_run["per_month"]) == 12
    assert AccessLogTombstone.objects.count() == 5

    with django_assert_max_num_queries(few_list):
        assert client.get(list_url).status_code == 200
    with django_assert_max_num_queries(few_detail):
        assert client.get(reverse("retention:log_purge_detail", args=[big.pk])).status_code == 200
    with django_assert_max_num_queries(few_done):
        assert client.get(reverse("retention:log_purge_detail", args=[small.pk])).status_code == 200
