"""The area scan in headless Chromium, on a generated demo region: the policy officer opens
the area scan of a demo municipality, switches indicator and period, sees hidden cells marked,
and downloads the CSV, the XLSX and the PDF report. axe finds no serious or critical
violation and the Content Security Policy holds."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page

from haard.accounts.models import User
from haard.demo.generator import DEMO_PASSWORD, generate_region
from haard.insight.figures import Months
from tests.browser import PageLog, assert_accessible, assert_no_csp_violations, sign_in, submit_form_with

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _download(page: Page, selector: str) -> bytes:
    with page.expect_download() as info:
        page.locator(selector).first.click()
    return Path(info.value.path()).read_bytes()


def test_policy_officer_uses_the_area_scan(page: Page, page_log: PageLog) -> None:
    # The PDF report and a busy test machine need more than the default 10 seconds.
    page.set_default_timeout(90_000)
    page.set_default_navigation_timeout(90_000)
    generate_region(size="small", seed=2026)
    sign_in(page, User.objects.get(username="beleid"), password=DEMO_PASSWORD)

    response = page.goto("/insight/area-scan/")
    assert response is not None and response.status == 200
    assert page.locator("svg#scan-map, svg[aria-labelledby^='scan-map']").count() == 1
    assert_accessible(page)

    # Another indicator, and another period per quarter.
    page.select_option("#id_indicator", "victims_by_age")
    submit_form_with(page, "#id_indicator")
    assert "indicator=victims_by_age" in page.url
    this_year = Months.last_twelve()
    page.fill("#id_since", f"{this_year.first.year - 1}-01")
    page.fill("#id_until", f"{this_year.last:%Y-%m}")
    page.select_option("#id_granularity", "quarter")
    submit_form_with(page, "#id_granularity")
    assert "granularity=quarter" in page.url and f"since={this_year.first.year - 1}-01" in page.url
    assert page.locator("#table-trend tbody th").first.inner_text().endswith("Q1")

    # Small counts are hidden and marked, and the rule is stated with each table.
    assert page.locator("td.figure-hidden").count() > 0
    assert page.locator(".disclosure-rule").count() >= 3
    assert_accessible(page)

    csv = _download(page, "a[href*='table=neighbourhoods'][href*='format=csv']")
    assert csv.startswith(b"\xef\xbb\xbf") and b";x" in csv
    xlsx = _download(page, "a[href*='table=neighbourhoods'][href*='format=xlsx']")
    assert xlsx.startswith(b"PK")
    pdf = _download(page, "a[href*='/area-scan/report/']")
    assert pdf.startswith(b"%PDF")
    assert_no_csp_violations(page_log)
