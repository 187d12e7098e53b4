"""Meldcode and partner network in the API: the same selectors and access log as the pages.

Partner systems (a school's or care provider's own record system) send a meldcode record with
the steps taken so far; when the answers lead to "report", the report reaches Veilig Thuis at
once. They read back their records and Veilig Thuis' feedback."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from haard.accounts.api_support import actor_of, require_scope
from haard.accounts.selectors import acting_membership, request_memberships
from haard.core.models import Municipality
from haard.intake.models import InvolvementRole
from haard.meldcode import selectors, services
from haard.meldcode.models import MeldcodeRecord, RecordStatus, Risk
from haard.registry.models import Gender

router = Router(tags=["meldcode"])


class PersonOut(Schema):
    first_names: str
    surname_prefix: str
    surname: str
    birth_date: date | None
    role: str


class AnswerOut(Schema):
    question: int
    answer: bool
    note: str


class FeedbackOut(Schema):
    stage: str
    outcome: str
    note: str
    given_at: datetime


class RecordOut(Schema):
    id: int
    reference: str
    status: str
    current_step: int | None
    organisation: str
    municipality: str
    concern: str
    address: str
    created_at: datetime
    people: list[PersonOut]
    signs: str
    consulted_colleague: bool
    consulted_veilig_thuis: bool
    consultation_notes: str
    conversation_held: bool | None
    conversation_notes: str
    no_conversation_reason: str
    risk: int | None
    weighing_notes: str
    answers: list[AnswerOut]
    report_reference: str | None
    feedback: list[FeedbackOut]


def _out(record: MeldcodeRecord) -> dict[str, object]:
    return {
        "id": record.pk,
        "reference": record.reference,
        "status": record.status,
        "current_step": record.current_step,
        "organisation": record.organisation.name,
        "municipality": record.municipality.code,
        "concern": record.concern,
        "address": record.address_text,
        "created_at": record.created_at,
        "people": [
            {
                "first_names": p.first_names,
                "surname_prefix": p.surname_prefix,
                "surname": p.surname,
                "birth_date": p.birth_date,
                "role": p.role,
            }
            for p in record.people.all()
        ],
        "signs": record.signs,
        "consulted_colleague": record.consulted_colleague,
        "consulted_veilig_thuis": record.consulted_veilig_thuis,
        "consultation_notes": record.consultation_notes,
        "conversation_held": record.conversation_held,
        "conversation_notes": record.conversation_notes,
        "no_conversation_reason": record.no_conversation_reason,
        "risk": record.risk,
        "weighing_notes": record.weighing_notes,
        "answers": [
            {"question": a.question, "answer": a.answer, "note": a.note} for a in record.answers.all()
        ],
        "report_reference": record.report.reference if record.report else None,
        "feedback": [
            {"stage": f.stage, "outcome": f.outcome, "note": f.note, "given_at": f.given_at}
            for f in record.feedback.all()
        ],
    }


class RecordFilterIn(Schema):
    status: RecordStatus | None = None
    page: int = Field(1, ge=1, le=100_000)


@router.get("/records", response=list[RecordOut], summary="Meldcode records you may see, 50 per page")
def list_records(request: HttpRequest, filters: Query[RecordFilterIn]) -> list[dict[str, object]]:
    require_scope(request, "reports:read")
    page = selectors.show_record_page(
        request=request, status=filters.status or "", page_number=filters.page, strict=True
    )
    return [_out(record) for record in page.object_list]


@router.get("/records/{record_id}", response=RecordOut, summary="One meldcode record with its feedback")
def get_record(request: HttpRequest, record_id: int) -> dict[str, object]:
    require_scope(request, "reports:read")
    return _out(selectors.show_record(request=request, pk=record_id))


class PersonIn(Schema):
    first_names: str = Field(..., max_length=200)
    surname_prefix: str = Field("", max_length=20)
    surname: str = Field(..., max_length=200)
    birth_date: date | None = None
    gender: Gender = Gender.OTHER
    role: InvolvementRole


class AddressIn(Schema):
    postcode: str = Field(..., max_length=10)
    house_number: str = Field(..., max_length=12)
    street: str = Field("", max_length=200)
    town: str = Field("", max_length=120)


class AnswerIn(Schema):
    question: int = Field(..., ge=1, le=5)
    answer: bool
    note: str = Field("", max_length=5_000)


class RecordIn(Schema):
    """A concern with the steps taken so far. Steps are filled from the first: a later step
    without an earlier one is refused, and so is an answer out of the afwegingskader's order."""

    organisation: str | None = Field(
        None, max_length=200, description="The organisation you act for (its name); default: your first."
    )
    municipality: str = Field(..., max_length=6, description="CBS municipality code, e.g. GM0118")
    concern: str = Field(..., max_length=200)
    address: AddressIn | None = None
    people: list[PersonIn] = Field(default_factory=list, max_length=12)
    signs: str | None = Field(None, max_length=20_000, description="Step 1")
    consulted_colleague: bool = False
    consulted_veilig_thuis: bool = False
    consultation_notes: str | None = Field(None, max_length=20_000, description="Step 2")
    conversation_held: bool | None = Field(None, description="Step 3")
    conversation_notes: str = Field("", max_length=20_000)
    no_conversation_reason: str = Field("", max_length=20_000)
    risk: Risk | None = Field(None, description="Step 4")
    weighing_notes: str = Field("", max_length=20_000)
    answers: list[AnswerIn] = Field(default_factory=list, max_length=5, description="Step 5, in order")


def _membership_for(request: HttpRequest, organisation: str | None) -> object:
    if organisation is None:
        return acting_membership(request)
    for membership in request_memberships(request):
        if membership.team.organisation.name == organisation:
            return membership
    raise HttpError(422, "organisation: unknown organisation, or not one you act for.")


@router.post("/records", response={201: RecordOut}, summary="Send a meldcode record (and with it, a report)")
def create_record(request: HttpRequest, body: RecordIn) -> Status[dict[str, object]]:
    require_scope(request, "reports:write")
    actor = actor_of(request)
    membership = _membership_for(request, body.organisation)
    municipality = Municipality.objects.filter(code=body.municipality).first()
    if municipality is None:
        raise HttpError(422, "municipality: unknown municipality code.")
    address = (
        services.AddressText(
            postcode=body.address.postcode,
            house_number=body.address.house_number,
            street=body.address.street,
            town=body.address.town,
        )
        if body.address
        else None
    )
    try:
        record = services.file_record(
            actor=actor,
            membership=membership,  # type: ignore[arg-type]
            municipality=municipality,
            concern=body.concern,
            address=address,
            people=[
                services.PersonGiven(
                    first_names=p.first_names,
                    surname_prefix=p.surname_prefix,
                    surname=p.surname,
                    birth_date=p.birth_date,
                    gender=p.gender,
                    role=p.role,
                )
                for p in body.people
            ],
            steps=services.StepsGiven(
                signs=body.signs,
                consulted_colleague=body.consulted_colleague,
                consulted_veilig_thuis=body.consulted_veilig_thuis,
                consultation_notes=body.consultation_notes,
                conversation_held=body.conversation_held,
                conversation_notes=body.conversation_notes,
                no_conversation_reason=body.no_conversation_reason,
                risk=body.risk,
                weighing_notes=body.weighing_notes,
                answers=[(a.question, a.answer, a.note) for a in body.answers],
            ),
        )
    except PermissionDenied as exc:
        raise HttpError(403, str(exc) or "Your role may not record meldcode steps.") from None
    except ValidationError as exc:
        field, messages = next(iter(getattr(exc, "message_dict", {"": exc.messages}).items()))
        raise HttpError(422, f"{field}: {messages[0]}" if field else messages[0]) from None
    return Status(201, _out(selectors.show_record(request=request, pk=record.pk)))
