"""Intake pages: take a report by phone, the list with filters and saved views, the report
page with the reporter's anonymity, the history shown while taking a report."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from haard.audit.models import AccessLogEntry
from haard.intake.models import Report, SavedView, ViolenceType
from haard.registry.models import Address, Person
from tests.conftest import sign_in
from tests.factories import AddressFactory, MunicipalityFactory, OrganisationFactory, PersonFactory, make_user
from tests.intake.factories import make_report, police_user, veilig_thuis_user

pytestmark = pytest.mark.django_db


def _form(municipality: Any, **overrides: Any) -> dict[str, Any]:
    data = {
        "kind": "report",
        "source": "phone_line",
        "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "municipality": municipality.pk,
        "postcode": "7901 ab",
        "house_number": "12a",
        "street": "Dorpstraat",
        "town": "Haardstad",
        "violence_types": [ViolenceType.objects.get(code="physical").pk],
        "initial_severity": "3",
        "narrative": "Buren horen geschreeuw.",
        "people-TOTAL_FORMS": "3",
        "people-INITIAL_FORMS": "0",
        "people-MIN_NUM_FORMS": "0",
        "people-MAX_NUM_FORMS": "30",
    }
    data.update(overrides)
    return data


def test_phone_report_for_a_known_person_and_a_new_child() -> None:
    municipality = MunicipalityFactory()
    known = PersonFactory()
    intake = veilig_thuis_user()
    client = sign_in(Client(), intake)
    assert client.get(reverse("intake:report_new")).status_code == 200
    response = client.post(
        reverse("intake:report_new"),
        _form(
            municipality,
            **{
                "people-0-person": known.pk,
                "people-0-role": "victim",
                "people-1-first_names": "Noor",
                "people-1-surname": "Bakker",
                "people-1-birth_date": "2019-04-02",
                "people-1-role": "child_witness",
            },
        ),
    )
    report = Report.objects.get()
    assert response["Location"] == reverse("intake:report_detail", args=[report.pk])
    assert report.incident_address.postcode == "7901AB" and report.incident_address.house_letter == "A"
    assert sorted(report.involved.values_list("role", flat=True)) == ["child_witness", "victim"]
    assert Person.objects.filter(surname="Bakker").exists()
    page = client.get(response["Location"]).content.decode()
    assert "Noor Bakker" in page and report.reference in page


def test_bad_input_names_the_field_and_writes_nothing() -> None:
    municipality = MunicipalityFactory()
    client = sign_in(Client(), veilig_thuis_user())
    response = client.post(
        reverse("intake:report_new"),
        _form(
            municipality,
            postcode="0000 XX",
            house_number="twaalf",
            **{"people-0-surname": "Jansen", "people-0-bsn": "123456789", "people-1-role": "victim"},
        ),
    )
    assert response.status_code == 200
    form, people = response.context["form"], response.context["people"]
    assert "postcode" in form.errors and "house_number" in form.errors
    assert "bsn" in people.forms[0].errors and "role" in people.forms[0].errors
    assert "surname" in people.forms[1].errors
    assert not Report.objects.exists() and not Address.objects.exists() and not Person.objects.exists()


def test_a_person_the_user_may_not_see_cannot_be_linked() -> None:
    # A professional does not search the region: a guessed person id is refused.
    hidden = PersonFactory()
    professional = make_user("professional")
    response = sign_in(Client(), professional).post(
        reverse("intake:report_new"),
        _form(
            MunicipalityFactory(),
            source="professional",
            **{"people-0-person": hidden.pk, "people-0-role": "victim"},
        ),
    )
    assert response.status_code == 200
    assert "person" in response.context["people"].forms[0].errors
    assert not Report.objects.exists()


def test_roles_without_a_source_may_not_take_reports(outsider: Any) -> None:
    assert sign_in(Client(), outsider).get(reverse("intake:report_new")).status_code == 403
    assert (
        sign_in(Client(), make_user("policy_officer")).get(reverse("intake:report_list")).status_code == 403
    )


def test_the_list_filters_and_saves_views() -> None:
    intake = veilig_thuis_user()
    first = make_report(actor=intake, kind="advice", people=[])
    second = make_report(actor=intake)
    client = sign_in(Client(), intake)
    listed = client.get(reverse("intake:report_list"), {"kind": "advice"}).context["page"].object_list
    assert listed == [first]
    client.post(reverse("intake:saved_view_save"), {"name": "Adviezen", "query": "kind=advice"})
    view = SavedView.objects.get(user=intake)
    page = client.get(reverse("intake:report_list")).content.decode()
    assert 'href="?kind=advice"' in page
    # Someone else cannot delete it.
    other = sign_in(Client(), veilig_thuis_user())
    assert other.post(reverse("intake:saved_view_delete", args=[view.pk])).status_code == 404
    client.post(reverse("intake:saved_view_delete", args=[view.pk]))
    assert not SavedView.objects.exists()
    response = client.get(reverse("intake:report_list"), {"since": "2026-12-01", "until": "2026-01-01"})
    assert "until" in response.context["form"].errors
    assert second.pk


def test_police_see_their_own_reports_only() -> None:
    officer = police_user()
    own = make_report(
        actor=officer, source="police", reporter_organisation=officer.memberships.get().team.organisation
    )
    other = make_report()
    client = sign_in(Client(), officer)
    assert client.get(reverse("intake:report_detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("intake:report_detail", args=[other.pk])).status_code == 404


def test_anonymity_promised_is_kept_from_everyone_but_veilig_thuis() -> None:
    officer = police_user()
    report = make_report(
        actor=officer,
        source="police",
        reporter_organisation=officer.memberships.get().team.organisation,
        reporter_name="Buurvrouw Pietersen",
        reporter_anonymous=True,
    )
    assert (
        "Buurvrouw Pietersen"
        not in sign_in(Client(), officer)
        .get(reverse("intake:report_detail", args=[report.pk]))
        .content.decode()
    )
    assert (
        "Buurvrouw Pietersen"
        in sign_in(Client(), veilig_thuis_user())
        .get(reverse("intake:report_detail", args=[report.pk]))
        .content.decode()
    )


def test_history_counts_earlier_reports_on_the_address() -> None:
    address = AddressFactory(postcode="7901AB", house_number=12)
    intake = veilig_thuis_user()
    for _ in range(2):
        make_report(actor=intake, municipality=address.municipality, incident_address=address)
    response = sign_in(Client(), intake).get(
        reverse("intake:history"), {"postcode": "7901 ab", "house_number": "12"}
    )
    assert response.context["history"].address_reports_this_year == 2
    assert "nummer 3" in response.content.decode()
    assert AccessLogEntry.objects.filter(record_type="intake.ReportHistory").exists()


def test_list_queries_do_not_grow(django_assert_max_num_queries: Any) -> None:
    intake = veilig_thuis_user()
    client = sign_in(Client(), intake)
    make_report(actor=intake)
    client.get(reverse("intake:report_list"))
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("intake:report_list"))
    for _ in range(8):
        make_report(actor=intake, people=[PersonFactory(), PersonFactory()])
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("intake:report_list"))
    OrganisationFactory()


def test_attachments_are_checked_by_content_and_downloads_are_logged(settings: Any, tmp_path: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    intake = veilig_thuis_user()
    report = make_report(actor=intake)
    client = sign_in(Client(), intake)
    url = reverse("intake:attachment_add", args=[report.pk])
    fake = SimpleUploadedFile("verslag.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    client.post(url, {"file": fake})
    assert not report.attachments.exists()
    empty = SimpleUploadedFile("leeg.pdf", b"", content_type="application/pdf")
    client.post(url, {"file": empty})
    assert not report.attachments.exists()
    real = SimpleUploadedFile("foto.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100, content_type="image/png")
    client.post(url, {"file": real})
    attachment = report.attachments.get()
    assert attachment.content_type == "image/png" and attachment.size == 108
    response = client.get(reverse("intake:attachment_download", args=[report.pk, attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert AccessLogEntry.objects.filter(action="export", record_type="intake.Attachment").exists()
    outsider = sign_in(Client(), make_user("case_manager"))
    assert (
        outsider.get(reverse("intake:attachment_download", args=[report.pk, attachment.pk])).status_code
        == 404
    )
    assert outsider.post(url, {"file": real}).status_code == 404
