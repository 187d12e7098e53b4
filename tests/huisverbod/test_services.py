"""Imposing, extending, withdrawing: help from day one for everyone, the household's case, the
Veilig Thuis consultation for children, and every bad input refused by field, nothing half-saved."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from haard.cases.models import Case, CaseMember
from haard.core.models import RegionSetting
from haard.huisverbod import selectors, services
from haard.huisverbod.models import (
    Deadline,
    DecisionDocument,
    HelpTask,
    OrderStatus,
    RestrainingOrder,
    RiskAssessment,
)
from haard.registry.models import HouseholdMember
from tests.huisverbod.helpers import colours, impose, make_region, person

pytestmark = pytest.mark.django_db


def local(*args: int) -> datetime:
    return timezone.make_aware(datetime(*args))


def nothing_saved() -> None:
    assert RestrainingOrder.objects.count() == 0
    assert HelpTask.objects.count() == 0
    assert Deadline.objects.count() == 0
    assert RiskAssessment.objects.count() == 0
    assert Case.objects.count() == 0


def refused(field: str, call: Any) -> str:
    with pytest.raises(ValidationError) as info:
        call()
    assert field in info.value.message_dict, info.value.message_dict
    return " ".join(info.value.message_dict[field])


def test_imposing_starts_help_for_everyone_in_the_same_transaction(region: Any, frozen: Any) -> None:
    now = frozen(datetime(2026, 11, 21, 2, 30))  # at night
    order = impose(region, children=2, imposed_at=now)
    assert order.reference.startswith("HV-2026-")
    assert order.imposed_as == "mandate" and order.mandate.decision_reference == "MB-2026-17"
    assert order.registered_by_organisation == region.organisations["police"]
    tasks = {t.recipient: t for t in order.help_tasks.all()}
    assert order.help_tasks.count() == 4
    assert order.help_tasks.filter(recipient="child").count() == 2
    assert tasks["barred"].organisation == region.organisations["probation"]
    assert tasks["victim"].organisation == region.organisations["social_team"]
    assert tasks["child"].organisation == region.organisations["youth_care"]
    assert all(t.due_on == date(2026, 11, 22) for t in order.help_tasks.all())
    assert (
        order.case is not None and order.case.owning_team.organisation == region.organisations["veilig_thuis"]
    )
    roles = set(CaseMember.objects.filter(case=order.case).values_list("role", flat=True))
    assert roles == {"suspect", "victim", "child"}
    assert HouseholdMember.objects.filter(household=order.household).count() == 4
    assert order.risk_assessment.order_in_principle and order.risk_assessment.outcome_parts == ["person"]
    assert order.documents.get().kind == "impose"


def test_an_existing_open_case_of_the_household_is_linked(region: Any, frozen: Any) -> None:
    frozen(datetime(2026, 11, 21, 2, 30))
    first = impose(region)
    barred = first.barred_person
    victim = first.banned_contacts.get().person
    second = impose(region, barred=barred, banned=[(victim, "victim")])
    assert second.case == first.case and Case.objects.count() == 1


def test_help_organisation_by_id_setting(region: Any) -> None:
    RegionSetting.objects.create(
        key="huisverbod.help_organisation_child", value=str(region.organisations["social_team"].pk)
    )
    order = impose(region, children=1)
    assert order.help_tasks.get(recipient="child").organisation == region.organisations["social_team"]


def test_children_need_the_veilig_thuis_consultation(region: Any) -> None:
    message = refused("vt_consulted_at", lambda: impose(region, children=2, vt=False))
    assert "Veilig Thuis" in message
    nothing_saved()


def test_a_person_in_the_contact_ban_equal_to_the_barred_person(region: Any) -> None:
    barred = person("Kees", "Bakker", date(1985, 3, 1))
    message = refused("banned", lambda: impose(region, barred=barred, banned=[(barred, "victim")]))
    assert "barred person" in message
    nothing_saved()


def test_a_mandate_by_a_person_without_mandate(region: Any) -> None:
    message = refused("mandate", lambda: impose(region, actor=region.unmandated_police))
    assert "mandate" in message
    nothing_saved()


def test_an_expired_mandate_is_no_mandate(frozen: Any, db: None) -> None:
    region = make_region()
    region.police.huisverbod_mandates.update(valid_until=date(2026, 1, 1))
    frozen(datetime(2026, 11, 21, 2, 30))
    refused("mandate", lambda: impose(region))
    nothing_saved()


def test_a_mandate_for_another_municipality_is_no_mandate(db: None) -> None:
    region = make_region()
    other = make_region(mandate=False)
    refused("mandate", lambda: impose(other, actor=region.police))


def test_the_mayors_office_imposes_without_mandate(region: Any) -> None:
    order = impose(region, actor=region.mayor)
    assert order.imposed_as == "mayor" and order.mandate is None
    assert order.registered_by_organisation == region.organisations["municipality"]


def test_a_child_cannot_be_barred(region: Any) -> None:
    refused("barred_person", lambda: impose(region, barred=person("Tim", "Bakker", date(2012, 1, 1))))
    nothing_saved()


def test_imposition_in_the_future_and_missing_risk_scores(region: Any) -> None:
    refused("imposed_at", lambda: impose(region, imposed_at=timezone.now() + timedelta(days=1)))
    incomplete = dict(list(colours().items())[:5])
    with pytest.raises(ValidationError) as info:
        services.impose_order(
            actor=region.police,
            membership=None,
            municipality=region.municipality,
            address=region.address,
            barred_person=person("K", "B"),
            banned=[(person("A", "B"), "victim")],
            imposed_at=timezone.now(),
            form="written",
            facts="Feiten.",
            risk_colours=incomplete,
            risk_decision="",
        )
    assert "risk" in info.value.message_dict
    nothing_saved()


@pytest.fixture
def running(region: Any, frozen: Any) -> Any:
    frozen(datetime(2026, 11, 20, 23, 0))
    return impose(region, children=1)


def _extend(region: Any, order: Any, **kwargs: Any) -> Any:
    values = {
        "hearing_at": local(2026, 11, 27, 10, 0),
        "decided_at": local(2026, 11, 27, 14, 0),
        "until": local(2026, 12, 18, 23, 0),
        "reasons": "Het gevaar duurt voort.",
    }
    values.update(kwargs)
    return services.extend_order(actor=region.mayor, order=order, **values)


def _unchanged(order: Any) -> None:
    fresh = RestrainingOrder.objects.get(pk=order.pk)
    assert fresh.status == OrderStatus.IMPOSED and fresh.ends_at == order.ends_at
    assert fresh.hearing_at is None and fresh.extension_decided_at is None
    assert fresh.documents.filter(kind="extend").count() == 0
    assert not fresh.deadlines.exclude(status="open").exists()


def test_extension_after_a_hearing(region: Any, running: Any, frozen: Any) -> None:
    frozen(datetime(2026, 11, 27, 15, 0))
    order = _extend(region, running)
    assert order.status == OrderStatus.EXTENDED
    assert timezone.localtime(order.ends_at).date() == date(2026, 12, 18)
    assert DecisionDocument.objects.filter(order=order, kind="extend").count() == 1


def test_extension_beyond_four_weeks_after_imposition(region: Any, running: Any, frozen: Any) -> None:
    frozen(datetime(2026, 11, 27, 15, 0))
    message = refused("until", lambda: _extend(region, running, until=local(2026, 12, 19, 0, 0)))
    assert "4 weeks" in message
    _unchanged(running)


def test_extension_with_an_end_before_the_start(region: Any, running: Any, frozen: Any) -> None:
    frozen(datetime(2026, 11, 27, 15, 0))
    message = refused("until", lambda: _extend(region, running, until=local(2026, 11, 19, 12, 0)))
    assert "before the start" in message
    _unchanged(running)


def test_withdrawal_with_an_end_before_the_start(region: Any, running: Any, frozen: Any) -> None:
    frozen(datetime(2026, 11, 27, 15, 0))
    refused(
        "withdrawn_at",
        lambda: services.withdraw_order(
            actor=region.mayor, order=running, at=local(2026, 11, 19, 0, 0), reasons="x"
        ),
    )
    _unchanged(running)


def test_extension_decided_after_the_order_ended(region: Any, running: Any, frozen: Any) -> None:
    frozen(datetime(2026, 12, 2, 10, 0))
    message = refused(
        "decided_at",
        lambda: _extend(
            region, running, hearing_at=local(2026, 12, 1, 10, 0), decided_at=local(2026, 12, 2, 9, 0)
        ),
    )
    assert "ended" in message
    _unchanged(running)


def test_extension_without_hearing_the_parties(region: Any, running: Any, frozen: Any) -> None:
    frozen(datetime(2026, 11, 27, 15, 0))
    refused("hearing_at", lambda: _extend(region, running, hearing_at=None))
    _unchanged(running)


def test_extension_by_a_police_officer(region: Any, running: Any, frozen: Any) -> None:
    frozen(datetime(2026, 11, 27, 15, 0))
    refused(
        "decided_at",
        lambda: services.extend_order(
            actor=region.police,
            order=running,
            decided_at=timezone.now(),
            until=local(2026, 12, 10, 0, 0),
            reasons="x",
        ),
    )
    _unchanged(running)


def test_withdrawal_by_a_police_officer(region: Any, running: Any, frozen: Any) -> None:
    frozen(datetime(2026, 11, 24, 10, 0))
    message = refused(
        "withdrawn_by",
        lambda: services.withdraw_order(
            actor=region.police, order=running, at=timezone.now(), reasons="Hulp aanvaard."
        ),
    )
    assert "mayor" in message
    _unchanged(running)


def test_withdrawal_by_the_mayor_ends_the_order(region: Any, running: Any, frozen: Any) -> None:
    frozen(datetime(2026, 11, 24, 10, 0))
    order = services.withdraw_order(
        actor=region.mayor, order=running, at=timezone.now(), reasons="Hulp aanvaard."
    )
    assert order.status == OrderStatus.WITHDRAWN
    assert order.documents.filter(kind="withdraw").count() == 1
    refused(
        "withdrawn_at",
        lambda: services.withdraw_order(actor=region.mayor, order=order, at=timezone.now(), reasons="again"),
    )


def test_oral_order_gets_its_written_decision(region: Any, frozen: Any) -> None:
    frozen(datetime(2026, 11, 20, 23, 0))
    order = impose(region, form="oral")
    assert order.documents.count() == 0
    frozen(datetime(2026, 11, 21, 9, 0))
    document = services.record_written_decision(actor=region.police, order=order, at=timezone.now())
    assert document.kind == "impose" and document.content[:5] == b"%PDF-"
    assert order.deadlines.get(kind="written_decision").status == "met"


def test_breach_needs_the_police_report_reference(region: Any, running: Any, frozen: Any) -> None:
    frozen(datetime(2026, 11, 23, 10, 0))
    refused(
        "police_report_reference",
        lambda: services.record_breach(
            actor=region.police, order=running, occurred_at=timezone.now(), police_report_reference=" "
        ),
    )
    breach = services.record_breach(
        actor=region.police,
        order=running,
        occurred_at=timezone.now(),
        police_report_reference="PL0100-2026-123",
    )
    assert breach.order == running


def test_document_versions_follow_the_regions_template(region: Any, running: Any) -> None:
    from haard.huisverbod.models import DecisionTemplate

    DecisionTemplate.objects.filter(kind="impose").update(active=False)
    DecisionTemplate.objects.create(
        kind="impose",
        version=2,
        body="Nieuwe tekst voor {{ barred_person }}.",
        appeal_clause="Bezwaar: zes weken.",
    )
    document = services.new_document_version(actor=region.mayor, order=running, kind="impose")
    assert document.version == 2 and document.template.version == 2


def test_figures_count_per_municipality_and_period(region: Any, frozen: Any) -> None:
    frozen(datetime(2026, 11, 20, 23, 0))
    first = impose(region)
    impose(region)
    services.record_breach(
        actor=region.police, order=first, occurred_at=timezone.now(), police_report_reference="PL-1"
    )
    services.record_breach(
        actor=region.police, order=first, occurred_at=timezone.now(), police_report_reference="PL-2"
    )
    frozen(datetime(2026, 11, 24, 10, 0))
    services.withdraw_order(actor=region.mayor, order=first, at=timezone.now(), reasons="Hulp aanvaard.")
    rows = selectors.order_figures(start=date(2026, 11, 1), end=date(2026, 11, 30))
    assert rows == [
        {
            "municipality_id": region.municipality.pk,
            "municipality_code": region.municipality.code,
            "municipality": region.municipality.name,
            "imposed": 2,
            "extended": 0,
            "withdrawn": 1,
            "breached": 1,
            "annulled": 0,
        }
    ]
    assert selectors.order_figures(start=date(2026, 12, 1), end=date(2026, 12, 31)) == []
