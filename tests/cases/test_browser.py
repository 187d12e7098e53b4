"""The case manager's plan end to end in headless Chromium: a safety plan with two short-term
measures, printed to PDF, goals in three domains, the case closed, a follow-up check due and
recorded, and My work listing the work on the way. axe checks every page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from django_otp.oath import totp
from playwright.sync_api import Page

from haard.cases.models import Case, FollowUpCheck, Goal, SafetyMeasure
from tests.browser import PageLog, assert_accessible, assert_no_csp_violations, submit_form_with
from tests.factories import TEST_PASSWORD, give_totp, make_case

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _visit(page: Page, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    assert_accessible(page)


def _submit(page: Page, selector: str) -> None:
    submit_form_with(page, selector)
    assert_accessible(page)


def test_safety_plan_goals_closure_and_follow_up(
    page: Page, page_log: PageLog, team: Any, case_manager: Any
) -> None:
    case = make_case(team=team, people=3, participants=[case_manager], reference="VT-2026-00042")
    device = give_totp(case_manager)
    today = timezone.localdate()
    page.set_default_timeout(60_000)  # a busy machine renders the first pages slowly

    page.goto("/accounts/login/")
    page.fill("#id_username", case_manager.username)
    page.fill("#id_password", TEST_PASSWORD)
    submit_form_with(page, "#id_password")
    page.fill(
        "#id_token", f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    )
    submit_form_with(page, "#id_token")

    # A safety plan with two short-term measures.
    _visit(page, f"/cases/{case.pk}/")
    _visit(page, f"/cases/{case.pk}/plan/")
    for row, (term, text) in enumerate(
        [("today", "Moeder slaapt vannacht bij haar zus"), ("this_week", "Huisbezoek met de kinderen")]
    ):
        page.select_option(f"#id_measures-{row}-term", term)
        page.fill(f"#id_measures-{row}-description", text)
        page.select_option(f"#id_measures-{row}-owner", str(case_manager.pk))
        page.fill(f"#id_measures-{row}-deadline", (today + timedelta(days=row * 3)).isoformat())
    _submit(page, "#id_measures-0-description")
    assert SafetyMeasure.objects.filter(version__plan__case=case).count() == 2
    assert "Huisbezoek met de kinderen" in page.content()  # the current plan at a glance

    # Printed: the download is a PDF.
    with page.expect_download() as download_info:
        page.click(f'a[href="/cases/{case.pk}/plan/print/"]')
    download = download_info.value
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    # My work lists the measures.
    _visit(page, "/my-work/")
    assert "Moeder slaapt vannacht" in page.content()

    # Goals in three domains.
    for domain, text in [
        ("safety", "Signaleringsplan werkt"),
        ("housing", "Eigen woning voor moeder"),
        ("finances", "Budgetplan"),
    ]:
        _visit(page, f"/cases/{case.pk}/goals/add/")
        page.select_option("#id_domain", domain)
        page.fill("#id_description", text)
        page.select_option("#id_owner", str(case_manager.pk))
        page.fill("#id_due_on", (today + timedelta(days=60)).isoformat())
        _submit(page, "#id_description")
    assert sorted(Goal.objects.filter(case=case).values_list("domain", flat=True)) == [
        "finances",
        "housing",
        "safety",
    ]

    # The case closes; follow-up checks are scheduled.
    _visit(page, f"/cases/{case.pk}/status/")
    page.select_option("#id_status", "closed")
    page.fill("#id_reason", "Doelen bereikt, het gezin is veilig")
    _submit(page, "#id_reason")
    case.refresh_from_db()
    assert case.status == "closed"
    check = FollowUpCheck.objects.filter(case=case).order_by("due_on").first()
    assert check is not None and check.months_after_closure == 3

    # Three months on (the due date moved to today), the check is on My work and recorded.
    FollowUpCheck.objects.filter(pk=check.pk).update(due_on=today)
    _visit(page, "/my-work/")
    page.click(f'a[href="/cases/{case.pk}/follow-ups/{check.pk}/"]')
    assert_accessible(page)
    page.check("#id_family_safe_0")
    page.fill("#id_notes", "Rustig thuis, kinderen gaan naar school")
    _submit(page, "#id_notes")
    check.refresh_from_db()
    assert check.status == "done" and check.family_safe is True
    assert Case.objects.get(pk=case.pk).status == "closed"
    assert_no_csp_violations(page_log)
