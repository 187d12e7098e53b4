"""The pages: registering through the form, acting on an order, the board, downloads; an
outsider is refused on every page and operation; query counts do not grow with the data."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from haard.audit.models import AccessLogEntry
from haard.huisverbod import risk
from haard.huisverbod.models import DocumentPrint, HelpTask, RestrainingOrder
from tests.conftest import sign_in
from tests.factories import make_user
from tests.huisverbod.helpers import impose

pytestmark = pytest.mark.django_db


def _form_data(region: Any, *, children: int = 2, vt: bool = True, **overrides: Any) -> dict[str, Any]:
    instrument = risk.active_instrument()
    assert instrument is not None
    data: dict[str, Any] = {
        "municipality": region.municipality.pk,
        "postcode": "9401 AB",
        "house_number": "12",
        "street": "Kerkstraat",
        "town": "Assen",
        "barred_first_names": "Kees",
        "barred_surname": "Bakker",
        "barred_birth_date": "1985-03-01",
        "barred_gender": "m",
        "imposed_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "form": "written",
        "facts": "Mishandeling van de partner in het bijzijn van de kinderen.",
        "vt_consulted_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M") if vt else "",
        "vt_consultation": "Veilig Thuis (dienstdoende) adviseert opleggen." if vt else "",
        "risk_decision": "Twee rode signalen in deel A.",
        "banned-TOTAL_FORMS": "4",
        "banned-INITIAL_FORMS": "0",
        "banned-MIN_NUM_FORMS": "0",
        "banned-MAX_NUM_FORMS": "12",
        "banned-0-first_names": "Anna",
        "banned-0-surname": "Bakker",
        "banned-0-birth_date": "1987-05-02",
        "banned-0-role": "victim",
    }
    for index in range(children):
        data[f"banned-{index + 1}-first_names"] = f"Kind{index}"
        data[f"banned-{index + 1}-surname"] = "Bakker"
        data[f"banned-{index + 1}-birth_date"] = f"201{index + 5}-01-01"
        data[f"banned-{index + 1}-role"] = "child"
    for index in range(children + 1, 4):
        data[f"banned-{index}-role"] = "victim"
    for part in instrument.parts.all():
        for number, sign in enumerate(part.signs.all()):
            data[f"sign_{sign.pk}"] = "red" if part.order == 0 and number < 2 else "green"
    data.update(overrides)
    return data


def test_police_register_an_order_through_the_form(region: Any) -> None:
    client = sign_in(Client(), region.police)
    assert client.get(reverse("huisverbod:order_new")).status_code == 200
    response = client.post(reverse("huisverbod:order_new"), _form_data(region))
    order = RestrainingOrder.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "huisverbod:order_detail", args=[order.pk]
    )
    assert order.banned_contacts.count() == 3
    assert HelpTask.objects.filter(order=order).count() == 4
    page = client.get(response["Location"])
    assert page.status_code == 200 and "Kind0 Bakker" in page.content.decode()


def test_the_form_refuses_children_without_the_consultation(region: Any) -> None:
    client = sign_in(Client(), region.police)
    response = client.post(reverse("huisverbod:order_new"), _form_data(region, vt=False))
    assert response.status_code == 200
    assert "Veilig Thuis" in " ".join(response.context["form"].errors["vt_consulted_at"])
    assert RestrainingOrder.objects.count() == 0 and HelpTask.objects.count() == 0


def test_the_form_refuses_the_barred_person_in_the_contact_ban(region: Any) -> None:
    client = sign_in(Client(), region.police)
    data = _form_data(region, children=0)
    data.update(
        {"banned-0-first_names": "Kees", "banned-0-surname": "Bakker", "banned-0-birth_date": "1985-03-01"}
    )
    response = client.post(reverse("huisverbod:order_new"), data)
    assert response.status_code == 200
    assert "barred person" in " ".join(response.context["form"].non_field_errors())
    assert RestrainingOrder.objects.count() == 0


def test_the_form_refuses_an_officer_without_mandate(region: Any) -> None:
    client = sign_in(Client(), region.unmandated_police)
    response = client.post(reverse("huisverbod:order_new"), _form_data(region))
    assert "mandate" in " ".join(response.context["form"].non_field_errors())
    assert RestrainingOrder.objects.count() == 0


def test_mayor_extends_and_downloads_the_decision_and_printing_is_logged(region: Any, frozen: Any) -> None:
    frozen(datetime(2026, 11, 20, 23, 0))
    order = impose(region, children=2)
    frozen(datetime(2026, 11, 27, 15, 0))
    client = sign_in(Client(), region.mayor)
    response = client.post(
        reverse("huisverbod:order_extend", args=[order.pk]),
        {
            "hearing_at": "2026-11-27T10:00",
            "decided_at": "2026-11-27T14:00",
            "until": "2026-12-18T23:00",
            "reasons": "Het gevaar duurt voort.",
        },
    )
    assert response.status_code == 302
    document = order.documents.get(kind="extend")
    download = client.get(reverse("huisverbod:document_download", args=[order.pk, document.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert download.content.startswith(b"%PDF-")
    assert DocumentPrint.objects.filter(document=document, printed_by=region.mayor).count() == 1
    entry = AccessLogEntry.objects.filter(user=region.mayor, action="print").latest("id")
    assert order.barred_person_id in set(entry.subjects.values_list("person_id", flat=True))


def test_extension_beyond_four_weeks_is_shown_on_the_field(region: Any, frozen: Any) -> None:
    frozen(datetime(2026, 11, 20, 23, 0))
    order = impose(region)
    frozen(datetime(2026, 11, 27, 15, 0))
    response = sign_in(Client(), region.mayor).post(
        reverse("huisverbod:order_extend", args=[order.pk]),
        {
            "hearing_at": "2026-11-27T10:00",
            "decided_at": "2026-11-27T14:00",
            "until": "2026-12-25T23:00",
            "reasons": "x",
        },
    )
    assert response.status_code == 200
    assert "4 weeks" in " ".join(response.context["form"].errors["until"])
    order.refresh_from_db()
    assert order.status == "imposed" and order.hearing_at is None


def test_police_cannot_withdraw(region: Any, frozen: Any) -> None:
    frozen(datetime(2026, 11, 20, 23, 0))
    order = impose(region)
    frozen(datetime(2026, 11, 24, 10, 0))
    response = sign_in(Client(), region.police).post(
        reverse("huisverbod:order_withdraw", args=[order.pk]),
        {"withdrawn_at": "2026-11-24T09:00", "reasons": "x"},
    )
    assert response.status_code == 200
    assert "mayor" in " ".join(response.context["form"].errors["withdrawn_at"])
    order.refresh_from_db()
    assert order.status == "imposed"


def test_board_groups_deadlines(region: Any, frozen: Any) -> None:
    frozen(datetime(2026, 11, 20, 23, 0))  # Friday night
    impose(region, form="oral")
    frozen(datetime(2026, 11, 22, 9, 0))  # Sunday morning
    response = sign_in(Client(), region.mayor).get(reverse("huisverbod:board"))
    board = response.context["board"]
    assert [d.kind for d in board.overdue] == ["whereabouts"]
    assert board.due_today == []
    assert [d.kind for d in board.tomorrow] == ["written_decision"]  # Monday 23 November
    assert [d.kind for d in board.this_week] == ["hearing"]  # Friday 27 November (ends Monday 30)
    assert "24 hours after imposition" in response.content.decode()


def _all_urls(order: Any) -> list[tuple[str, str]]:
    appeal = order.appeals.first()
    document = order.documents.first()
    task = order.help_tasks.first()
    urls = [
        reverse("huisverbod:order_detail", args=[order.pk]),
        reverse("huisverbod:order_extend", args=[order.pk]),
        reverse("huisverbod:order_withdraw", args=[order.pk]),
        reverse("huisverbod:appeal_update", args=[order.pk, appeal.pk]),
        reverse("huisverbod:document_download", args=[order.pk, document.pk]),
        reverse("huisverbod:document_new", args=[order.pk, "impose"]),
        reverse("huisverbod:help_task_detail", args=[task.pk]),
    ]
    urls += [
        reverse("huisverbod:order_record", args=[order.pk, what])
        for what in ("whereabouts", "written-decision", "hearing", "breach", "appeal")
    ]
    return [(method, url) for url in urls for method in ("get", "post")]


@pytest.mark.parametrize("role", ["case_manager", "police_officer", "mayors_office", "policy_officer", None])
def test_outsiders_are_refused_everywhere(region: Any, frozen: Any, role: str | None) -> None:
    frozen(datetime(2026, 11, 20, 23, 0))
    order = impose(region, children=1)
    from haard.huisverbod import services

    services.record_appeal(actor=region.mayor, order=order, filed_on=date(2026, 11, 21))
    outsider = make_user(role)  # a role in a team of an unrelated organisation
    client = sign_in(Client(), outsider)
    before = RestrainingOrder.history.count()
    for method, url in _all_urls(order):
        response = getattr(client, method)(url, {"reasons": "x", "withdrawn_at": "2026-11-20T23:30"})
        assert response.status_code in (403, 404, 405), (method, url, response.status_code)
    for name in (
        "huisverbod:order_list",
        "huisverbod:board",
        "huisverbod:help_task_list",
        "huisverbod:order_new",
    ):
        response = client.get(reverse(name))
        assert response.status_code in (200, 403)
        assert order.reference not in response.content.decode()
    assert RestrainingOrder.history.count() == before
    assert not AccessLogEntry.objects.filter(user=outsider, subjects__isnull=False).exists()


def test_veilig_thuis_sees_orders_of_its_cases_read_only(region: Any) -> None:
    order = impose(region, children=1)
    vt_worker = make_user("case_manager", team=order.case.owning_team)
    client = sign_in(Client(), vt_worker)
    assert client.get(reverse("huisverbod:order_detail", args=[order.pk])).status_code == 200
    assert client.get(reverse("huisverbod:order_extend", args=[order.pk])).status_code == 403
    assert order.reference in client.get(reverse("huisverbod:order_list")).content.decode()


def test_the_mayors_office_of_another_municipality_sees_nothing(region: Any) -> None:
    from tests.huisverbod.helpers import make_region

    order = impose(region)
    other = make_region()
    client = sign_in(Client(), other.mayor)
    assert client.get(reverse("huisverbod:order_detail", args=[order.pk])).status_code == 404
    assert order.reference not in client.get(reverse("huisverbod:order_list")).content.decode()


@pytest.mark.parametrize("name", ["huisverbod:order_list", "huisverbod:board", "huisverbod:help_task_list"])
def test_list_query_counts_do_not_grow(region: Any, name: str, django_assert_max_num_queries: Any) -> None:
    helper = make_user("case_manager", team=region.organisations["social_team"].teams.create(name="Hulp"))
    user = helper if name == "huisverbod:help_task_list" else region.mayor
    client = sign_in(Client(), user)
    impose(region, children=1, form="oral")
    client.get(reverse(name))
    with django_assert_max_num_queries(30) as few:
        assert client.get(reverse(name)).status_code == 200
    for _ in range(4):
        impose(region, children=2, form="oral")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse(name)).status_code == 200


def test_detail_query_count_does_not_grow(region: Any, django_assert_max_num_queries: Any) -> None:
    client = sign_in(Client(), region.mayor)
    small = impose(region, form="oral")
    with django_assert_max_num_queries(40) as few:
        client.get(reverse("huisverbod:order_detail", args=[small.pk]))
    big = impose(region, children=4, form="oral")
    from haard.huisverbod import services

    for number in range(3):
        services.record_breach(
            actor=region.police, order=big, occurred_at=timezone.now(), police_report_reference=f"PL-{number}"
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("huisverbod:order_detail", args=[big.pk])).status_code == 200
