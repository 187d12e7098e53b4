"""Working on a case: participants (access follows them), status history, goals per life
domain, notes for Veilig Thuis only, and follow-up after closure."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from haard.accounts.models import OrganisationType
from haard.cases import selectors, services
from haard.cases.models import (
    Case,
    CaseReport,
    CaseStatus,
    CaseStatusChange,
    FollowUpCheck,
    FollowUpStatus,
    Goal,
    Recurrence,
)
from haard.core.models import RegionSetting
from haard.intake.models import RepeatClass
from tests.cases.helpers import closed_case
from tests.factories import OrganisationFactory, TeamFactory, make_user
from tests.intake.factories import make_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner(db: None) -> Any:
    """A case worker of a partner organisation (youth care)."""
    return make_user(
        "case_manager", team=TeamFactory(organisation=OrganisationFactory(type=OrganisationType.YOUTH_CARE))
    )


@pytest.fixture
def vt_worker(db: None) -> Any:
    return make_user(
        "case_manager", team=TeamFactory(organisation=OrganisationFactory(type=OrganisationType.VEILIG_THUIS))
    )


def test_access_follows_participation_and_ends_when_leaving(
    own_case: Any, case_manager: Any, partner: Any
) -> None:
    assert not Case.objects.visible_to(partner).filter(pk=own_case.pk).exists()
    participant = services.add_participant(actor=case_manager, case=own_case, user=partner)
    assert Case.objects.visible_to(partner).filter(pk=own_case.pk).exists()
    with pytest.raises(ValidationError) as twice:
        services.add_participant(actor=case_manager, case=own_case, user=partner)
    assert "user" in twice.value.message_dict
    services.leave_case(actor=partner, participant=participant)
    assert not Case.objects.visible_to(partner).filter(pk=own_case.pk).exists()
    with pytest.raises(ValidationError, match="left the case already"):
        services.leave_case(actor=case_manager, participant=participant)


def test_leaving_as_case_director_clears_the_director(own_case: Any, case_manager: Any, partner: Any) -> None:
    participant = services.add_participant(actor=case_manager, case=own_case, user=partner)
    services.set_lead(
        actor=case_manager,
        case=own_case,
        lead_organisation=partner.memberships.get().team.organisation,
        case_director=partner,
    )
    services.leave_case(actor=case_manager, participant=participant)
    own_case.refresh_from_db()
    assert own_case.case_director is None


def test_the_outsider_changes_nothing(own_case: Any, outsider: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.add_goal(
            actor=outsider,
            case=own_case,
            domain="safety",
            description="x",
            owner=outsider,
            due_on=date.today(),
        )
    with pytest.raises(PermissionDenied):
        services.change_status(actor=outsider, case=own_case, status="closed", reason="x")
    with pytest.raises(PermissionDenied):
        services.add_participant(actor=outsider, case=own_case, user=outsider)
    assert not Goal.objects.exists()


def test_a_case_director_must_take_part(own_case: Any, case_manager: Any, outsider: Any) -> None:
    with pytest.raises(ValidationError) as error:
        services.set_lead(
            actor=case_manager,
            case=own_case,
            lead_organisation=own_case.lead_organisation,
            case_director=outsider,
        )
    assert "case_director" in error.value.message_dict
    inactive = OrganisationFactory(active=False)
    with pytest.raises(ValidationError) as error:
        services.set_lead(actor=case_manager, case=own_case, lead_organisation=inactive, case_director=None)
    assert "lead_organisation" in error.value.message_dict


def test_status_history_records_who_when_why(own_case: Any, case_manager: Any) -> None:
    services.change_status(
        actor=case_manager, case=own_case, status="monitoring", reason="Voorwaarden afgesproken"
    )
    changes = list(CaseStatusChange.objects.filter(case=own_case))
    assert [(c.from_status, c.to_status, c.changed_by, c.reason) for c in changes] == [
        ("open", "monitoring", case_manager, "Voorwaarden afgesproken")
    ]


@pytest.mark.parametrize(
    ("status", "reason", "field"),
    [("open", "x", "status"), ("bogus", "x", "status"), ("closed", "  ", "reason")],
)
def test_bad_status_changes(own_case: Any, case_manager: Any, status: str, reason: str, field: str) -> None:
    with pytest.raises(ValidationError) as error:
        services.change_status(actor=case_manager, case=own_case, status=status, reason=reason)
    assert field in error.value.message_dict
    assert not CaseStatusChange.objects.filter(case=own_case).exists()


def test_closing_schedules_follow_ups_and_reopening_cancels_them(own_case: Any, case_manager: Any) -> None:
    case = closed_case(own_case, case_manager, on=date(2026, 3, 2))
    assert case.status == CaseStatus.CLOSED and case.closed_on == date(2026, 3, 2)
    checks = list(FollowUpCheck.objects.filter(case=case))
    assert [(c.months_after_closure, c.due_on) for c in checks] == [
        (3, date(2026, 6, 2)),
        (6, date(2026, 9, 2)),
        (12, date(2027, 3, 2)),
    ]
    services.change_status(actor=case_manager, case=case, status="open", reason="Nieuwe zorgen")
    assert set(FollowUpCheck.objects.filter(case=case).values_list("status", flat=True)) == {"cancelled"}
    case.refresh_from_db()
    assert case.closed_on is None


def test_the_region_sets_the_follow_up_months(own_case: Any, case_manager: Any) -> None:
    RegionSetting.objects.create(key=services.FOLLOW_UP_MONTHS, value=[1, 24])
    case = closed_case(own_case, case_manager, on=date(2026, 1, 30))
    # 30 February does not exist: the end of the month; 1 March 2026 is a Sunday → Monday 2 March.
    assert list(FollowUpCheck.objects.filter(case=case).values_list("months_after_closure", "due_on")) == [
        (1, date(2026, 3, 2)),
        (24, date(2028, 1, 31)),
    ]


def test_recording_a_follow_up(own_case: Any, case_manager: Any) -> None:
    case = closed_case(own_case, case_manager, on=timezone.localdate() - timedelta(days=100))
    check = FollowUpCheck.objects.filter(case=case).first()
    with pytest.raises(ValidationError) as error:
        services.record_follow_up(actor=case_manager, check=check, family_safe=None)
    assert "family_safe" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.record_follow_up(actor=case_manager, check=check, family_safe=False, notes="")
    assert "notes" in error.value.message_dict
    done = services.record_follow_up(actor=case_manager, check=check, family_safe=True, notes="Rustig")
    assert (
        done.status == FollowUpStatus.DONE and done.family_safe is True and done.recorded_by == case_manager
    )
    with pytest.raises(ValidationError) as error:
        services.record_follow_up(actor=case_manager, check=check, family_safe=True)
    assert "check" in error.value.message_dict


def test_a_goal_needs_an_owner_and_dates_in_order(own_case: Any, case_manager: Any, outsider: Any) -> None:
    today = timezone.localdate()
    cases = [
        ({"owner": None, "due_on": today}, "owner"),
        ({"owner": outsider, "due_on": today}, "owner"),
        ({"owner": case_manager, "due_on": None}, "due_on"),
        ({"owner": case_manager, "due_on": today - timedelta(days=1)}, "due_on"),
        ({"owner": case_manager, "due_on": today, "domain": "astrology"}, "domain"),
        ({"owner": case_manager, "due_on": today, "description": " "}, "description"),
        ({"owner": case_manager, "due_on": today, "visibility": "veilig_thuis"}, "visibility"),
    ]
    for given, field in cases:
        kwargs = {"domain": "housing", "description": "Woning zoeken", **given}
        with pytest.raises(ValidationError) as error:
            services.add_goal(actor=case_manager, case=own_case, **kwargs)
        assert field in error.value.message_dict, given
    assert not Goal.objects.exists()
    goal = services.add_goal(
        actor=case_manager,
        case=own_case,
        domain="housing",
        description="Woning zoeken",
        owner=case_manager,
        due_on=today + timedelta(days=9),
    )
    with pytest.raises(ValidationError) as error:
        services.update_goal(actor=case_manager, goal=goal, status="done", due_on=today - timedelta(days=3))
    assert "due_on" in error.value.message_dict
    assert services.update_goal(actor=case_manager, goal=goal, status="done").status == "done"


def test_partners_do_not_see_veilig_thuis_notes_or_goals(vt_worker: Any, partner: Any, team: Any) -> None:
    from tests.factories import make_case

    case = make_case(team=vt_worker.memberships.get().team, participants=[vt_worker])
    services.add_participant(actor=vt_worker, case=case, user=partner)
    services.add_note(
        actor=vt_worker, case=case, text="Onderzoeksnotitie: vermoeden", visibility="veilig_thuis"
    )
    services.add_note(actor=vt_worker, case=case, text="Afspraak met school", visibility="participants")
    services.add_goal(
        actor=vt_worker,
        case=case,
        domain="safety",
        description="VT toetst",
        owner=vt_worker,
        due_on=timezone.localdate(),
        visibility="veilig_thuis",
    )
    services.add_goal(
        actor=vt_worker,
        case=case,
        domain="parenting",
        description="Opvoedsteun",
        owner=partner,
        due_on=timezone.localdate(),
    )
    seen_by_partner = selectors.case_file(actor=partner, case=case)
    assert [n.text for n in seen_by_partner.notes] == ["Afspraak met school"]
    assert [g.description for g in seen_by_partner.goals] == ["Opvoedsteun"]
    seen_by_vt = selectors.case_file(actor=vt_worker, case=case)
    assert len(seen_by_vt.notes) == 2 and len(seen_by_vt.goals) == 2
    with pytest.raises(ValidationError) as error:
        services.add_note(actor=partner, case=case, text="Poging", visibility="veilig_thuis")
    assert "visibility" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.add_note(actor=partner, case=case, text=" ")
    assert "text" in error.value.message_dict


def test_a_report_during_follow_up_reopens_the_case_and_counts_as_recurrence(
    own_case: Any, case_manager: Any, django_capture_on_commit_callbacks: Any
) -> None:
    case = closed_case(own_case, case_manager, on=timezone.localdate() - timedelta(days=40))
    person = case.members.first().person
    with django_capture_on_commit_callbacks(execute=True):
        report = make_report(people=[person])
    assert report.repeat_class == RepeatClass.DURING_INVOLVEMENT
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN and case.closed_on is None
    assert CaseReport.objects.get(case=case).report == report
    recurrence = Recurrence.objects.get(case=case)
    assert recurrence.household == case.household and recurrence.within_12_months
    assert set(FollowUpCheck.objects.filter(case=case).values_list("status", flat=True)) == {"cancelled"}
    assert CaseStatusChange.objects.filter(case=case, to_status="open", changed_by=None).exists()


def test_the_region_may_link_without_reopening(
    own_case: Any, case_manager: Any, django_capture_on_commit_callbacks: Any
) -> None:
    RegionSetting.objects.create(key=services.FOLLOW_UP_REPORT_REOPENS, value=False)
    case = closed_case(own_case, case_manager, on=timezone.localdate() - timedelta(days=40))
    with django_capture_on_commit_callbacks(execute=True):
        make_report(people=[case.members.first().person])
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert CaseReport.objects.filter(case=case, during_follow_up=True).count() == 1


def test_a_report_after_follow_up_is_a_recurrence_but_not_within_the_year(
    own_case: Any, case_manager: Any, django_capture_on_commit_callbacks: Any
) -> None:
    case = closed_case(own_case, case_manager, on=timezone.localdate() - timedelta(days=500))
    FollowUpCheck.objects.filter(case=case).update(status=FollowUpStatus.DONE, family_safe=True)
    with django_capture_on_commit_callbacks(execute=True):
        report = make_report(people=[case.members.first().person])
    assert report.repeat_class != RepeatClass.DURING_INVOLVEMENT
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert not CaseReport.objects.exists()
    assert Recurrence.objects.get(case=case).within_12_months is False


def test_a_report_about_someone_else_changes_nothing(
    own_case: Any, case_manager: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from tests.factories import PersonFactory

    closed_case(own_case, case_manager, on=timezone.localdate() - timedelta(days=40))
    with django_capture_on_commit_callbacks(execute=True):
        make_report(people=[PersonFactory()])
    assert not Recurrence.objects.exists() and not CaseReport.objects.exists()
