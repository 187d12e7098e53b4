"""The assessment pages: the flow, bad input on the forms, who sees what, and query counts."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from haard.accounts.models import OrganisationType
from haard.audit.models import AccessLogEntry
from haard.triage import services
from haard.triage.models import AssessedReport, AssessmentStatus, HandOver, HandOverStatus, Instrument
from tests.conftest import sign_in
from tests.factories import OrganisationFactory
from tests.triage.factories import (
    acute,
    answer_all,
    assessed_report,
    assessor,
    family,
    hand_over,
    intake_worker,
    none_found,
    social_team_worker,
)

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Any:
    from django.test import Client

    return sign_in(Client(), user)


def test_the_assessor_works_through_the_pages() -> None:
    household, people = family()
    report, assessment = assessed_report(people=people, household=household)
    first, second = assessor(), assessor()
    client = _client(first)

    listing = client.get(reverse("triage:assessment_list"))
    assert listing.status_code == 200
    assert assessment.reference in listing.content.decode()
    assert "working days left" in listing.content.decode()
    assert AccessLogEntry.objects.filter(user=first, subjects__person_id=people[0].pk).exists()

    clock = client.get(reverse("triage:report_clock", args=[report.pk]))
    assert clock.status_code == 200 and assessment.reference in clock.content.decode()

    url = reverse("triage:assessment_detail", args=[assessment.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Is anyone in the family in danger" in page.content.decode()

    answers = {f"item_{item.code}": item.options.first().code for item in assessment.instrument.items.all()}
    answers["item_acute-danger"] = "yes"
    preview = client.post(url, {**answers, "action": "preview"}, HTTP_HX_REQUEST="true")
    assert preview.status_code == 200
    assert "Someone is in danger now" in preview.content.decode()
    assert not assessment.answers.exists()  # a preview saves nothing

    done = client.post(url, {**answers, "notes": "Gesproken met melder.", "action": "complete"})
    assert done.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.AWAITING_CONFIRMATION
    assert assessment.outcome == "acute" and assessment.notes == "Gesproken met melder."

    confirm_url = reverse("triage:assessment_confirm", args=[assessment.pk])
    same = client.post(confirm_url, {"decision": "confirm"})
    assert same.status_code == 200
    assert "someone other than the assessor" in same.content.decode()
    assert _client(second).post(confirm_url, {"decision": "confirm"}).status_code == 302

    social = OrganisationFactory(type=OrganisationType.SOCIAL_TEAM)
    route_url = reverse("triage:assessment_route", args=[assessment.pk])
    routed = client.post(
        route_url,
        {
            "route": "handover",
            "reason": "Wijkteam",
            "target": "social_team",
            "receiving_organisation": social.pk,
        },
    )
    assert routed.status_code == 302
    assert HandOver.objects.get(assessment=assessment).status == HandOverStatus.PROPOSED


def test_a_list_row_names_every_report_and_its_people_in_order() -> None:
    household, people = family(3)
    first, assessment = assessed_report(people=people[:2], household=household)
    second, joined = assessed_report(people=[people[2]])
    assert joined == assessment
    _other_report, other = assessed_report(people=family()[1])
    user = assessor()
    client = _client(user)

    html = client.get(reverse("triage:assessment_list") + "?show=all").content.decode()
    row = html[html.index(assessment.reference) : html.index("</tr>", html.index(assessment.reference))]
    assert f"{first.reference}, {second.reference}" in row
    names = [p.full_name for p in people]
    assert f"{names[0]}, {names[1]}; {names[2]}" in row
    assert other.reference in html and other.reference not in row

    entry = AccessLogEntry.objects.filter(user=user, record_type="triage.Assessment").latest("pk")
    shown = set(entry.subjects.values_list("person_id", flat=True))
    assert {p.pk for p in people} <= shown
    assert len(shown) == 5  # the three of the first assessment and the two of the other

    listed = client.get("/api/v1/assessments/?show=all").json()
    assert {row["reference"]: row["reports"] for row in listed}[assessment.reference] == [
        first.reference,
        second.reference,
    ]
    detail = client.get(f"/api/v1/assessments/{assessment.pk}").json()
    assert detail["reports"] == [first.reference, second.reference]


def test_the_route_form_names_the_wrong_field() -> None:
    household, people = family()
    _r, assessment = assessed_report(people=people, household=household)
    first = assessor()
    client = _client(first)
    route_url = reverse("triage:assessment_route", args=[assessment.pk])
    early = client.post(route_url, {"route": "close", "reason": "x"})
    assert early.status_code == 200 and "Finish the assessment" in early.content.decode()
    none_found(assessment, first)
    inactive = OrganisationFactory(type=OrganisationType.SOCIAL_TEAM, active=False)
    response = client.post(
        route_url,
        {"route": "handover", "reason": "x", "target": "social_team", "receiving_organisation": inactive.pk},
    )
    assert response.status_code == 200
    assert "This organisation is not active." in response.content.decode()
    assert not HandOver.objects.exists()


def test_the_receiving_organisation_sees_its_proposal_but_not_the_assessment() -> None:
    household, people = family()
    _r, assessment = assessed_report(people=people, household=household)
    first = assessor()
    answer_all(assessment, first)
    services.record_answers(actor=first, assessment=assessment, answers={}, notes="Geheime VT-notitie")
    services.complete(actor=first, assessment=assessment)
    social = OrganisationFactory(type=OrganisationType.SOCIAL_TEAM)
    worker = social_team_worker(social)
    handover = hand_over(assessment, first, to=social, reason="Wijkteam kent het gezin", message="Bel even.")
    client = _client(worker)
    inbox = client.get(reverse("triage:handover_inbox"))
    assert inbox.status_code == 200 and str(household) in inbox.content.decode()
    page = client.get(reverse("triage:handover_detail", args=[handover.pk]))
    text = page.content.decode()
    assert "Wijkteam kent het gezin" in text and "Bel even." in text
    assert "Geheime VT-notitie" not in text
    assert people[0].first_names in text
    assert client.get(reverse("triage:assessment_detail", args=[assessment.pk])).status_code == 403
    refused = client.post(reverse("triage:handover_detail", args=[handover.pk]), {"decision": "refuse"})
    assert "Give the reason for refusing." in refused.content.decode()
    accepted = client.post(reverse("triage:handover_detail", args=[handover.pk]), {"decision": "accept"})
    assert accepted.status_code == 302
    handover.refresh_from_db()
    assert handover.status == HandOverStatus.ACCEPTED


def test_outsiders_are_refused_everywhere(outsider: Any) -> None:
    household, people = family()
    report, assessment = assessed_report(people=people, household=household)
    first = assessor()
    none_found(assessment, first)
    handover = hand_over(assessment, first, reason="x")
    for user in (outsider, intake_worker(), social_team_worker()):
        client = _client(user)
        for name, args in [
            ("triage:assessment_list", []),
            ("triage:assessment_detail", [assessment.pk]),
            ("triage:assessment_confirm", [assessment.pk]),
            ("triage:assessment_route", [assessment.pk]),
        ]:
            assert client.get(reverse(name, args=args)).status_code in (403, 404), (user, name)
        assert client.post(reverse("triage:assessment_start", args=[report.pk])).status_code in (403, 404)
        assert client.get(reverse("triage:handover_detail", args=[handover.pk])).status_code in (403, 404)
        assert client.post(
            reverse("triage:handover_detail", args=[handover.pk]), {"decision": "accept"}
        ).status_code in (403, 404)
        inbox = client.get(reverse("triage:handover_inbox"))
        assert inbox.status_code in (200, 403)
        assert people[0].first_names not in inbox.content.decode()
    # The intake worker who registered nothing here may still not see the report's clock.
    assert _client(outsider).get(reverse("triage:report_clock", args=[report.pk])).status_code == 404
    handover.refresh_from_db()
    assert handover.status == HandOverStatus.PROPOSED
    assert not AccessLogEntry.objects.filter(user=outsider, subjects__isnull=False).exists()


def test_starting_an_assessment_from_the_report_page() -> None:
    household, people = family()
    from tests.intake.factories import make_report

    # A report that no assessment took in: none could be opened while no instrument was active.
    active = list(Instrument.objects.filter(active=True))
    Instrument.objects.update(active=False)
    report = make_report(actor=intake_worker(), people=people)
    assert not AssessedReport.objects.filter(report=report).exists()
    Instrument.objects.filter(pk__in=[i.pk for i in active]).update(active=True)
    first = assessor()
    client = _client(first)
    page = client.get(reverse("triage:report_clock", args=[report.pk]))
    assert "Start the assessment" in page.content.decode()
    started = client.post(reverse("triage:assessment_start", args=[report.pk]))
    assert started.status_code == 302
    assert report.assessment_link.assessment.team == first.memberships.get().team


@pytest.mark.parametrize("count", [2, 8])
def test_query_counts_do_not_grow_with_the_data(count: int, django_assert_max_num_queries: Any) -> None:
    first = assessor()
    social = OrganisationFactory(type=OrganisationType.SOCIAL_TEAM)
    worker = social_team_worker(social)
    for _ in range(count):
        household, people = family(3)
        _r, assessment = assessed_report(people=people, household=household)
        acute(assessment, first)
    _r, routed = assessed_report(people=family()[1], household=None)
    client = _client(first)
    client.get(reverse("triage:assessment_list"))  # warm the session
    with django_assert_max_num_queries(24):
        assert client.get(reverse("triage:assessment_list") + "?show=all").status_code == 200
    with django_assert_max_num_queries(30):
        assert client.get(reverse("triage:assessment_detail", args=[assessment.pk])).status_code == 200
    worker_client = _client(worker)
    worker_client.get(reverse("triage:handover_inbox"))
    with django_assert_max_num_queries(24):
        assert worker_client.get(reverse("triage:handover_inbox")).status_code == 200
    assert routed
