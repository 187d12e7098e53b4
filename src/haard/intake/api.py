"""Reports in the API: partner systems send reports and read the ones they may see."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from haard.accounts.api_support import actor_of, require_scope
from haard.accounts.selectors import acting_membership
from haard.core.models import Municipality
from haard.intake import selectors, services
from haard.intake.models import InvolvementRole, Report, ReportKind, ReportSource, Severity, ViolenceType
from haard.registry.models import Gender, Person

router = Router(tags=["reports"])


class InvolvedOut(Schema):
    person_id: int
    role: str


class ReportOut(Schema):
    id: int
    reference: str
    kind: str
    source: str
    received_at: datetime
    municipality: str
    incident_address_id: int | None
    violence_types: list[str]
    initial_severity: int
    repeat_class: str
    status: str
    involved: list[InvolvedOut]
    people_being_linked: int = Field(
        description="New people in the report still being linked to the register; `involved`, "
        "`repeat_class` and `status` are final when this is 0 (read the report again a moment later)"
    )


def _out(report: Report) -> dict[str, object]:
    return {
        "id": report.pk,
        "reference": report.reference,
        "kind": report.kind,
        "source": report.source,
        "received_at": report.received_at,
        "municipality": report.municipality.code,
        "incident_address_id": report.incident_address_id,
        "violence_types": [v.code for v in report.violence_types.all()],
        "initial_severity": report.initial_severity,
        "repeat_class": report.repeat_class,
        "status": report.status,
        "involved": [{"person_id": i.person_id, "role": i.role} for i in report.involved.all()],
        "people_being_linked": len(report.given_people.all()),
    }


class ReportFilterIn(Schema):
    kind: ReportKind | None = None
    source: ReportSource | None = None
    since: date | None = None
    until: date | None = None
    page: int = Field(1, ge=1, le=100_000)


@router.get("/", response=list[ReportOut], summary="Reports you may see, 50 per page")
def list_reports(request: HttpRequest, filters: Query[ReportFilterIn]) -> list[dict[str, object]]:
    require_scope(request, "reports:read")
    if filters.since and filters.until and filters.since > filters.until:
        raise HttpError(422, "until: the end date lies before the start date.")
    found = selectors.ReportFilters(
        kind=filters.kind or "", source=filters.source or "", since=filters.since, until=filters.until
    )
    page = selectors.show_report_page(request=request, filters=found, page_number=filters.page, strict=True)
    return [_out(r) for r in page.object_list]


@router.get("/{report_id}", response=ReportOut, summary="One report you may see")
def get_report(request: HttpRequest, report_id: int) -> dict[str, object]:
    require_scope(request, "reports:read")
    return _out(selectors.show_report_record(request=request, pk=report_id))


class PersonIn(Schema):
    """An existing person by id, or a new one by name (linked to the register)."""

    person_id: int | None = None
    first_names: str = Field("", max_length=200)
    surname_prefix: str = Field("", max_length=20)
    surname: str = Field("", max_length=200)
    birth_date: date | None = None
    gender: Gender = Gender.OTHER
    bsn: str = Field("", max_length=12)
    role: InvolvementRole


class AddressIn(Schema):
    postcode: str = Field(..., max_length=10)
    house_number: str = Field(..., max_length=12)
    street: str = Field("", max_length=200)
    town: str = Field("", max_length=120)


class ReportIn(Schema):
    kind: ReportKind
    source: ReportSource
    municipality: str = Field(..., max_length=6, description="CBS municipality code, e.g. GM0118")
    received_at: datetime | None = None
    address: AddressIn | None = None
    people: list[PersonIn] = Field(default_factory=list, max_length=30)
    violence_types: list[str] = Field(default_factory=list, max_length=30)
    initial_severity: Severity = Severity.YELLOW
    narrative: str = Field("", max_length=20_000)
    reporter_name: str = Field("", max_length=200)
    reporter_contact: str = Field("", max_length=200)
    reporter_anonymous: bool = False


@router.post("/", response={201: ReportOut}, summary="Send a report or an advice request")
def create_report(request: HttpRequest, body: ReportIn) -> Status[dict[str, object]]:
    require_scope(request, "reports:write")
    actor = actor_of(request)
    municipality = Municipality.objects.filter(code=body.municipality).first()
    if municipality is None:
        raise HttpError(422, "municipality: unknown municipality code.")
    types = list(ViolenceType.objects.filter(code__in=body.violence_types, active=True))
    unknown = sorted(set(body.violence_types) - {t.code for t in types})
    if unknown:
        raise HttpError(422, f"violence_types: unknown codes {', '.join(unknown)}.")
    people: list[tuple[Person | services.NewPerson, str]] = []
    chosen_ids = [given.person_id for given in body.people if given.person_id is not None]
    chosen = Person.objects.visible_to(actor).in_bulk(chosen_ids) if chosen_ids else {}
    for index, given in enumerate(body.people):
        if given.person_id is not None:
            person = chosen.get(given.person_id)
            if person is None:
                raise HttpError(422, f"people[{index}].person_id: this person cannot be found.")
            people.append((person, given.role))
        else:
            people.append(
                (
                    services.NewPerson(
                        first_names=given.first_names,
                        surname=given.surname,
                        surname_prefix=given.surname_prefix,
                        birth_date=given.birth_date,
                        gender=given.gender,
                        bsn=given.bsn,
                    ),
                    given.role,
                )
            )
    address = None
    if body.address is not None:
        try:
            address = services.address_given(
                postcode=body.address.postcode,
                house_number=body.address.house_number,
                street=body.address.street,
                town=body.address.town,
            )
        except ValidationError as exc:
            raise HttpError(422, f"address: {exc.messages[0]}") from None
    try:
        report = services.take_report(
            actor=actor,
            membership=acting_membership(request),
            municipality=municipality,
            address=address,
            people=people,
            kind=body.kind,
            source=body.source,
            received_at=body.received_at,
            violence_types=types,
            initial_severity=body.initial_severity,
            narrative=body.narrative,
            reporter_name=body.reporter_name,
            reporter_contact=body.reporter_contact,
            reporter_anonymous=body.reporter_anonymous,
        )
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from None
    except ValidationError as exc:
        field, messages = next(iter(getattr(exc, "message_dict", {"": exc.messages}).items()))
        raise HttpError(422, f"{field}: {messages[0]}" if field else messages[0]) from None
    return Status(201, _out(selectors.show_report_record(request=request, pk=report.pk)))
