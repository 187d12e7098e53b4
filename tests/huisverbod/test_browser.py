"""The restraining order end to end in headless Chromium: the police officer registers an order
at night with two children in the contact ban (Veilig Thuis consulted), help tasks appear for
all four people, the mayor's office extends it after a hearing and downloads the PDF decision,
and the deadline board shows the right dates. axe checks every page on the way."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page

from haard.huisverbod import risk
from haard.huisverbod.models import DeadlineStatus, HelpTask, RestrainingOrder
from tests.browser import (
    PageLog,
    assert_accessible,
    assert_no_csp_violations,
    sign_in,
    submit_form_with,
    visit,
)
from tests.huisverbod.helpers import make_region

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _field(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _column(due: datetime, now: datetime) -> str:
    day, today = timezone.localtime(due).date(), timezone.localdate(now)
    if due < now:
        return "overdue"
    if day == today:
        return "today"
    return "tomorrow" if day == today + timedelta(days=1) else "week"


def test_night_order_with_children_help_extension_pdf_and_board(
    page: Page, page_log: PageLog, browser: Browser, live_server: Any
) -> None:
    # Making a decision renders a PDF; the first rendering of a process loads the fonts, which
    # on a busy machine takes longer than a page normally may: load them before the clock runs.
    from weasyprint import HTML

    HTML(string="<p>warm</p>").write_pdf()
    page.set_default_timeout(120_000)
    region = make_region()
    region.police.username = "politie"
    region.police.save()
    region.mayor.username = "burgemeester"
    region.mayor.save()
    instrument = risk.active_instrument()
    assert instrument is not None
    night = timezone.localtime() - timedelta(days=5)
    imposed_at = night.replace(hour=2, minute=30, second=0, microsecond=0)

    # 1. The police officer registers the order at night, two children in the contact ban.
    sign_in(page, region.police)
    visit(page, "/restraining-orders/new/")
    page.select_option("#id_municipality", str(region.municipality.pk))
    page.fill("#id_postcode", "9401 AB")
    page.fill("#id_house_number", "12")
    page.fill("#id_street", "Kerkstraat")
    page.fill("#id_town", "Assen")
    page.fill("#id_barred_first_names", "Kees")
    page.fill("#id_barred_surname", "Bakker")
    page.fill("#id_barred_birth_date", "1985-03-01")
    page.fill("#id_imposed_at", _field(imposed_at))
    page.fill("#id_facts", "Mishandeling van de partner in het bijzijn van de kinderen.")
    page.fill("#id_vt_consulted_at", _field(imposed_at - timedelta(minutes=20)))
    page.fill("#id_vt_consultation", "Dienstdoende Veilig Thuis adviseert opleggen.")
    page.fill("#id_risk_decision", "Twee rode signalen in deel A.")
    people = [
        ("Anna", "1987-05-02", "victim"),
        ("Lotte", "2016-02-02", "child"),
        ("Sem", "2019-07-07", "child"),
    ]
    for index, (first, born, role) in enumerate(people):
        page.fill(f"#id_banned-{index}-first_names", first)
        page.fill(f"#id_banned-{index}-surname", "Bakker")
        page.fill(f"#id_banned-{index}-birth_date", born)
        page.select_option(f"#id_banned-{index}-role", role)
    first_part = instrument.parts.all()[0]
    for sign in list(first_part.signs.all())[:2]:
        page.check(f"#id_sign_{sign.pk}_2")
    assert_accessible(page)
    submit_form_with(page, "#id_facts")
    order = RestrainingOrder.objects.get()
    assert page.url.endswith(f"/restraining-orders/{order.pk}/")
    assert_accessible(page)

    # 2. Help tasks for all four people, on the order's page.
    rows = page.locator("#help-tasks tbody tr")
    assert rows.count() == 4
    help_text = page.locator("#help-tasks").inner_text()
    for name in ("Kees Bakker", "Anna Bakker", "Lotte Bakker", "Sem Bakker"):
        assert name in help_text
    assert HelpTask.objects.filter(order=order, recipient="child").count() == 2

    # 3. The mayor's office sees the board, hears the parties, extends, downloads the decision.
    context = browser.new_context(base_url=live_server.url, locale="nl-NL", accept_downloads=True)
    context.set_default_timeout(120_000)
    mayor = context.new_page()
    sign_in(mayor, region.mayor)
    visit(mayor, "/restraining-orders/board/")
    now = timezone.now()
    for deadline in order.deadlines.filter(status=DeadlineStatus.OPEN):
        if timezone.localtime(deadline.due_at).date() > timezone.localdate(now) + timedelta(days=7):
            continue
        if deadline.kind in ("order_end", "latest_end") and deadline.due_at < now:
            continue
        column = mayor.locator(f"#column-{_column(deadline.due_at, now)}").inner_text()
        assert f"{timezone.localtime(deadline.due_at):%d-%m-%Y %H:%M}" in column, deadline.kind
    assert "whereabouts" in mayor.locator("#column-overdue").inner_html()

    visit(mayor, f"/restraining-orders/{order.pk}/extend/")
    until = imposed_at + timedelta(days=21)
    mayor.fill("#id_hearing_at", _field(now - timedelta(hours=2)))
    mayor.fill("#id_decided_at", _field(now - timedelta(minutes=5)))
    mayor.fill("#id_until", _field(until))
    mayor.fill("#id_reasons", "Na het horen van partijen: het gevaar duurt voort.")
    submit_form_with(mayor, "#id_reasons")
    assert mayor.url.endswith(f"/restraining-orders/{order.pk}/")
    assert_accessible(mayor)
    order.refresh_from_db()
    assert order.status == "extended"
    assert f"{timezone.localtime(until):%d-%m-%Y %H:%M}" in mayor.locator("#order-ends").inner_text()
    decision = order.documents.get(kind="extend")
    with mayor.expect_download() as info:
        mayor.locator(f'#documents a[href="/restraining-orders/{order.pk}/documents/{decision.pk}/"]').click()
    path = info.value.path()
    with open(path, "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    assert "extend" in info.value.suggested_filename

    # 4. After the extension the board holds no extension deadlines; the order's page shows why.
    visit(mayor, "/restraining-orders/board/")
    board = mayor.locator("main").inner_html()
    assert 'data-kind="extension_decision"' not in board and 'data-kind="hearing"' not in board
    latest = order.deadlines.get(kind="latest_end")
    assert latest.status == DeadlineStatus.OPEN
    assert timezone.localtime(latest.due_at) == timezone.localtime(imposed_at + timedelta(weeks=4))
    context.close()
    assert_no_csp_violations(page_log)
