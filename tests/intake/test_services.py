"""Registering reports: fields checked, sources per role, repeat classification as CBS counts."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from haard.cases.models import CaseStatus
from haard.intake.models import RepeatClass, Report, ReportSource, ReportStatus
from haard.intake.services import Involved, register_report
from tests.factories import (
    AddressFactory,
    MunicipalityFactory,
    PersonFactory,
    TeamFactory,
    make_case,
    make_user,
)
from tests.intake.factories import make_report, police_user, veilig_thuis_user

pytestmark = pytest.mark.django_db


def test_a_report_gets_a_reference_people_and_violence_types() -> None:
    person = PersonFactory()
    report = make_report(people=[person])
    assert report.reference.startswith(f"M{timezone.localdate():%Y}-")
    assert list(report.people.all()) == [person]
    assert report.violence_types.get().code == "physical"
    assert report.repeat_class == RepeatClass.FIRST


def test_the_reference_carries_the_dutch_year(frozen: Any) -> None:
    frozen(datetime(2027, 1, 1, 0, 30))  # 23:30 on 31 December in UTC
    report = make_report(people=[PersonFactory()])  # received now: in UTC, as the clock answers
    assert report.reference == f"M2027-{report.pk:06d}"


def test_repeat_and_during_involvement_as_cbs_counts() -> None:
    person = PersonFactory()
    earlier = make_report(people=[person], received_at=timezone.now() - timedelta(days=100))
    during = make_report(people=[person])
    assert during.repeat_class == RepeatClass.DURING_INVOLVEMENT  # the earlier one is still open
    Report.objects.filter(pk__in=[earlier.pk, during.pk]).update(status=ReportStatus.CLOSED)
    again = make_report(people=[person, PersonFactory()])
    assert again.repeat_class == RepeatClass.REPEAT


def test_a_case_opened_today_counts_in_the_first_hour_after_dutch_midnight(frozen: Any) -> None:
    frozen(datetime(2026, 12, 5, 0, 30))  # 23:30 on the 4th in UTC
    case = make_case(team=TeamFactory(), people=1)
    assert case.opened_on == date(2026, 12, 5)
    report = make_report(people=[case.members.get().person])  # received now, in UTC
    assert report.repeat_class == RepeatClass.DURING_INVOLVEMENT


def test_an_open_case_makes_it_during_involvement() -> None:
    case = make_case(team=TeamFactory(), people=1)
    person = case.members.get().person
    assert make_report(people=[person]).repeat_class == RepeatClass.DURING_INVOLVEMENT
    Report.objects.update(status=ReportStatus.CLOSED)
    case.status = CaseStatus.CLOSED
    case.save()
    assert make_report(people=[person]).repeat_class == RepeatClass.REPEAT


def test_sources_follow_the_role() -> None:
    officer = police_user()
    make_report(actor=officer, source=ReportSource.POLICE)
    with pytest.raises(PermissionDenied):
        make_report(actor=officer, source=ReportSource.CITIZEN)
    professional = make_user("professional")
    make_report(actor=professional, source=ReportSource.PROFESSIONAL)
    with pytest.raises(PermissionDenied):
        make_report(actor=make_user("case_manager"), source=ReportSource.PROFESSIONAL)
    assert Report.objects.count() == 2


def test_bad_fields_are_named_and_nothing_is_written() -> None:
    actor = veilig_thuis_user()
    address = AddressFactory()
    with pytest.raises(ValidationError) as error:
        register_report(
            actor=actor,
            membership=None,
            kind="nonsense",
            source=ReportSource.PHONE_LINE,
            municipality=MunicipalityFactory(),
            involved=[Involved(person=PersonFactory(), role="king")],
            received_at=timezone.now() + timedelta(days=1),
            incident_address=address,
            initial_severity=9,
            reporter_anonymous=True,
        )
    assert set(error.value.message_dict) == {
        "kind",
        "received_at",
        "incident_address",
        "initial_severity",
        "involved",
        "reporter_anonymous",
    }
    assert not Report.objects.exists()
    with pytest.raises(ValidationError) as error:
        make_report(actor=actor, people=[])
    assert "involved" in error.value.message_dict
    assert make_report(actor=actor, people=[], kind="advice").people.count() == 0
