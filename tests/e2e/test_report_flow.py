"""The intake flow end to end in headless Chromium: a phone report for a known family found by
search, a police file with bad rows (error report downloaded, valid rows in), a possible match
confirmed in the review queue, the address red on the address view, and the reconciliation's
three counts. axe checks every page on the way."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from haard.accounts.models import OrganisationType
from haard.intake.imports.models import ImportBatch
from haard.intake.models import PoliceIncident, Report
from haard.registry.models import HouseholdMember, Person, PossibleMatch
from tests.browser import (
    PageLog,
    assert_accessible,
    assert_no_csp_violations,
    sign_in,
    submit_form_with,
    visit,
)
from tests.factories import (
    AddressFactory,
    DistrictFactory,
    HouseholdFactory,
    MunicipalityFactory,
    NeighbourhoodFactory,
    OrganisationFactory,
    TeamFactory,
    make_user,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

HEADER = (
    "registratienummer;datum_incident;incidentcode;gemeentecode;postcode;huisnummer;straat;woonplaats;"
    "doorgezet_veilig_thuis;reden_niet_doorgezet;rol;bsn;voornamen;tussenvoegsel;achternaam;geboortedatum;geslacht"
)


def test_phone_report_import_review_and_the_address_turns_red(
    page: Page, page_log: PageLog, settings: Any, tmp_path: Path
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path
    municipality = MunicipalityFactory(code="GM0118", name="Hoogeveen")
    neighbourhood = NeighbourhoodFactory(district=DistrictFactory(municipality=municipality))
    home = AddressFactory(
        postcode="7901AB",
        house_number=3,
        street="Hoofdstraat",
        town="Hoogeveen",
        municipality=municipality,
        neighbourhood=neighbourhood,
    )
    household = HouseholdFactory(address=home, name="Visser")
    eva = Person.objects.create(first_names="Eva", surname="Visser", birth_date=date(1990, 1, 2), gender="f")
    HouseholdMember.objects.create(household=household, person=eva, role="parent")
    OrganisationFactory(name="Politie Drenthe", type=OrganisationType.POLICE)
    intake = make_user(
        "intake_worker",
        team=TeamFactory(organisation=OrganisationFactory(type=OrganisationType.VEILIG_THUIS)),
    )

    sign_in(page, intake)

    # 1. A phone report for the known family, found by search.
    visit(page, "/reports/new/")
    page.select_option("#id_source", "phone_line")
    page.select_option("#id_municipality", str(municipality.pk))
    page.fill("#id_postcode", "7901 ab")
    page.fill("#id_house_number", "3")
    page.locator("#id_house_number").dispatch_event("change")
    page.fill("#people-0-q", "Visser")
    page.locator(f"#people-0-person-{eva.pk}").check()
    page.select_option("#id_people-0-role", "victim")
    page.locator("input[name=violence_types]").first.check()
    page.locator("input[name=initial_severity][value='4']").check()
    page.fill("#id_narrative", "Buurman belt: geschreeuw en glasgerinkel.")
    assert_accessible(page)
    submit_form_with(page, "#id_narrative")
    report = Report.objects.get()
    assert page.url.endswith(f"/reports/{report.pk}/")
    assert list(report.people.all()) == [eva]
    assert report.incident_address == home
    assert_accessible(page)

    # 2. A police file with bad rows: the valid incident comes in, the error report downloads.
    csv = tmp_path / "politie.csv"
    csv.write_text(
        "\n".join(
            [
                HEADER,
                "2026-0001;02-11-2026 22:10;HG-FYS;GM0118;7901 AB;3;Hoofdstraat;Hoogeveen;nee;;"
                "SL;;E.;;Visser;;V",
                "2026-0002;31-02-2026;HG-PSY;GM0118;7901 AB;5;Hoofdstraat;Hoogeveen;ja;;"
                "SL;123456789;Piet;;Bos;;M",
                "2026-0003;01-11-2026;HG-ZZZ;GM0118;;;;;ja;;XX;;Ans;;Smit;;V",
            ]
        ),
        encoding="utf-8",
    )
    visit(page, "/reports/imports/new/")
    page.set_input_files("#id_file", str(csv))
    page.select_option("#id_mode", "valid_rows")
    submit_form_with(page, "#id_file")
    batch = ImportBatch.objects.get()
    assert batch.status == "done"
    assert PoliceIncident.objects.count() == 1
    assert_accessible(page)
    with page.expect_download() as download:
        page.locator("a[href$='errors.csv']").click()
    errors = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "31-02-2026" in errors and "bsn" in errors.lower()

    # 3. The police's "E. Visser" at the same address is a possible match: confirm it.
    match = PossibleMatch.objects.get(status="open")
    visit(page, "/people/possible-matches/")
    visit(page, f"/people/possible-matches/{match.pk}/")
    page.locator("input[name=decision][value=confirm]").check()
    page.locator(f"input[name=keep][value='{eva.pk}']").check()
    page.fill("textarea[name=reason]", "Zelfde adres, initiaal past, politie bevestigt telefonisch.")
    submit_form_with(page, "input[name=decision]")
    match.refresh_from_db()
    assert match.status == "confirmed"
    assert_accessible(page)

    # 4. Two incidents, one red, within 12 months: the address is red.
    visit(page, f"/insight/addresses/?municipality={municipality.code}")
    row = page.locator("tr", has=page.locator(f"a[href='/insight/addresses/{home.pk}/']"))
    assert row.locator(".colour--red").count() >= 1

    # 5. Reconciliation shows the three counts.
    visit(page, f"/insight/reconciliation/?municipality={municipality.code}")
    # The incident of 2 November is three weeks before the phone report: outside the 14-day
    # window, so one police-only incident and one Veilig Thuis-only report.
    figures = page.locator(".figure").all_inner_texts()
    assert [f.strip() for f in figures[:3]] == ["0", "1", "1"]
    assert_no_csp_violations(page_log)
