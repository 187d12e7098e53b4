"""Taking a report in: the answer comes at once, linking the new people follows as background
work (with the database backend a worker runs it), and only then the repeat class and the
pick-up into an assessment. Bad input is refused before anything is stored."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from haard.accounts.models import ApiClient
from haard.accounts.services import issue_api_token
from haard.intake import services
from haard.intake.models import GivenPerson, RepeatClass, Report, ReportPerson, ReportStatus
from haard.intake.tasks import take_in_report
from haard.registry.models import Person
from haard.triage.models import AssessedReport
from tests.conftest import sign_in
from tests.factories import MunicipalityFactory, OrganisationFactory, PersonFactory, make_user
from tests.intake.factories import make_report, veilig_thuis_user

pytestmark = pytest.mark.django_db

QUEUED = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def queued(settings: Any) -> None:
    """The production set-up: background work waits in the database for a worker."""
    settings.TASKS = QUEUED


def _token(user: Any) -> dict[str, str]:
    client = ApiClient.objects.create(
        name=f"Systeem {user.username}",
        organisation=OrganisationFactory(),
        user=user,
        scopes=["reports:write", "reports:read"],
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {issue_api_token(client=client)}"}


def _send(headers: dict[str, str], people: list[dict[str, Any]]) -> Any:
    body = {
        "kind": "report",
        "source": "phone_line",
        "municipality": "GM0118",
        "address": {"postcode": "7901 AB", "house_number": "3", "street": "Hoofdstraat", "town": "Hoogeveen"},
        "people": people,
        "violence_types": ["physical"],
    }
    return Client().post("/api/v1/reports/", body, content_type="application/json", **headers)


def _known_person_with_a_closed_report() -> Person:
    known = PersonFactory(first_names="Eva", surname="Visser", birth_date="1990-04-02")
    earlier = make_report(people=[known])
    Report.objects.filter(pk=earlier.pk).update(status=ReportStatus.CLOSED)
    return known


def test_the_answer_comes_before_the_linking_which_a_worker_then_does(
    queued: None, english: None, django_capture_on_commit_callbacks: Any
) -> None:
    MunicipalityFactory(code="GM0118")
    known = _known_person_with_a_closed_report()
    chosen = PersonFactory()
    worker = veilig_thuis_user()
    headers = _token(worker)
    response = _send(
        headers,
        [
            {"person_id": chosen.pk, "role": "suspect"},
            {"first_names": "Eva", "surname": "Visser", "birth_date": "1990-04-02", "role": "victim"},
            {"first_names": "Noor", "surname": "Visser", "birth_date": "2016-05-06", "role": "child_witness"},
        ],
    )
    assert response.status_code == 201, response.content
    body = response.json()
    # Answered with the person chosen from the register; the two new ones wait for the worker.
    assert body["people_being_linked"] == 2
    assert body["involved"] == [{"person_id": chosen.pk, "role": "suspect"}]
    assert body["repeat_class"] == RepeatClass.FIRST
    report = Report.objects.get(pk=body["id"])
    assert [g.surname for g in GivenPerson.objects.filter(report=report)] == ["Visser", "Visser"]
    assert not AssessedReport.objects.filter(report=report).exists()
    queued_task = DBTaskResult.objects.get()
    assert queued_task.args_kwargs["args"] == [report.pk]
    shown = sign_in(Client(), worker).get(reverse("intake:report_detail", args=[report.pk])).content.decode()
    assert "Noor Visser" in shown and "being linked to the register" in shown

    # The worker: Eva is linked to the person already registered, Noor is registered anew;
    # the report is a repeat report now, and joins an assessment once that commits.
    with django_capture_on_commit_callbacks(execute=True):
        take_in_report.call(report.pk)
    roles = dict(ReportPerson.objects.filter(report=report).values_list("role", "person_id"))
    assert roles["victim"] == known.pk and roles["suspect"] == chosen.pk
    assert Person.objects.get(pk=roles["child_witness"]).first_names == "Noor"
    assert not GivenPerson.objects.exists()
    report.refresh_from_db()
    assert report.repeat_class == RepeatClass.REPEAT
    assert report.status == ReportStatus.IN_ASSESSMENT
    assert AssessedReport.objects.filter(report=report).exists()
    again = Client().get(f"/api/v1/reports/{report.pk}", **headers).json()
    assert again["people_being_linked"] == 0 and len(again["involved"]) == 3

    # A second run (a worker restarted after it had finished) changes nothing.
    people = Person.objects.count()
    services.take_in(report.pk)
    assert Person.objects.count() == people
    assert ReportPerson.objects.filter(report=report).count() == 3


def test_without_a_worker_the_report_is_linked_before_the_answer() -> None:
    """The immediate backend (development, tests): the same work, inside the request."""
    MunicipalityFactory(code="GM0118")
    known = _known_person_with_a_closed_report()
    response = _send(
        _token(veilig_thuis_user()),
        [{"first_names": "Eva", "surname": "Visser", "birth_date": "1990-04-02", "role": "victim"}],
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["people_being_linked"] == 0
    assert body["involved"] == [{"person_id": known.pk, "role": "victim"}]
    assert body["repeat_class"] == RepeatClass.REPEAT


@pytest.mark.parametrize(
    ("person", "field"),
    [
        ({"surname": "Visser", "role": "victim", "bsn": "123456789"}, "bsn"),
        ({"surname": "Visser", "role": "victim", "birth_date": "2999-01-01"}, "birth_date"),
        ({"surname": " ", "role": "victim"}, "surname"),
    ],
)
def test_a_new_person_with_bad_fields_is_refused_before_anything_is_stored_or_queued(
    queued: None, person: dict[str, Any], field: str
) -> None:
    MunicipalityFactory(code="GM0118")
    response = _send(_token(veilig_thuis_user()), [person])
    assert response.status_code == 422, response.content
    assert response.json()["detail"].startswith(field)
    assert not Report.objects.exists()
    assert not GivenPerson.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_an_outsider_sees_neither_the_report_nor_the_people_being_linked(queued: None) -> None:
    MunicipalityFactory(code="GM0118")
    response = _send(_token(veilig_thuis_user()), [{"surname": "Visser", "role": "victim"}])
    report_id = response.json()["id"]
    outsider = make_user("case_manager")
    page = sign_in(Client(), outsider).get(reverse("intake:report_detail", args=[report_id]))
    assert page.status_code in (403, 404)
    api = Client().get(f"/api/v1/reports/{report_id}", **_token(outsider))
    assert api.status_code in (403, 404)
    assert "Visser" not in api.content.decode()


def test_resume_queues_again_the_reports_a_stopped_worker_left(queued: None) -> None:
    MunicipalityFactory(code="GM0118")
    response = _send(_token(veilig_thuis_user()), [{"surname": "Visser", "role": "victim"}])
    report_id = response.json()["id"]
    done = make_report()
    DBTaskResult.objects.all().delete()  # the worker took the task and stopped before the end
    out = StringIO()
    call_command("resume_intake", stdout=out)
    assert "1 report(s)" in out.getvalue()
    assert [t.args_kwargs["args"] for t in DBTaskResult.objects.all()] == [[report_id]]
    assert done.pk != report_id
    take_in_report.call(report_id)
    assert ReportPerson.objects.filter(report_id=report_id).count() == 1
    assert not GivenPerson.objects.exists()


def test_an_unknown_role_of_a_new_person_is_refused_with_the_report_and_nothing_is_stored(
    queued: None,
) -> None:
    worker = veilig_thuis_user()
    with pytest.raises(ValidationError) as refused:
        services.take_report(
            actor=worker,
            membership=worker.memberships.first(),
            municipality=MunicipalityFactory(),
            address=None,
            people=[(services.NewPerson(first_names="Eva", surname="Visser"), "bystander")],
            kind="report",
            source="phone_line",
        )
    assert "involved" in refused.value.message_dict
    assert not Report.objects.exists()
    assert not GivenPerson.objects.exists()
    assert not DBTaskResult.objects.exists()
