"""One family from report to follow-up in headless Chromium (issue 5): a report is assessed
within the clock (acute unsafety, a second expert confirms), Veilig Thuis makes a safety plan
with two short-term measures and prints it to PDF, the case is handed over to a social team that
accepts it and leads it from then on, the plan gets goals in three domains, the case closes, and
a follow-up check falls due and is recorded. An outsider gets 404 on the case and the
assessment. axe checks every page on the way.

Selectors use ids, names and attributes; where the page only says it in words, the expected
words come from the Dutch catalogue, the language the browser asks for."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django.utils.text import capfirst
from playwright.sync_api import Page

from haard.accounts.models import OrganisationType
from haard.cases import services as case_services
from haard.cases.models import (
    Case,
    CaseParticipant,
    CaseStatus,
    FollowUpCheck,
    FollowUpStatus,
    Goal,
    SafetyMeasure,
)
from haard.triage.models import AssessedReport, AssessmentStatus, HandOver, HandOverStatus, Outcome
from tests.browser import (
    PageLog,
    assert_accessible,
    assert_no_csp_violations,
    sign_in,
    submit_form_with,
    visit,
)
from tests.factories import OrganisationFactory, TeamFactory, make_user
from tests.intake.factories import make_report
from tests.triage.factories import assessor, family, intake_worker, social_team_worker

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

MEASURES = [("today", "Moeder slaapt vannacht bij haar zus"), ("this_week", "Huisbezoek met de kinderen")]
GOALS = [
    ("safety", "Signaleringsplan werkt"),
    ("housing", "Eigen woning voor moeder"),
    ("finances", "Budgetplan"),
]


def _measures(case: Case) -> list[tuple[str, str]]:
    """The measures of the case's safety plan: (term, description), sorted."""
    return sorted(SafetyMeasure.objects.filter(version__plan__case=case).values_list("term", "description"))


def _submit(page: Page, selector: str) -> None:
    """Submit the form holding `selector`; it must be accepted (no errors on the next page)."""
    submit_form_with(page, selector)
    assert page.locator(".field--error, .message--error").count() == 0, page.locator("main").inner_text()
    assert_accessible(page)


def test_report_to_follow_up_for_one_family(page: Page, page_log: PageLog) -> None:
    page.set_default_timeout(60_000)  # a busy machine renders the first pages (and the PDF) slowly
    household, people = family(3)
    report = make_report(actor=intake_worker(), people=people, municipality=household.address.municipality)
    # The report's commit took it into an assessment (the post_save signal, on commit).
    assessment = AssessedReport.objects.get(report=report).assessment
    first = assessor(username="beoordelaar")
    second = assessor(username="beoordelaar2")
    social = OrganisationFactory(name="Wijkteam Hoogeveen", type=OrganisationType.SOCIAL_TEAM)
    worker = social_team_worker(social)
    # An assessor, but not at Veilig Thuis, and in no relation to the family.
    outsider = make_user("safety_assessor", team=TeamFactory(), username="buitenstaander")
    today = timezone.localdate()
    with translation.override("nl"):
        acute = capfirst(str(Outcome.ACUTE.label))

    # 1. The assessor finds the report on the clock, answers the instrument: acute unsafety.
    sign_in(page, first)
    visit(page, "/assessments/?show=due")
    row = page.locator("tr", has=page.locator(f"a[href='/assessments/{assessment.pk}/']"))
    assert f"{assessment.due_on:%Y-%m-%d}" in row.inner_text()
    assert row.locator(".badge--warning").count() == 0  # not overdue
    page.click(f"a[href='/assessments/{assessment.pk}/']")
    assert_accessible(page)
    page.fill("#id_notes", "Melder hoorde dreigementen met een mes.")
    for item in assessment.instrument.items.prefetch_related("options"):
        page.check(f"input[name='item_{item.code}'][value='{item.options.first().code}']")
    page.check("input[name='item_acute-danger'][value='yes']")
    page.locator("#outcome strong").get_by_text(acute, exact=True).wait_for()  # the htmx preview
    with page.expect_navigation():
        page.click("button[value=complete]")
    assert page.locator(".field--error, .message--error").count() == 0, page.locator("main").inner_text()
    assert_accessible(page)
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.AWAITING_CONFIRMATION
    assert assessment.outcome == Outcome.ACUTE

    # 2. A second expert confirms, within the clock.
    sign_in(page, second)
    visit(page, f"/assessments/{assessment.pk}/confirm/")
    page.check("input[name=decision][value=confirm]")
    _submit(page, "#id_note")
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.COMPLETE and assessment.second_assessor == second
    assert assessment.assessed_at is not None and assessment.confirmed_at is not None
    assert timezone.localdate(assessment.confirmed_at) <= assessment.due_on

    # 3. The assessor proposes the hand-over to the social team; Veilig Thuis keeps the case
    # until the team accepts.
    sign_in(page, first)
    visit(page, f"/assessments/{assessment.pk}/route/")
    page.select_option("#id_route", "handover")
    page.fill("#id_reason", "Het wijkteam kent het gezin.")
    page.select_option("#id_target", "social_team")
    page.select_option("#id_receiving_organisation", str(social.pk))
    _submit(page, "#id_reason")
    handover = HandOver.objects.get(assessment=assessment)
    case = Case.objects.get(pk=handover.case_id)
    assert handover.status == HandOverStatus.PROPOSED
    assert case.lead_organisation.type == OrganisationType.VEILIG_THUIS

    # 4. Meanwhile Veilig Thuis makes the safety plan: two short-term measures.
    visit(page, f"/cases/{case.pk}/")
    visit(page, f"/cases/{case.pk}/plan/")
    for row_number, (term, text) in enumerate(MEASURES):
        page.select_option(f"#id_measures-{row_number}-term", term)
        page.fill(f"#id_measures-{row_number}-description", text)
        page.select_option(f"#id_measures-{row_number}-owner", str(first.pk))
        page.fill(f"#id_measures-{row_number}-deadline", (today + timedelta(days=row_number * 3)).isoformat())
    _submit(page, "#id_measures-0-description")
    assert _measures(case) == sorted(MEASURES)
    assert MEASURES[1][1] in page.locator("#safety-plan ~ table").first.inner_text()

    # ... and prints it: the download is a PDF.
    with page.expect_download() as download_info:
        page.click(f'a[href="/cases/{case.pk}/plan/print/"]')
    with open(download_info.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    # The measures are on the owner's "My work".
    visit(page, "/my-work/")
    assert MEASURES[0][1] in page.content()

    # Before accepting, the social team does not see the case.
    sign_in(page, worker)
    visit(page, f"/cases/{case.pk}/", status=404)

    # 5. The social team accepts and leads the case from now on; the notes stay with Veilig Thuis.
    visit(page, "/assessments/handovers/")
    page.click(f"a[href='/assessments/handovers/{handover.pk}/']")
    assert_accessible(page)
    assert "Melder hoorde dreigementen" not in page.content()
    page.check("input[name=decision][value=accept]")
    _submit(page, "#id_reason")
    handover.refresh_from_db()
    case.refresh_from_db()
    assert handover.status == HandOverStatus.ACCEPTED
    assert case.lead_organisation == social
    assert CaseParticipant.objects.filter(case=case, user=worker, left_on__isnull=True).exists()
    # The worker takes part and may manage the case; Veilig Thuis still owns it (its team),
    # so its assessor may too. The outsider may not.
    assert case_services.may_manage(worker, case) and case_services.may_manage(first, case)
    assert not case_services.may_manage(outsider, case)

    # The plan made before the hand-over is still the case's plan after it.
    visit(page, f"/cases/{case.pk}/")
    short_term = page.locator("#safety-plan ~ table").first.inner_text()
    assert all(text in short_term for _term, text in MEASURES)
    assert _measures(case) == sorted(MEASURES)

    # Accepting made the worker case director: the plan's work and follow-up come to them.
    visit(page, f"/cases/{case.pk}/lead/")
    assert page.locator("#id_lead_organisation").input_value() == str(social.pk)
    assert page.locator("#id_case_director").input_value() == str(worker.pk)
    assert case.case_director == worker

    # 6. Goals in three domains.
    for domain, text in GOALS:
        visit(page, f"/cases/{case.pk}/goals/add/")
        page.select_option("#id_domain", domain)
        page.fill("#id_description", text)
        page.select_option("#id_owner", str(worker.pk))
        page.fill("#id_due_on", (today + timedelta(days=60)).isoformat())
        _submit(page, "#id_description")
    assert sorted(Goal.objects.filter(case=case).values_list("domain", "description")) == sorted(GOALS)

    # 7. The case closes; follow-up checks are scheduled.
    visit(page, f"/cases/{case.pk}/status/")
    page.select_option("#id_status", "closed")
    page.fill("#id_reason", "Doelen bereikt, het gezin is veilig")
    _submit(page, "#id_reason")
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    check = FollowUpCheck.objects.filter(case=case).order_by("due_on").first()
    assert check is not None and check.months_after_closure == 3

    # 8. Three months on (the due date moved to today), the check is on "My work" and recorded.
    FollowUpCheck.objects.filter(pk=check.pk).update(due_on=today)
    visit(page, "/my-work/")
    page.click(f'a[href="/cases/{case.pk}/follow-ups/{check.pk}/"]')
    assert_accessible(page)
    page.check("#id_family_safe_0")
    page.fill("#id_notes", "Rustig thuis, kinderen gaan naar school")
    _submit(page, "#id_notes")
    check.refresh_from_db()
    assert check.status == FollowUpStatus.DONE and check.family_safe is True
    assert Case.objects.get(pk=case.pk).status == CaseStatus.CLOSED

    # The outsider sees neither the case nor the assessment.
    sign_in(page, outsider)
    visit(page, f"/cases/{case.pk}/", status=404)
    visit(page, f"/assessments/{assessment.pk}/", status=404)
    assert_no_csp_violations(page_log)
