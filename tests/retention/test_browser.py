"""The privacy officers' flow in headless Chromium: one proposes what is due, keeps nothing, and
cannot decide; the other runs the dry run again and decides; the tombstone is found; an access
request is registered and its export downloaded. axe checks every page."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

from haard.cases.models import Case
from haard.retention.models import DataSubjectRequest, DestructionProposal, ProposalStatus
from tests.browser import (
    PageLog,
    assert_accessible,
    assert_no_csp_violations,
    sign_in,
    submit_form_with,
    visit,
)
from tests.retention.factories import vt_file, years_ago

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_two_privacy_officers_destroy_a_due_file_and_answer_an_access_request(
    page: Page, page_log: PageLog, proposer: Any, decider: Any
) -> None:
    page.context.set_default_timeout(60_000)  # a busy machine serves the first pages slowly
    due = vt_file()
    kept = vt_file(closed_on=years_ago(3))

    sign_in(page, proposer)
    visit(page, "/retention/")
    with page.expect_navigation():
        page.get_by_role("button", name="Stel nu voor wat aan de beurt is").click()
    proposal = DestructionProposal.objects.get()
    assert page.url.endswith(f"/retention/proposals/{proposal.pk}/")
    assert_accessible(page)
    assert page.get_by_text(due.case.reference).count() >= 1
    assert page.locator("#id_reason").count() == 0  # four eyes: no decision form for the proposer

    sign_in(page, decider)
    visit(page, f"/retention/proposals/{proposal.pk}/")
    page.check("#id_destroy_0")
    page.fill("#id_reason", "Bewaartermijn van vijftien jaar verstreken")
    submit_form_with(page, "#id_reason")
    assert_accessible(page)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DESTROYED
    assert not Case.objects.filter(pk=due.case.pk).exists() and Case.objects.filter(pk=kept.case.pk).exists()

    visit(page, f"/retention/destroyed/?q={due.case.reference}")
    assert page.get_by_text(due.case.reference).count() == 1

    visit(page, f"/retention/people/?surname={kept.victim.surname}")
    with page.expect_navigation():
        page.get_by_role("link", name=kept.victim.full_name).click()
    assert_accessible(page)
    page.check("#id_kind_0")
    page.check("#id_identity_checked")
    submit_form_with(page, "#id_identity_checked")
    request = DataSubjectRequest.objects.get()
    assert page.url.endswith(f"/retention/requests/{request.pk}/")
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Downloaden als JSON").click()
    assert download.value.suggested_filename == f"{request.reference}.json"
    assert_no_csp_violations(page_log)
