"""Restraining orders in the API: police systems register orders, the mayor's office reads its
deadlines. The same services, selectors and access log as the pages."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from haard.accounts.access import has_capability
from haard.accounts.api_support import actor_of, require_scope
from haard.accounts.selectors import acting_membership
from haard.core.models import Municipality
from haard.huisverbod import risk, selectors, services
from haard.huisverbod.models import BanRole, Colour, OrderForm, RestrainingOrder
from haard.intake.services import address_given
from haard.registry.linking import resolve_person
from haard.registry.models import Gender, Person
from haard.registry.services import find_or_create_address

router = Router(tags=["restraining orders"])

WRITE_SCOPE = "restraining-orders:write"
READ_SCOPE = "restraining-orders:read"


class AddressIn(Schema):
    postcode: str = Field(..., max_length=7)
    house_number: str = Field(..., max_length=12)
    street: str = Field("", max_length=200)
    town: str = Field("", max_length=120)


class PersonIn(Schema):
    person_id: int | None = Field(None, description="A person you may see; otherwise give the names")
    first_names: str = Field("", max_length=200)
    surname_prefix: str = Field("", max_length=20)
    surname: str = Field("", max_length=200)
    birth_date: date | None = None
    gender: Gender = Gender.OTHER


class BannedIn(PersonIn):
    role: BanRole


class OrderIn(Schema):
    municipality: str = Field(..., max_length=6, description="CBS municipality code, e.g. GM0118")
    address: AddressIn
    barred_person: PersonIn
    contact_ban: list[BannedIn] = Field(..., max_length=20)
    imposed_at: datetime
    form: OrderForm = OrderForm.WRITTEN
    facts: str = Field(..., max_length=20_000)
    risk: dict[str, Colour] = Field(..., description="Colour per sign key of the active instrument")
    risk_decision: str = Field("", max_length=5_000)
    vt_consulted_at: datetime | None = None
    vt_consultation: str = Field("", max_length=5_000)


class BannedOut(Schema):
    person_id: int
    role: str


class DeadlineOut(Schema):
    order_id: int
    order_reference: str
    municipality: str
    kind: str
    label: str
    due_at: datetime
    status: str
    rule: str
    event: str
    event_at: datetime
    offset: int
    unit: str
    setting: str


class OrderOut(Schema):
    id: int
    reference: str
    status: str
    municipality: str
    imposed_at: datetime
    ends_at: datetime
    imposed_as: str
    mandate_decision: str
    barred_person_id: int
    contact_ban: list[BannedOut]
    case_reference: str
    deadlines: list[DeadlineOut]


def _deadline(d: object, order: RestrainingOrder) -> dict[str, object]:
    return {
        "order_id": order.pk,
        "order_reference": order.reference,
        "municipality": order.municipality.name,
        "kind": d.kind,  # type: ignore[attr-defined]
        "label": str(d.get_kind_display()),  # type: ignore[attr-defined]
        "due_at": d.due_at,  # type: ignore[attr-defined]
        "status": d.status,  # type: ignore[attr-defined]
        "rule": d.rule_text(),  # type: ignore[attr-defined]
        "event": d.event,  # type: ignore[attr-defined]
        "event_at": d.event_at,  # type: ignore[attr-defined]
        "offset": d.offset,  # type: ignore[attr-defined]
        "unit": d.unit,  # type: ignore[attr-defined]
        "setting": d.setting,  # type: ignore[attr-defined]
    }


def _out(order: RestrainingOrder) -> dict[str, object]:
    return {
        "id": order.pk,
        "reference": order.reference,
        "status": order.current_status(),
        "municipality": order.municipality.name,
        "imposed_at": order.imposed_at,
        "ends_at": order.ends_at,
        "imposed_as": order.imposed_as,
        "mandate_decision": order.mandate.decision_reference if order.mandate else "",
        "barred_person_id": order.barred_person_id,
        "contact_ban": [{"person_id": b.person_id, "role": b.role} for b in order.banned_contacts.all()],
        "case_reference": order.case.reference if order.case else "",
        "deadlines": [_deadline(d, order) for d in order.deadlines.all()],
    }


def _person(given: PersonIn, where: str, visible: object, address: object) -> Person:
    if given.person_id is not None:
        person = visible.filter(pk=given.person_id).first()  # type: ignore[attr-defined]
        if person is None:
            raise HttpError(422, f"{where}.person_id: this person cannot be found.")
        return person
    try:
        return resolve_person(
            first_names=given.first_names,
            surname=given.surname,
            surname_prefix=given.surname_prefix,
            birth_date=given.birth_date,
            gender=given.gender,
            address=address,  # type: ignore[arg-type]
            source="huisverbod",
        ).person
    except ValidationError as exc:
        field, messages = next(iter(getattr(exc, "message_dict", {"": exc.messages}).items()))
        raise HttpError(422, f"{where}.{field}: {messages[0]}") from None


@router.post("/", response={201: OrderOut}, summary="Register a restraining order (police systems)")
def register_order(request: HttpRequest, body: OrderIn) -> Status[dict[str, object]]:
    require_scope(request, WRITE_SCOPE)
    actor = actor_of(request)
    if not has_capability(actor, services.MANAGE):
        raise HttpError(403, "You may not register restraining orders.")
    municipality = Municipality.objects.filter(code=body.municipality).first()
    if municipality is None:
        raise HttpError(422, "municipality: unknown municipality code.")
    instrument = risk.active_instrument()
    if instrument is None:
        raise HttpError(422, "risk: no risk instrument is loaded.")
    sign_ids = {sign.key: sign.pk for part in instrument.parts.all() for sign in part.signs.all()}
    unknown = sorted(set(body.risk) - set(sign_ids))
    if unknown:
        raise HttpError(422, f"risk: unknown sign keys {', '.join(unknown)}.")
    try:
        with transaction.atomic():
            try:
                given = address_given(
                    postcode=body.address.postcode,
                    house_number=body.address.house_number,
                    street=body.address.street,
                    town=body.address.town,
                )
                address = find_or_create_address(
                    postcode=given.postcode,
                    house_number=given.house_number,
                    house_letter=given.house_letter,
                    addition=given.addition,
                    street=given.street,
                    town=given.town,
                    municipality=municipality,
                )
            except ValidationError as exc:
                raise HttpError(422, f"address: {exc.messages[0]}") from None
            visible = Person.objects.visible_to(actor)
            barred = _person(body.barred_person, "barred_person", visible, address)
            banned = [
                (_person(entry, f"contact_ban[{index}]", visible, address), entry.role)
                for index, entry in enumerate(body.contact_ban)
            ]
            order = services.impose_order(
                actor=actor,
                membership=acting_membership(request),
                municipality=municipality,
                address=address,
                barred_person=barred,
                banned=banned,
                imposed_at=body.imposed_at,
                form=body.form,
                facts=body.facts,
                risk_colours={sign_ids[key]: colour for key, colour in body.risk.items()},
                risk_decision=body.risk_decision,
                vt_consulted_at=body.vt_consulted_at,
                vt_consultation=body.vt_consultation,
            )
    except PermissionDenied:
        raise HttpError(403, "You may not register restraining orders.") from None
    except ValidationError as exc:
        field, messages = next(iter(getattr(exc, "message_dict", {"": exc.messages}).items()))
        raise HttpError(422, f"{field}: {messages[0]}" if field else messages[0]) from None
    return Status(201, _out(selectors.show_order(request=request, pk=order.pk)))


@router.get(
    "/deadlines", response=list[DeadlineOut], summary="Open deadlines of the orders you see (the board)"
)
def list_deadlines(request: HttpRequest) -> list[dict[str, object]]:
    require_scope(request, READ_SCOPE)
    if not has_capability(actor_of(request), services.MANAGE):
        raise HttpError(403, "You may not read restraining-order deadlines.")
    board = selectors.show_board(request=request)
    return [_deadline(d, d.order) for d in board.all()]


@router.get("/{order_id}", response=OrderOut, summary="One restraining order you may see")
def get_order(request: HttpRequest, order_id: int) -> dict[str, object]:
    require_scope(request, READ_SCOPE)
    return _out(selectors.show_order(request=request, pk=order_id))
