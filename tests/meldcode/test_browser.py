"""The meldcode end to end in headless Chromium: a teacher walks the five steps to "report",
Veilig Thuis' intake worker gives feedback, and the teacher later sees it. axe checks every
page on the way."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from haard.accounts.models import OrganisationType
from haard.intake.models import Report
from haard.meldcode.models import MeldcodeRecord, RecordStatus
from tests.browser import (
    PageLog,
    assert_accessible,
    assert_no_csp_violations,
    sign_in,
    submit_form_with,
    visit,
)
from tests.factories import OrganisationFactory, TeamFactory, make_user
from tests.meldcode.factories import home_municipality

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_teacher_reports_under_the_meldcode_and_sees_veilig_thuis_feedback(
    page: Page, page_log: PageLog
) -> None:
    # A loaded machine serves the first pages slowly: allow more than the default 10 seconds.
    page.set_default_timeout(60_000)
    municipality = home_municipality()
    school = TeamFactory(
        organisation=OrganisationFactory(name="Basisschool De Klaverweide", type=OrganisationType.SCHOOL)
    )
    teacher = make_user("professional", team=school, username="leerkracht")
    intake = make_user(
        "intake_worker",
        team=TeamFactory(organisation=OrganisationFactory(type=OrganisationType.VEILIG_THUIS)),
    )

    # The teacher opens a record with the child and the address.
    sign_in(page, teacher)
    visit(page, "/meldcode/new/")
    page.fill("#id_concern", "Blauwe plekken en angstig gedrag")
    page.select_option("#id_municipality", str(municipality.pk))
    page.fill("#id_postcode", "7901 AB")
    page.fill("#id_house_number", "3")
    page.fill("#id_street", "Hoofdstraat")
    page.fill("#id_town", "Hoogeveen")
    page.fill("#id_people-0-first_names", "Sanne")
    page.fill("#id_people-0-surname", "Jansen")
    page.select_option("#id_people-0-role", "child_in_household")
    submit_form_with(page, "#id_concern")
    record = MeldcodeRecord.objects.get()
    page.wait_for_url(f"**/meldcode/{record.pk}/")
    assert_accessible(page)

    # Steps 1 to 4, each from the record's button.
    visit(page, f"/meldcode/{record.pk}/step/1/")
    page.fill("#id_signs", "Blauwe plekken op beide armen; schrikt bij aanraking.")
    submit_form_with(page, "#id_signs")
    visit(page, f"/meldcode/{record.pk}/step/2/")
    page.check("#id_consulted_colleague")
    page.check("#id_consulted_veilig_thuis")
    page.fill("#id_consultation_notes", "Intern begeleider en Veilig Thuis: zorgelijk, gesprek voeren.")
    submit_form_with(page, "#id_consultation_notes")
    visit(page, f"/meldcode/{record.pk}/step/3/")
    page.check("input[name=conversation_held][value=yes]")
    page.fill("#id_conversation_notes", "Moeder ontkent; kind zegt dat vader slaat.")
    submit_form_with(page, "#id_conversation_notes")
    visit(page, f"/meldcode/{record.pk}/step/4/")
    page.check("input[name=risk][value='4']")
    page.fill("#id_weighing_notes", "Structureel onveilig.")
    submit_form_with(page, "#id_weighing_notes")
    assert_accessible(page)

    # Step 5: question 1 "yes", question 2 "yes" → report.
    visit(page, f"/meldcode/{record.pk}/decide/")
    page.check("input[name=answer][value=yes]")
    submit_form_with(page, "input[name=answer]")
    assert_accessible(page)
    page.check("input[name=answer][value=yes]")
    page.fill("#id_note", "Structurele onveiligheid.")
    submit_form_with(page, "input[name=answer]")
    record.refresh_from_db()
    assert record.status == RecordStatus.REPORTED
    report = Report.objects.get()
    assert report.reporter_organisation == school.organisation
    page.wait_for_url(f"**/meldcode/{record.pk}/")
    assert report.reference in page.content()
    assert_accessible(page)

    # Veilig Thuis confirms receipt and later gives the outcome.
    sign_in(page, intake)
    visit(page, "/meldcode/feedback/")
    page.locator(f"a[href='/meldcode/{record.pk}/feedback/']").click()
    page.wait_for_url(f"**/meldcode/{record.pk}/feedback/")
    assert_accessible(page)
    page.check("input[name=stage][value=received]")
    submit_form_with(page, "input[name=stage]")
    visit(page, f"/meldcode/{record.pk}/feedback/")
    page.check("input[name=stage][value=outcome]")
    page.select_option("#id_outcome", "hand_over")
    page.fill("#id_note", "Het gezin krijgt hulp van het sociaal team. Dank voor uw melding.")
    submit_form_with(page, "input[name=stage]")
    assert record.feedback.count() == 2

    # The teacher sees the feedback on the record.
    sign_in(page, teacher)
    visit(page, f"/meldcode/{record.pk}/")
    assert "Dank voor uw melding." in page.content()
    visit(page, "/meldcode/")
    assert record.reference in page.content()
    assert_no_csp_violations(page_log)
