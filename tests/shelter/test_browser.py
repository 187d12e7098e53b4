"""The shelter coordinator in headless Chromium: places a mother with two children, and the
regional capacity page's free places drop by three. axe checks every page on the way."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from haard.shelter.models import Placement, PlaceType
from tests.browser import (
    PageLog,
    assert_accessible,
    assert_no_csp_violations,
    sign_in,
    submit_form_with,
    visit,
)
from tests.shelter.factories import SECRET, coordinator_of, make_facility, place, wait

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _free(page: Page) -> int:
    return int(page.locator("#total-free").inner_text().strip())


def test_a_coordinator_places_a_mother_with_two_children(page: Page, page_log: PageLog) -> None:
    facility = make_facility(adult=5, child=6)
    make_facility(region=facility.region, adult=2, child=2, facility_type="crisis")
    coordinator = coordinator_of(facility, username="opvang")
    place(facility, by=coordinator)
    wait(facility, by=coordinator, priority=1)
    page.set_default_timeout(30_000)  # a busy machine renders slowly; the steps stay the same

    sign_in(page, coordinator)

    visit(page, "/shelter/capacity/")
    before = _free(page)
    assert before == 4 + 6 + 2 + 2
    assert SECRET in page.content()  # their own facility

    visit(page, "/shelter/")
    page.get_by_role("link", name=facility.name).click()
    page.wait_for_url(f"**/shelter/facilities/{facility.pk}/")
    assert_accessible(page)
    page.locator(f"a[href='/shelter/facilities/{facility.pk}/place/']").click()
    page.wait_for_url("**/place/")
    assert_accessible(page)
    page.fill("#id_first_names", "Fatima")
    page.fill("#id_surname", "El Amrani")
    page.fill("#id_birth_date", "1990-03-04")
    page.fill("#id_child_1_first_names", "Yasmin")
    page.fill("#id_child_1_birth_date", "2016-05-06")
    page.fill("#id_child_2_first_names", "Omar")
    page.fill("#id_child_2_birth_date", "2019-07-08")
    submit_form_with(page, "#id_surname")
    mother = Placement.objects.get(person__first_names="Fatima")
    assert page.url.endswith(f"/shelter/placements/{mother.pk}/")
    assert_accessible(page)
    assert "Yasmin" in page.content() and "Omar" in page.content()
    assert sorted(mother.children.values_list("place_type", flat=True)) == [PlaceType.CHILD] * 2

    visit(page, "/shelter/capacity/")
    assert _free(page) == before - 3

    visit(page, f"/shelter/facilities/{facility.pk}/")
    assert "Fatima" in page.content()
    assert_no_csp_violations(page_log)
