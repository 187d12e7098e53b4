"""Meldcode pages: the steps walked through the forms, who sees which record, feedback,
the partner network and the figures; every page refuses the outsider, logs what it shows and
keeps its number of queries whatever the data."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from haard.audit.models import AccessLogEntry
from haard.core.models import RegionSetting
from haard.core.worklist import work_for
from haard.meldcode import services, work
from haard.meldcode.models import Feedback, MeldcodeRecord, PartnerProfile, PreventionActivity, RecordStatus
from tests.conftest import sign_in
from tests.factories import make_user
from tests.meldcode.factories import (
    home_municipality,
    make_professional,
    make_vt_staff,
    membership_of,
    record_at,
    reported,
    school_team,
    start,
)

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    return sign_in(Client(), user)


def test_a_professional_walks_the_steps_through_the_pages_to_a_report() -> None:
    professional = make_professional()
    municipality = home_municipality()
    client = _client(professional)
    response = client.post(
        reverse("meldcode:record_new"),
        {
            "concern": "Blauwe plekken",
            "municipality": municipality.pk,
            "postcode": "7901 ab",
            "house_number": "3",
            "street": "Hoofdstraat",
            "town": "Hoogeveen",
            "people-TOTAL_FORMS": "3",
            "people-INITIAL_FORMS": "0",
            "people-0-first_names": "Sanne",
            "people-0-surname": "Jansen",
            "people-0-gender": "f",
            "people-0-role": "child_in_household",
            "people-1-gender": "x",
            "people-2-gender": "x",
        },
    )
    record = MeldcodeRecord.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "meldcode:record_detail", args=[record.pk]
    )
    step = lambda n: reverse("meldcode:record_step", args=[record.pk, n])  # noqa: E731
    assert client.post(step(1), {"signs": "Blauwe plekken"}).status_code == 302
    assert (
        client.post(step(2), {"consulted_veilig_thuis": "on", "consultation_notes": "Advies"}).status_code
        == 302
    )
    assert (
        client.post(step(3), {"conversation_held": "no", "no_conversation_reason": "Gevaar"}).status_code
        == 302
    )
    assert client.post(step(4), {"risk": "4", "weighing_notes": "Acuut"}).status_code == 302
    decide = reverse("meldcode:record_decide", args=[record.pk])
    assert "Is there a suspicion" in client.get(decide).content.decode()
    assert client.post(decide, {"question": "1", "answer": "yes"})["Location"] == decide
    response = client.post(decide, {"question": "2", "answer": "yes", "note": "Acuut onveilig"})
    assert response["Location"] == reverse("meldcode:record_detail", args=[record.pk])
    record.refresh_from_db()
    assert record.status == RecordStatus.REPORTED and record.report is not None
    assert record.report.reporter_organisation == membership_of(professional).team.organisation
    page = client.get(reverse("meldcode:record_detail", args=[record.pk])).content.decode()
    assert record.report.reference in page and "No feedback yet." in page


def test_a_skipped_step_is_refused_with_a_clear_message() -> None:
    professional = make_professional()
    record = start(professional)
    client = _client(professional)
    response = client.post(
        reverse("meldcode:record_step", args=[record.pk, 3]),
        {"conversation_held": "yes", "conversation_notes": "x"},
        follow=True,
    )
    assert "Steps cannot be skipped: record step 1 first." in response.content.decode()
    record.refresh_from_db()
    assert record.conversation_at is None
    response = client.get(reverse("meldcode:record_decide", args=[record.pk]), follow=True)
    assert "The decision follows steps 1 to 4." in response.content.decode()


def test_bad_step_input_shows_the_error_at_the_field() -> None:
    professional = make_professional()
    record = record_at(professional, 2)
    response = _client(professional).post(
        reverse("meldcode:record_step", args=[record.pk, 2]), {"consultation_notes": "Overleg"}
    )
    assert response.status_code == 200
    assert "Consult a colleague, Veilig Thuis or both before going on." in response.content.decode()
    record.refresh_from_db()
    assert record.consulted_at is None


def test_an_answer_out_of_order_is_refused_at_the_page() -> None:
    professional = make_professional()
    record = record_at(professional, 5)
    response = _client(professional).post(
        reverse("meldcode:record_decide", args=[record.pk]), {"question": "3", "answer": "no"}
    )
    assert response.status_code == 200
    assert "Answer question 1 now; question 3 is not next." in response.content.decode()
    assert not record.answers.exists()


def test_reporting_without_people_says_so_and_saves_nothing() -> None:
    professional = make_professional()
    record = record_at(professional, 5, with_people=False)
    client = _client(professional)
    decide = reverse("meldcode:record_decide", args=[record.pk])
    client.post(decide, {"question": "1", "answer": "yes"})
    response = client.post(decide, {"question": "2", "answer": "yes"})
    assert "A report names at least one person" in response.content.decode()
    record.refresh_from_db()
    assert record.report is None and list(record.answers.values_list("question", flat=True)) == [1]


def test_each_professional_sees_only_their_own_records_and_the_contact_their_organisations() -> None:
    team = school_team()
    author = make_professional(team)
    colleague = make_professional(team)
    contact = make_professional(team)
    elsewhere = make_professional()  # another school
    services.save_partner_profile(
        actor=make_user("administrator"),
        organisation=team.organisation,
        sector="education",
        has_meldcode=True,
        meldcode_contact=contact,
    )
    record = record_at(author, 2)
    other_school_record = record_at(elsewhere, 2)
    detail = reverse("meldcode:record_detail", args=[record.pk])
    assert _client(author).get(detail).status_code == 200
    assert _client(contact).get(detail).status_code == 200
    assert _client(colleague).get(detail).status_code == 404
    assert _client(elsewhere).get(detail).status_code == 404
    contact_list = _client(contact).get(reverse("meldcode:record_list")).content.decode()
    assert record.reference in contact_list and other_school_record.reference not in contact_list
    elsewhere_list = _client(elsewhere).get(reverse("meldcode:record_list")).content.decode()
    assert record.reference not in elsewhere_list
    # The contact reads; only the author writes.
    assert _client(contact).post(reverse("meldcode:record_step", args=[record.pk, 2]), {}).status_code == 403


@pytest.mark.parametrize(
    "name", ["record_detail", "record_edit", "record_step", "record_decide", "feedback_give"]
)
def test_the_outsider_and_other_professionals_get_nothing(name: str, outsider: Any) -> None:
    professional = make_professional()
    record = (
        reported(professional) if name in ("record_detail", "feedback_give") else record_at(professional, 2)
    )
    args = [record.pk, 2] if name == "record_step" else [record.pk]
    url = reverse(f"meldcode:{name}", args=args)
    before = AccessLogEntry.objects.count()
    for user in (outsider, make_professional(), make_user("intake_worker"), make_user("policy_officer")):
        assert _client(user).get(url).status_code in (403, 404), user
        assert _client(user).post(url, {}).status_code in (403, 404, 405), user  # 405: a page to read
    assert AccessLogEntry.objects.count() == before
    assert Client().get(url).status_code == 302


def test_pages_of_the_network_and_figures_refuse_the_outsider(outsider: Any) -> None:
    organisation = membership_of(make_professional()).team.organisation
    for url in (
        reverse("meldcode:network"),
        reverse("meldcode:coverage"),
        reverse("meldcode:organisation_detail", args=[organisation.pk]),
        reverse("meldcode:profile_edit", args=[organisation.pk]),
        reverse("meldcode:activity_new", args=[organisation.pk]),
        reverse("meldcode:figures"),
        reverse("meldcode:feedback_list"),
        reverse("meldcode:record_new"),
    ):
        assert _client(outsider).get(url).status_code == 403, url


def test_an_unknown_organisation_is_not_found() -> None:
    client = _client(make_user("administrator"))
    assert client.get(reverse("meldcode:organisation_detail", args=[999999])).status_code == 404
    assert (
        client.post(reverse("meldcode:profile_edit", args=[999999]), {"sector": "education"}).status_code
        == 404
    )
    assert client.post(reverse("meldcode:activity_new", args=[999999]), {}).status_code == 404
    assert not PartnerProfile.objects.exists()


def test_veilig_thuis_gives_feedback_and_the_professional_sees_it() -> None:
    professional = make_professional()
    record = reported(professional)
    intake = make_vt_staff()
    client = _client(intake)
    queue = client.get(reverse("meldcode:feedback_list")).content.decode()
    assert record.report.reference in queue  # type: ignore[union-attr]
    url = reverse("meldcode:feedback_give", args=[record.pk])
    response = client.post(url, {"stage": "outcome", "outcome": "hand_over"})
    assert "Confirm that the report was received first." in response.content.decode()
    assert client.post(url, {"stage": "received"})["Location"] == reverse("meldcode:feedback_list")
    client.post(url, {"stage": "outcome", "outcome": "hand_over", "note": "Dank voor uw melding."})
    assert Feedback.objects.filter(record=record).count() == 2
    assert record.report.reference not in client.get(reverse("meldcode:feedback_list")).content.decode()  # type: ignore[union-attr]
    page = _client(professional).get(reverse("meldcode:record_detail", args=[record.pk])).content.decode()
    assert "handed over to local help" in page and "Dank voor uw melding." in page
    assert _client(professional).get(url).status_code == 403  # the professional does not give feedback


def test_veilig_thuis_does_not_see_records_that_were_not_reported() -> None:
    record = record_at(make_professional(), 5)
    assert (
        _client(make_vt_staff()).get(reverse("meldcode:record_detail", args=[record.pk])).status_code == 404
    )


def test_the_network_is_kept_by_administrators_and_read_by_region_roles() -> None:
    professional = make_professional()
    organisation = membership_of(professional).team.organisation
    administrator = make_user("administrator")
    response = _client(administrator).post(
        reverse("meldcode:profile_edit", args=[organisation.pk]),
        {
            "sector": "education",
            "has_meldcode": "on",
            "meldcode_since": "2019-07-01",
            "meldcode_contact": professional.pk,
            "veilig_thuis_contact": "zorg@school.invalid",
        },
    )
    assert response.status_code == 302
    response = _client(administrator).post(
        reverse("meldcode:activity_new", args=[organisation.pk]),
        {"kind": "training", "title": "Signaleren", "held_on": "2026-01-10", "reach": "25"},
    )
    assert response.status_code == 302 and PreventionActivity.objects.get().reach == 25
    bad = _client(administrator).post(
        reverse("meldcode:profile_edit", args=[organisation.pk]),
        {"sector": "education", "meldcode_since": "2019-07-01"},
    )
    assert "A date for the meldcode needs an organisation that has one." in bad.content.decode()
    for reader in (professional, make_user("policy_officer"), make_vt_staff()):
        page = _client(reader).get(reverse("meldcode:network")).content.decode()
        assert organisation.name in page and "zorg@school.invalid" in page
        coverage = _client(reader).get(reverse("meldcode:coverage")).content.decode()
        assert "Education" in coverage
    assert (
        _client(professional).get(reverse("meldcode:profile_edit", args=[organisation.pk])).status_code == 403
    )
    assert (
        _client(make_user("policy_officer"))
        .post(reverse("meldcode:activity_new", args=[organisation.pk]), {})
        .status_code
        == 403
    )


def test_the_figures_are_per_sector_with_small_counts_suppressed() -> None:
    team = school_team()
    professional = make_professional(team)
    services.save_partner_profile(
        actor=make_user("administrator"), organisation=team.organisation, sector="education"
    )
    for _ in range(6):
        record_at(professional, 1)
    reported(professional)
    policy = make_user("policy_officer")
    page = _client(policy).get(reverse("meldcode:figures")).content.decode()
    assert '<td class="figure-cell">7</td>' in page  # started
    assert "&lt;5" in page  # the one report
    assert "Jansen" not in page
    assert not any(record.reference in page for record in MeldcodeRecord.objects.all())
    RegionSetting.objects.create(key="insight.suppress_below", value=1)
    page = _client(policy).get(reverse("meldcode:figures")).content.decode()
    assert "&lt;" not in page.split("<table>")[1]


def test_work_lists_show_open_records_and_feedback_to_give() -> None:
    professional = make_professional()
    open_record = record_at(professional, 3)
    done = reported(professional)
    from datetime import date

    items = list(work.open_records(professional, date.today(), 50))
    assert [item.url for item in items] == [reverse("meldcode:record_detail", args=[open_record.pk])]
    assert "step 3" in items[0].detail
    intake = make_vt_staff()
    feedback = list(work.feedback_to_give(intake, date.today(), 50))
    assert [item.url for item in feedback] == [reverse("meldcode:feedback_give", args=[done.pk])]
    assert not [
        item for item in work_for(make_professional(), date.today()) if item.kind.startswith("meldcode")
    ]


@pytest.mark.parametrize("count", [1, 6])
def test_query_counts_do_not_grow_with_the_records(count: int, django_assert_max_num_queries: Any) -> None:
    team = school_team()
    professional = make_professional(team)
    services.save_partner_profile(
        actor=make_user("administrator"),
        organisation=team.organisation,
        sector="education",
        has_meldcode=True,
    )
    records = [reported(professional) for _ in range(count)]
    intake = make_vt_staff()
    pages = [
        (professional, reverse("meldcode:record_list")),
        (professional, reverse("meldcode:record_detail", args=[records[0].pk])),
        (intake, reverse("meldcode:feedback_list")),
        (intake, reverse("meldcode:network")),
        (intake, reverse("meldcode:coverage")),
        (intake, reverse("meldcode:figures")),
    ]
    for user, url in pages:
        client = _client(user)
        with django_assert_max_num_queries(30):
            assert client.get(url).status_code == 200
    from datetime import date

    with django_assert_max_num_queries(4):
        list(work.feedback_to_give(intake, date.today(), 50))
    with django_assert_max_num_queries(4):
        list(work.open_records(professional, date.today(), 50))
