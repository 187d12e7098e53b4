"""Assessment services: the instrument's rules, four eyes, joining reports, routes and
hand-overs, and bad input (a clear error naming the field, nothing half-saved)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from haard.accounts.models import OrganisationType
from haard.cases.models import Case, CaseParticipant
from haard.intake.models import Report, ReportStatus
from haard.triage import services
from haard.triage.models import (
    AssessedReport,
    Assessment,
    AssessmentStatus,
    HandOver,
    Outcome,
    RouteKind,
)
from tests.factories import OrganisationFactory, PersonFactory
from tests.intake.factories import make_report
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


def _messages(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


def test_a_report_opens_an_assessment_due_in_five_working_days() -> None:
    household, people = family()
    # Monday 2 November 2026, 10:00: due Monday 9 November.
    received = timezone.make_aware(timezone.datetime(2026, 11, 2, 10, 0))
    report, assessment = assessed_report(people=people, household=household, received_at=received)
    assert assessment.due_on == date(2026, 11, 9)
    assert assessment.household == household
    assert assessment.status == AssessmentStatus.OPEN
    assert assessment.reference.startswith("B2026-")
    report.refresh_from_db()
    assert report.status == ReportStatus.IN_ASSESSMENT


def test_a_new_report_about_the_same_people_joins_the_open_assessment() -> None:
    household, people = family()
    first, assessment = assessed_report(people=people[:1], household=household)
    second, joined = assessed_report(people=people[:1])
    assert joined == assessment
    assert AssessedReport.objects.get(report=second).joined
    assert set(assessment.assessed_reports.values_list("report_id", flat=True)) == {first.pk, second.pk}


def test_a_new_report_about_someone_in_the_household_joins_too() -> None:
    household, people = family(3)
    _first, assessment = assessed_report(people=[people[0]], household=household)
    _second, joined = assessed_report(people=[people[2]])
    assert joined == assessment


def test_another_family_gets_its_own_assessment_and_a_routed_one_is_not_joined() -> None:
    household, people = family()
    _r, assessment = assessed_report(people=people, household=household)
    _r2, other = assessed_report(people=[PersonFactory()])
    assert other != assessment
    expert = assessor()
    none_found(assessment, expert)
    services.choose_route(
        actor=expert,
        assessment=assessment,
        route=RouteKind.INVESTIGATION,
        reason="Twijfel",
        investigation_reason="doubt",
    )
    _r3, later = assessed_report(people=people)
    assert later != assessment


def test_the_report_signal_takes_a_new_report_into_the_assessment_in_its_own_transaction(
    django_capture_on_commit_callbacks: Any,
) -> None:
    """The pick-up is written with the report, not after its commit: a process that stops
    between the two cannot leave a report that no assessment will ever hold."""
    household, people = family()
    _r, assessment = assessed_report(people=people, household=household)
    with django_capture_on_commit_callbacks() as callbacks:  # not run
        report = make_report(actor=intake_worker(), people=people[:1])
        assert AssessedReport.objects.get(report=report).assessment == assessment
        advice = make_report(actor=intake_worker(), people=people[:1], kind="advice")
    assert not [c for c in callbacks if c.__module__ in ("haard.triage.signals", "haard.cases.signals")]
    assert not AssessedReport.objects.filter(report=advice).exists()


def test_a_pick_up_that_fails_is_undone_alone_and_the_report_is_kept(monkeypatch: Any, caplog: Any) -> None:
    _h, people = family()

    def fails_halfway(*, report: Any, team: Any = None) -> None:
        Report.objects.filter(pk=report.pk).update(status=ReportStatus.IN_ASSESSMENT)
        raise RuntimeError("the pick-up broke")

    monkeypatch.setattr(services, "open_or_join", fails_halfway)
    report = make_report(actor=intake_worker(), people=people[:1])
    report.refresh_from_db()
    assert report.status == ReportStatus.RECEIVED  # its half-done write is rolled back
    assert list(report.people.all()) == people[:1]
    assert not AssessedReport.objects.filter(report=report).exists()
    assert f"Taking the report into an assessment failed for report {report.pk}" in caplog.text


def test_answers_give_the_outcome_of_the_first_rule_that_holds() -> None:
    _h, people = family()
    _r, assessment = assessed_report(people=people)
    expert = assessor()
    answer_all(assessment, expert, pattern="often")
    rule, missing = services.evaluate(assessment)
    assert missing == []
    assert rule is not None and rule.outcome == Outcome.STRUCTURAL and rule.order == 2
    answer_all(assessment, expert, acute_danger="yes", pattern="often")
    rule, _missing = services.evaluate(assessment)
    assert rule is not None and rule.outcome == Outcome.ACUTE and rule.order == 0
    answer_all(assessment, expert, weapon_threat="yes", children_harmed="harmed")
    rule, _missing = services.evaluate(assessment)
    assert rule is not None and rule.outcome == Outcome.ACUTE and rule.order == 1  # two reds
    answer_all(assessment, expert, problems="several")
    done = services.complete(actor=expert, assessment=assessment)
    assert (done.outcome, done.severity, done.status) == (
        Outcome.MULTI_PROBLEM,
        "yellow",
        AssessmentStatus.COMPLETE,
    )


def test_four_eyes_on_a_high_risk_outcome() -> None:
    _h, people = family()
    _r, assessment = assessed_report(people=people)
    first, second = assessor(), assessor()
    acute(assessment, first)
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.AWAITING_CONFIRMATION
    with pytest.raises(ValidationError) as exc:
        services.confirm(actor=first, assessment=assessment, agree=True)
    assert "second_assessor" in _messages(exc)
    with pytest.raises(ValidationError) as exc:
        services.choose_route(
            actor=first,
            assessment=assessment,
            route=RouteKind.INVESTIGATION,
            reason="x",
            investigation_reason="doubt",
        )
    assert "route" in _messages(exc)
    confirmed = services.confirm(actor=second, assessment=assessment, agree=True, note="Eens.")
    assert confirmed.status == AssessmentStatus.COMPLETE
    assert confirmed.second_assessor == second


def test_a_second_expert_who_disagrees_sends_it_back_with_a_note() -> None:
    _h, people = family()
    _r, assessment = assessed_report(people=people)
    first, second = assessor(), assessor()
    acute(assessment, first)
    with pytest.raises(ValidationError) as exc:
        services.confirm(actor=second, assessment=assessment, agree=False)
    assert "note" in _messages(exc)
    back = services.confirm(actor=second, assessment=assessment, agree=False, note="Vraag 1 opnieuw.")
    assert back.status == AssessmentStatus.OPEN
    assert back.second_assessor is None


def test_closing_without_action_waits_for_a_second_expert() -> None:
    _h, people = family()
    report, assessment = assessed_report(people=people)
    first, second = assessor(), assessor()
    none_found(assessment, first)
    closing = services.choose_route(
        actor=first, assessment=assessment, route=RouteKind.CLOSE, reason="Niets gevonden"
    )
    assert closing.status == AssessmentStatus.AWAITING_CONFIRMATION
    report.refresh_from_db()
    assert report.status == ReportStatus.IN_ASSESSMENT
    with pytest.raises(ValidationError):
        services.confirm(actor=first, assessment=assessment, agree=True)
    closed = services.confirm(actor=second, assessment=assessment, agree=True)
    assert closed.status == AssessmentStatus.ROUTED
    report.refresh_from_db()
    assert report.status == ReportStatus.CLOSED


def test_own_investigation_gets_the_default_deadline_of_ten_weeks() -> None:
    _h, people = family()
    _r, assessment = assessed_report(people=people)
    expert = assessor()
    none_found(assessment, expert)
    routed = services.choose_route(
        actor=expert,
        assessment=assessment,
        route=RouteKind.INVESTIGATION,
        reason="Ontkenning",
        investigation_reason="denial",
    )
    assert routed.route_deadline == timezone.localdate() + timedelta(weeks=10)
    assert routed.case is None  # only a hand-over needs the family's case


def test_hand_over_accepted_moves_the_lead_and_adds_the_accepting_user() -> None:
    household, people = family()
    _r, assessment = assessed_report(people=people, household=household)
    first, second = assessor(), assessor()
    acute(assessment, first)
    services.confirm(actor=second, assessment=assessment, agree=True)
    social = OrganisationFactory(type=OrganisationType.SOCIAL_TEAM)
    worker = social_team_worker(social)
    handover = hand_over(assessment, first, to=social, message="Graag.")
    case = Case.objects.get(pk=Assessment.objects.get(pk=assessment.pk).case_id)
    assert case.owning_team == first.memberships.get().team
    assert case.lead_organisation == first.memberships.get().team.organisation  # Veilig Thuis keeps it
    with pytest.raises(PermissionDenied):
        services.decide_handover(actor=social_team_worker(), handover=handover, accept=True)
    services.decide_handover(actor=worker, handover=handover, accept=True)
    case.refresh_from_db()
    assert case.lead_organisation == social
    assert case.case_director == worker  # the work and the follow-up go to the organisation that leads
    assert CaseParticipant.objects.filter(
        case=case, user=worker, organisation=social, left_on__isnull=True
    ).exists()
    with pytest.raises(ValidationError) as exc:
        services.decide_handover(actor=worker, handover=handover, accept=False, reason="toch niet")
    assert "status" in _messages(exc)


def test_a_refused_hand_over_keeps_the_case_and_allows_a_new_route() -> None:
    household, people = family()
    _r, assessment = assessed_report(people=people, household=household)
    expert = assessor()
    none_found(assessment, expert)
    social = OrganisationFactory(type=OrganisationType.SOCIAL_TEAM)
    worker = social_team_worker(social)
    handover = hand_over(assessment, expert, to=social)
    with pytest.raises(ValidationError) as exc:
        services.decide_handover(actor=worker, handover=handover, accept=False)
    assert "reason" in _messages(exc)
    services.decide_handover(actor=worker, handover=handover, accept=False, reason="Geen capaciteit")
    case = Case.objects.get(pk=Assessment.objects.get(pk=assessment.pk).case_id)
    assert case.lead_organisation.type == OrganisationType.VEILIG_THUIS
    other = OrganisationFactory(type=OrganisationType.MENTAL_HEALTH)
    services.choose_route(
        actor=expert,
        assessment=assessment,
        route=RouteKind.HANDOVER,
        reason="Bestaande hulp",
        target="existing_help",
        receiving_organisation_id=other.pk,
    )
    assert HandOver.objects.filter(assessment=assessment).count() == 2


def test_bad_routes_name_the_field_and_write_nothing() -> None:
    household, people = family()
    _r, assessment = assessed_report(people=people, household=household)
    expert = assessor()
    with pytest.raises(ValidationError) as exc:
        services.choose_route(actor=expert, assessment=assessment, route=RouteKind.CLOSE, reason="te vroeg")
    assert "route" in _messages(exc)  # route before the assessment is complete
    none_found(assessment, expert)
    inactive = OrganisationFactory(type=OrganisationType.SOCIAL_TEAM, active=False)
    cases = [
        (
            {
                "route": RouteKind.HANDOVER,
                "reason": "x",
                "target": "social_team",
                "receiving_organisation_id": inactive.pk,
            },
            "receiving_organisation",
            "not active",
        ),
        (
            {
                "route": RouteKind.HANDOVER,
                "reason": "x",
                "target": "social_team",
                "receiving_organisation_id": 999_999,
            },
            "receiving_organisation",
            "does not exist",
        ),
        ({"route": RouteKind.HANDOVER, "reason": "x", "target": ""}, "target", ""),
        ({"route": RouteKind.INVESTIGATION, "reason": "x"}, "investigation_reason", ""),
        (
            {
                "route": RouteKind.INVESTIGATION,
                "reason": "x",
                "investigation_reason": "doubt",
                "deadline": timezone.localdate() - timedelta(days=1),
            },
            "deadline",
            "before today",
        ),
        ({"route": RouteKind.CONDITIONS, "reason": "  "}, "reason", ""),
        ({"route": "teleport", "reason": "x"}, "route", ""),
    ]
    for given, field, text in cases:
        with pytest.raises(ValidationError) as exc:
            services.choose_route(actor=expert, assessment=assessment, **given)
        assert field in _messages(exc), given
        assert text in " ".join(_messages(exc)[field])
    assessment.refresh_from_db()
    assert assessment.route == "" and assessment.status == AssessmentStatus.COMPLETE
    assert not HandOver.objects.exists()


def test_a_hand_over_needs_a_household() -> None:
    _r, assessment = assessed_report(people=[PersonFactory()])
    expert = assessor()
    none_found(assessment, expert)
    social = OrganisationFactory(type=OrganisationType.SOCIAL_TEAM)
    with pytest.raises(ValidationError) as exc:
        services.choose_route(
            actor=expert,
            assessment=assessment,
            route=RouteKind.HANDOVER,
            reason="x",
            target="social_team",
            receiving_organisation_id=social.pk,
        )
    assert "household" in _messages(exc)


def test_bad_answers_name_the_item_and_save_nothing() -> None:
    _h, people = family()
    _r, assessment = assessed_report(people=people)
    expert = assessor()
    with pytest.raises(ValidationError) as exc:
        services.record_answers(
            actor=expert,
            assessment=assessment,
            answers={"acute-danger": "yes", "weapon-threat": "maybe", "nonsense": "x"},
        )
    assert set(_messages(exc)) == {"answers.weapon-threat", "answers.nonsense"}
    assert not assessment.answers.exists()
    with pytest.raises(ValidationError) as exc:
        services.complete(actor=expert, assessment=assessment)
    assert "acute-danger" in _messages(exc)["answers"][0]


def test_only_assessors_assess() -> None:
    _h, people = family()
    _r, assessment = assessed_report(people=people)
    for outsider in (intake_worker(), social_team_worker()):
        with pytest.raises(PermissionDenied):
            services.record_answers(actor=outsider, assessment=assessment, answers={})
        with pytest.raises(PermissionDenied):
            services.complete(actor=outsider, assessment=assessment)
