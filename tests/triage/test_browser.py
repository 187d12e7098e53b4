"""The assessment flow end to end in headless Chromium: an intake worker's report is taken
into an assessment; the assessor (`beoordelaar`) finds acute unsafety; a second expert
confirms; the route is a hand-over to a social team, which accepts it and then leads the case.
axe checks every page on the way."""

from __future__ import annotations

from typing import Any

import pytest
from django_otp.oath import totp
from playwright.sync_api import Page

from haard.accounts.models import OrganisationType
from haard.cases.models import Case, CaseParticipant
from haard.triage.models import AssessedReport, AssessmentStatus, HandOver, HandOverStatus
from tests.browser import PageLog, assert_accessible, assert_no_csp_violations, submit_form_with
from tests.factories import TEST_PASSWORD, OrganisationFactory, give_totp
from tests.intake.factories import make_report
from tests.triage.factories import assessor, family, intake_worker, social_team_worker

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _visit(page: Page, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    assert_accessible(page)


def _sign_in(page: Page, user: Any) -> None:
    page.context.clear_cookies()
    device = user.totpdevice_set.filter(confirmed=True).first() or give_totp(user)
    # The same user signs in again within one 30-second step: allow the code once more.
    device.last_t = -1
    device.save(update_fields=["last_t"])
    page.goto("/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", TEST_PASSWORD)
    submit_form_with(page, "#id_password")
    page.fill(
        "#id_token", f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    )
    submit_form_with(page, "#id_token")


def test_acute_report_confirmed_and_handed_over_to_a_social_team(page: Page, page_log: PageLog) -> None:
    household, people = family(3)
    report = make_report(actor=intake_worker(), people=people, municipality=household.address.municipality)
    # The report's commit took it into an assessment (the post_save signal, on commit).
    assessment = AssessedReport.objects.get(report=report).assessment
    first = assessor(username="beoordelaar")
    second = assessor(username="beoordelaar2")
    social = OrganisationFactory(name="Wijkteam Hoogeveen", type=OrganisationType.SOCIAL_TEAM)
    worker = social_team_worker(social)

    # 1. The assessor sees the clock, answers the instrument and finds acute unsafety.
    _sign_in(page, first)
    _visit(page, "/assessments/?show=due")
    assert "working days left" in page.content()
    page.click(f"text={assessment.reference}")
    assert_accessible(page)
    page.fill("#id_notes", "Melder hoorde dreigementen met een mes.")
    for item in assessment.instrument.items.prefetch_related("options"):
        page.check(f"input[name='item_{item.code}'][value='{item.options.first().code}']")
    page.check("input[name='item_acute-danger'][value='yes']")
    page.locator("#outcome").get_by_text("Acute unsafety", exact=True).wait_for()  # htmx preview
    with page.expect_navigation():
        page.click("button[value=complete]")
    assert "errorlist" not in page.content(), page.locator("main").inner_text()
    assert_accessible(page)
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.AWAITING_CONFIRMATION

    # 2. The second expert confirms.
    _sign_in(page, second)
    _visit(page, f"/assessments/{assessment.pk}/confirm/")
    page.check("input[name=decision][value=confirm]")
    submit_form_with(page, "#id_note")
    assert_accessible(page)
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.COMPLETE and assessment.second_assessor == second

    # 3. The assessor hands the family over to the social team.
    _sign_in(page, first)
    _visit(page, f"/assessments/{assessment.pk}/route/")
    page.select_option("#id_route", "handover")
    page.fill("#id_reason", "Het wijkteam kent het gezin.")
    page.select_option("#id_target", "social_team")
    page.select_option("#id_receiving_organisation", str(social.pk))
    submit_form_with(page, "#id_reason")
    assert_accessible(page)
    handover = HandOver.objects.get(assessment=assessment)
    case = Case.objects.get(pk=handover.case_id)
    assert case.lead_organisation.type == OrganisationType.VEILIG_THUIS

    # 4. The social team accepts and leads the case from now on.
    _sign_in(page, worker)
    _visit(page, "/assessments/handovers/")
    page.click(f"a[href='/assessments/handovers/{handover.pk}/']")
    assert_accessible(page)
    assert "Melder hoorde dreigementen" not in page.content()  # the notes stay with Veilig Thuis
    page.check("input[name=decision][value=accept]")
    submit_form_with(page, "#id_reason")
    assert_accessible(page)
    handover.refresh_from_db()
    case.refresh_from_db()
    assert handover.status == HandOverStatus.ACCEPTED
    assert case.lead_organisation == social
    assert CaseParticipant.objects.filter(case=case, user=worker, left_on__isnull=True).exists()
    assert_no_csp_violations(page_log)
