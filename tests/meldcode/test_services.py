"""Meldcode services: the steps in order, bad input refused with the field named and nothing
half-saved, the report without retyping, feedback, and the partner network."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from haard.intake.models import Report
from haard.meldcode import services
from haard.meldcode.models import (
    DecisionAnswer,
    Feedback,
    MeldcodeRecord,
    PartnerProfile,
    PreventionActivity,
    RecordPerson,
    RecordStatus,
    Risk,
)
from haard.registry.models import Address, Person
from tests.factories import make_user
from tests.meldcode.factories import (
    ADDRESS,
    home_municipality,
    make_professional,
    make_vt_staff,
    membership_of,
    people,
    record_at,
    reported,
    start,
    to_step,
)

pytestmark = pytest.mark.django_db


def _fields(exc: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return set(exc.value.message_dict)


def test_the_reference_carries_the_dutch_year(frozen: Any) -> None:
    frozen(datetime(2027, 1, 1, 0, 30))  # 23:30 on 31 December in UTC
    record = start(make_professional())
    assert record.reference == f"MC2027-{record.pk:06d}"


def test_a_record_is_opened_for_the_professionals_organisation() -> None:
    professional = make_professional()
    record = start(professional)
    assert record.reference.startswith("MC") and record.reference.endswith(f"{record.pk:06d}")
    assert record.organisation == membership_of(professional).team.organisation
    assert record.postcode == "7901AB" and record.house_number == 3
    assert record.current_step == 1
    assert [p.first_names for p in record.people.all()] == ["Sanne", "Mark"]
    assert not Person.objects.exists()  # nothing reaches the register before a report


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"concern": " "}, "concern"),
        ({"address": services.AddressText(postcode="12", house_number="3")}, "postcode"),
        ({"address": services.AddressText(postcode="7901AB", house_number="x")}, "house_number"),
        ({"people": [services.PersonGiven(first_names="", surname="Jansen", role="victim")]}, "people"),
        ({"people": [services.PersonGiven(first_names="A", surname="B", role="king")]}, "people"),
        (
            {
                "people": [
                    services.PersonGiven(
                        first_names="A",
                        surname="B",
                        role="victim",
                        birth_date=date.today() + timedelta(days=2),
                    )
                ]
            },
            "people",
        ),
    ],
)
def test_bad_details_name_the_field_and_save_nothing(kwargs: dict[str, object], field: str) -> None:
    professional = make_professional()
    arguments: dict[str, object] = {
        "actor": professional,
        "membership": membership_of(professional),
        "municipality": home_municipality(),
        "concern": "Zorg",
        "address": ADDRESS,
        "people": people(),
        **kwargs,
    }
    with pytest.raises(ValidationError) as error:
        services.start_record(**arguments)  # type: ignore[arg-type]
    assert field in _fields(error)
    assert not MeldcodeRecord.objects.exists() and not RecordPerson.objects.exists()


def test_only_a_role_with_the_meldcode_capability_opens_a_record() -> None:
    case_manager = make_user("case_manager")
    with pytest.raises(PermissionDenied):
        services.start_record(
            actor=case_manager,
            membership=membership_of(case_manager),
            municipality=home_municipality(),
            concern="Zorg",
        )


def test_a_professional_without_an_organisation_is_refused_clearly() -> None:
    professional = make_professional()
    with pytest.raises(ValidationError) as error:
        services.start_record(
            actor=professional, membership=None, municipality=home_municipality(), concern="Z"
        )
    assert "organisation" in _fields(error)


def test_steps_are_recorded_in_order_and_cannot_be_skipped() -> None:
    professional = make_professional()
    record = start(professional)
    with pytest.raises(ValidationError) as error:
        services.record_conversation(actor=professional, record=record, held=True, notes="Gesprek")
    assert "Steps cannot be skipped: record step 1 first." in error.value.message_dict["step"]
    with pytest.raises(ValidationError):
        services.record_weighing(actor=professional, record=record, risk=Risk.LOW, notes="x")
    with pytest.raises(ValidationError) as error:
        services.answer_question(
            actor=professional, membership=membership_of(professional), record=record, question=1, answer=True
        )
    assert "step" in _fields(error)
    record.refresh_from_db()
    assert record.conversation_at is None and record.weighed_at is None
    assert not DecisionAnswer.objects.exists()

    record = to_step(record, professional, 3)
    assert record.current_step == 3
    with pytest.raises(ValidationError) as error:  # a recorded step is not recorded twice
        services.record_signs(actor=professional, record=record, signs="Nieuw")
    assert "step" in _fields(error)


@pytest.mark.parametrize(
    ("step", "call", "field"),
    [
        (1, lambda a, r: services.record_signs(actor=a, record=r, signs="  "), "signs"),
        (
            2,
            lambda a, r: services.record_consultation(
                actor=a, record=r, colleague=False, veilig_thuis=False, notes="x"
            ),
            "consulted_colleague",
        ),
        (
            2,
            lambda a, r: services.record_consultation(
                actor=a, record=r, colleague=True, veilig_thuis=False, notes=""
            ),
            "consultation_notes",
        ),
        (
            3,
            lambda a, r: services.record_conversation(actor=a, record=r, held=True, notes=""),
            "conversation_notes",
        ),
        (
            3,
            lambda a, r: services.record_conversation(actor=a, record=r, held=False, reason_not=""),
            "no_conversation_reason",
        ),
        (4, lambda a, r: services.record_weighing(actor=a, record=r, risk=9, notes="x"), "risk"),
        (4, lambda a, r: services.record_weighing(actor=a, record=r, risk=2, notes=" "), "weighing_notes"),
    ],
)
def test_a_step_with_bad_input_names_the_field_and_stays_open(step: int, call: object, field: str) -> None:
    professional = make_professional()
    record = record_at(professional, step)
    before = MeldcodeRecord.objects.filter(pk=record.pk).values().get()
    with pytest.raises(ValidationError) as error:
        call(professional, record)  # type: ignore[operator]
    assert field in _fields(error)
    assert MeldcodeRecord.objects.filter(pk=record.pk).values().get() == before


def test_a_conversation_not_held_keeps_the_reason() -> None:
    professional = make_professional()
    record = services.record_conversation(
        actor=professional, record=record_at(professional, 3), held=False, reason_not="Gevaar voor het kind."
    )
    assert record.conversation_held is False and record.no_conversation_reason == "Gevaar voor het kind."
    assert record.current_step == 4


def test_questions_are_answered_in_order() -> None:
    professional = make_professional()
    record = record_at(professional, 5)
    membership = membership_of(professional)
    with pytest.raises(ValidationError) as error:
        services.answer_question(
            actor=professional, membership=membership, record=record, question=2, answer=True
        )
    assert error.value.message_dict["question"] == ["Answer question 1 now; question 2 is not next."]
    record = services.answer_question(
        actor=professional, membership=membership, record=record, question=1, answer=True
    )
    with pytest.raises(ValidationError):  # question 1 again
        services.answer_question(
            actor=professional, membership=membership, record=record, question=1, answer=False
        )
    with pytest.raises(ValidationError):  # question 3 before 2
        services.answer_question(
            actor=professional, membership=membership, record=record, question=3, answer=True
        )
    assert list(record.answers.values_list("question", flat=True)) == [1]


@pytest.mark.parametrize(
    ("with_people", "with_address", "field"), [(False, True, "people"), (True, False, "address")]
)
def test_report_without_a_person_or_address_is_refused_and_nothing_is_saved(
    with_people: bool, with_address: bool, field: str
) -> None:
    professional = make_professional()
    record = record_at(professional, 5, with_people=with_people, with_address=with_address)
    membership = membership_of(professional)
    record = services.answer_question(
        actor=professional, membership=membership, record=record, question=1, answer=True
    )
    with pytest.raises(ValidationError) as error:
        services.answer_question(
            actor=professional, membership=membership, record=record, question=2, answer=True
        )
    assert field in _fields(error)
    record.refresh_from_db()
    assert record.status == RecordStatus.OPEN and record.report is None
    assert list(record.answers.values_list("question", flat=True)) == [1]
    assert not Report.objects.exists() and not Person.objects.exists() and not Address.objects.exists()


def test_the_missing_details_can_be_added_and_then_reported() -> None:
    professional = make_professional()
    record = record_at(professional, 5, with_people=False, with_address=False)
    services.update_details(
        actor=professional,
        record=record,
        municipality=record.municipality,
        concern="Blauwe plekken",
        address=ADDRESS,
        people=people(1),
    )
    record = services.answer_question(
        actor=professional, membership=membership_of(professional), record=record, question=1, answer=True
    )
    record = services.answer_question(
        actor=professional, membership=membership_of(professional), record=record, question=2, answer=True
    )
    assert record.report is not None and [p.first_names for p in record.report.people.all()] == ["Sanne"]


def test_the_report_carries_the_record_without_retyping() -> None:
    professional = make_professional()
    record = reported(professional)
    report = record.report
    assert report is not None
    assert report.kind == "report" and report.source == "professional"
    assert report.reporter_name == professional.display_name
    assert report.initial_severity == Risk.SERIOUS
    assert "Blauwe plekken op de armen." in report.narrative and "Intern begeleider" in report.narrative
    roles = sorted(report.involved.values_list("role", flat=True))
    assert roles == ["child_in_household", "suspect"]
    assert report.municipality == record.municipality


def test_only_the_author_writes_and_a_closed_record_does_not_change() -> None:
    professional = make_professional()
    colleague = make_professional(team=membership_of(professional).team)
    record = start(professional)
    with pytest.raises(PermissionDenied):
        services.record_signs(actor=colleague, record=record, signs="x")
    closed = reported(professional)
    with pytest.raises(ValidationError) as error:
        services.update_details(
            actor=professional,
            record=closed,
            municipality=closed.municipality,
            concern="Anders",
            address=None,
            people=[],
        )
    assert "step" in _fields(error)


def test_feedback_received_then_outcome_by_veilig_thuis_only() -> None:
    professional = make_professional()
    record = reported(professional)
    intake = make_vt_staff()
    with pytest.raises(PermissionDenied):
        services.give_feedback(actor=professional, record=record, stage="received")
    with pytest.raises(PermissionDenied):  # an intake worker outside Veilig Thuis
        services.give_feedback(actor=make_user("intake_worker"), record=record, stage="received")
    with pytest.raises(ValidationError) as error:
        services.give_feedback(actor=intake, record=record, stage="outcome", outcome="hand_over")
    assert "stage" in _fields(error)
    services.give_feedback(actor=intake, record=record, stage="received")
    with pytest.raises(ValidationError) as error:
        services.give_feedback(actor=intake, record=record, stage="received")
    assert "stage" in _fields(error)
    with pytest.raises(ValidationError) as error:
        services.give_feedback(actor=intake, record=record, stage="outcome", outcome="")
    assert "outcome" in _fields(error)
    with pytest.raises(ValidationError) as error:
        services.give_feedback(
            actor=intake, record=record, stage="outcome", outcome="closed", note="x" * 1001
        )
    assert "note" in _fields(error)
    services.give_feedback(
        actor=make_vt_staff("safety_assessor"), record=record, stage="outcome", outcome="closed"
    )
    assert list(Feedback.objects.values_list("stage", "outcome")) == [("received", ""), ("outcome", "closed")]


def test_no_feedback_on_a_record_that_was_not_reported() -> None:
    record = record_at(make_professional(), 2)
    with pytest.raises(ValidationError) as error:
        services.give_feedback(actor=make_vt_staff(), record=record, stage="received")
    assert "record" in _fields(error)
    assert not Feedback.objects.exists()


def test_the_partner_profile_is_kept_by_administrators_and_veilig_thuis() -> None:
    professional = make_professional()
    school = membership_of(professional).team.organisation
    with pytest.raises(PermissionDenied):
        services.save_partner_profile(actor=professional, organisation=school, sector="education")
    for editor in (make_user("administrator"), make_vt_staff()):
        profile = services.save_partner_profile(
            actor=editor,
            organisation=school,
            sector="education",
            has_meldcode=True,
            meldcode_since=date(2019, 1, 1),
            meldcode_contact=professional,
            veilig_thuis_contact=" zorgcoordinator@school.invalid ",
        )
    assert PartnerProfile.objects.count() == 1
    assert profile.veilig_thuis_contact == "zorgcoordinator@school.invalid"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"sector": "space"}, "sector"),
        ({"has_meldcode": False, "meldcode_since": date(2019, 1, 1)}, "meldcode_since"),
        ({"has_meldcode": True, "meldcode_since": date.today() + timedelta(days=3)}, "meldcode_since"),
        ({"meldcode_contact": "outsider"}, "meldcode_contact"),
    ],
)
def test_a_bad_partner_profile_names_the_field(kwargs: dict[str, object], field: str) -> None:
    school = membership_of(make_professional()).team.organisation
    if kwargs.get("meldcode_contact") == "outsider":
        kwargs["meldcode_contact"] = make_professional()  # works for another school
    arguments: dict[str, object] = {"sector": "education", "has_meldcode": True, **kwargs}
    with pytest.raises(ValidationError) as error:
        services.save_partner_profile(actor=make_user("administrator"), organisation=school, **arguments)  # type: ignore[arg-type]
    assert field in _fields(error)
    assert not PartnerProfile.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"kind": "party"}, "kind"),
        ({"title": " "}, "title"),
        ({"held_on": timezone.localdate() + timedelta(days=1)}, "held_on"),
        ({"reach": -1}, "reach"),
    ],
)
def test_a_bad_prevention_activity_names_the_field(kwargs: dict[str, object], field: str) -> None:
    school = membership_of(make_professional()).team.organisation
    arguments: dict[str, object] = {
        "kind": "training",
        "title": "Signaleren",
        "held_on": date(2026, 1, 5),
        "reach": 20,
    }
    with pytest.raises(ValidationError) as error:
        services.add_prevention_activity(
            actor=make_user("administrator"),
            organisation=school,
            **{**arguments, **kwargs},  # type: ignore[arg-type]
        )
    assert field in _fields(error)
    assert not PreventionActivity.objects.exists()


def test_a_partner_system_files_all_steps_at_once_or_nothing() -> None:
    professional = make_professional()
    arguments = {
        "actor": professional,
        "membership": membership_of(professional),
        "municipality": home_municipality(),
        "concern": "Zorg",
        "address": ADDRESS,
        "people": people(),
    }
    with pytest.raises(ValidationError) as error:  # step 3 without step 2
        services.file_record(
            **arguments, steps=services.StepsGiven(signs="x", conversation_held=True, conversation_notes="y")
        )  # type: ignore[arg-type]
    assert error.value.message_dict["step"] == ["Steps cannot be skipped: step 2 is missing."]
    with pytest.raises(ValidationError) as error:  # an answer out of order
        services.file_record(
            **arguments,  # type: ignore[arg-type]
            steps=services.StepsGiven(
                signs="x",
                consulted_colleague=True,
                consultation_notes="y",
                conversation_held=True,
                conversation_notes="z",
                risk=3,
                weighing_notes="w",
                answers=[(2, True, "")],
            ),
        )
    assert "question" in _fields(error)
    assert not MeldcodeRecord.objects.exists() and not RecordPerson.objects.exists()
