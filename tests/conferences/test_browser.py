"""The conference flow in headless Chromium: the chair (regisseur) plans a Veiligheidshuis
conference, invites two participants with their basis for sharing data, puts a case on the
agenda against the criteria, records the minutes and two actions for two owners; each owner
then finds their action on the "My work" page and marks it done. axe checks every page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page

from haard.conferences.models import ActionItem, ActionStatus, AgendaItem, Conference
from haard.core.worklist import work_for
from tests.browser import (
    PageLog,
    assert_accessible,
    assert_no_csp_violations,
    sign_in,
    submit_form_with,
    visit,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_conference_records_two_actions_that_reach_the_owners_work_lists(
    page: Page, page_log: PageLog, chair: Any, colleague: Any, police: Any, own_case: Any
) -> None:
    assert chair.username == "regisseur"
    page.context.set_default_timeout(60_000)  # a busy machine serves the first pages slowly
    today = timezone.localdate()
    sign_in(page, chair)

    # 1. Plan the conference.
    visit(page, "/conferences/")
    visit(page, "/conferences/new/")
    page.select_option("#id_kind", "veiligheidshuis")
    page.fill("#id_title", "Casusoverleg Veiligheidshuis")
    page.fill("#id_starts_at", f"{today:%Y-%m-%d}T09:00")
    page.fill("#id_location", "Veiligheidshuis")
    page.select_option("#id_basis", "covenant")
    submit_form_with(page, "#id_title")
    conference = Conference.objects.get()
    assert page.url.endswith(f"/conferences/{conference.pk}/")
    assert_accessible(page)

    # 2. Invite the two owners-to-be: one without a basis first, which is refused.
    visit(page, f"/conferences/{conference.pk}/participants/")
    page.select_option("#id_user", str(colleague.pk))
    submit_form_with(page, "#id_user")
    assert page.locator(".field--error").count() >= 1
    assert_accessible(page)
    page.select_option("#id_user", str(colleague.pk))
    page.select_option("#id_basis", "meldcode")
    submit_form_with(page, "#id_user")
    page.select_option("#id_user", str(police.pk))
    page.select_option("#id_basis", "wpg")
    submit_form_with(page, "#id_user")
    assert conference.participants.count() == 3

    # 3. Put the case on the agenda, against the criteria.
    visit(page, f"/conferences/{conference.pk}/agenda/")
    page.fill("#id_case_reference", own_case.reference)
    page.locator("input[name=criteria]").nth(0).check()
    page.locator("input[name=criteria]").nth(5).check()
    page.fill("#id_reason", "Meerdere meldingen; de hulp loopt vast.")
    submit_form_with(page, "#id_case_reference")
    item = AgendaItem.objects.get()
    assert item.case == own_case and item.criteria.count() == 2
    assert_accessible(page)

    # 4. Minutes and two actions for two owners.
    visit(page, f"/conferences/agenda-items/{item.pk}/")
    page.fill("#id_minutes", "Besproken: veiligheid van de kinderen en de plegeraanpak.")
    submit_form_with(page, "#id_minutes")
    deadline = today + timedelta(days=14)
    actions = [(colleague, "Risicotaxatie herhalen"), (police, "Naleving contactverbod controleren")]
    for owner, text in actions:
        page.fill("#id_description", text)
        page.select_option("#id_owner", str(owner.pk))
        page.fill("#id_deadline", f"{deadline:%Y-%m-%d}")
        submit_form_with(page, "#id_description")
        assert_accessible(page)
    assert ActionItem.objects.count() == 2
    visit(page, f"/conferences/{conference.pk}/")
    assert page.get_by_text("Risicotaxatie herhalen").count() == 1

    # 5. Each owner finds their own action on "My work", and not the other's.
    for owner, mine, theirs in [
        (colleague, "Risicotaxatie herhalen", "Naleving contactverbod controleren"),
        (police, "Naleving contactverbod controleren", "Risicotaxatie herhalen"),
    ]:
        sign_in(page, owner)
        visit(page, "/my-work/")
        assert page.get_by_role("link", name=mine).count() == 1
        assert page.get_by_role("link", name=theirs).count() == 0
        assert [w.title for w in work_for(owner, today) if w.kind == "conferences.action"] == [mine]
        page.get_by_role("link", name=mine).click()
        page.wait_for_url("**/conferences/actions/*/")
        assert_accessible(page)
        submit_form_with(page, "#id_done_on")
        action = ActionItem.objects.get(owner=owner)
        assert action.status == ActionStatus.DONE and action.done_by == owner

    # The police officer is not in the case: the minutes stay closed to them.
    visit(page, f"/conferences/{conference.pk}/")
    assert page.get_by_text("Besproken: veiligheid").count() == 0
    assert_no_csp_violations(page_log)
