"""Writes for intake: registering reports and advice requests. Keyword-only, one transaction."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haard.accounts.access import has_capability
from haard.accounts.models import Membership, Organisation, User
from haard.core.models import Municipality
from haard.intake import repeats
from haard.intake.models import (
    Attachment,
    InvolvementRole,
    PoliceIncident,
    Report,
    ReportKind,
    ReportPerson,
    ReportSource,
    Severity,
    ViolenceType,
)
from haard.registry.linking import resolve_person
from haard.registry.models import Address, Person
from haard.registry.services import find_or_create_address, parse_house_number
from haard.registry.validation import normalise_postcode

# The capabilities that allow registering a report, and the sources each may use.
_ALLOWED_SOURCES: dict[str, set[str]] = {
    "register_reports": {str(value) for value in ReportSource.values},
    "file_meldcode": {str(ReportSource.PROFESSIONAL)},
    "send_police_reports": {str(ReportSource.POLICE)},
}


@dataclass(frozen=True)
class Involved:
    person: Person
    role: str


def allowed_sources(actor: User) -> set[str]:
    """The sources this actor may register reports from."""
    sources: set[str] = set()
    for capability, allowed in _ALLOWED_SOURCES.items():
        if has_capability(actor, capability):
            sources |= allowed
    return sources


@transaction.atomic
def register_report(
    *,
    actor: User,
    membership: Membership | None,
    kind: str,
    source: str,
    municipality: Municipality,
    involved: Sequence[Involved],
    violence_types: Sequence[ViolenceType] = (),
    initial_severity: int = Severity.YELLOW,
    narrative: str = "",
    received_at: datetime | None = None,
    incident_address: Address | None = None,
    reporter_organisation: Organisation | None = None,
    reporter_name: str = "",
    reporter_contact: str = "",
    reporter_anonymous: bool = False,
    police_incident: PoliceIncident | None = None,
) -> Report:
    """Record a report or advice request with the people involved, classified as first,
    repeat or during-involvement. Refuses (PermissionDenied) a source the actor's role may not
    register, and (ValidationError, per field) anything inconsistent; writes nothing then."""
    if source not in allowed_sources(actor):
        raise PermissionDenied(_("Your role may not register reports from this source."))
    received_at = received_at or timezone.now()
    errors: dict[str, str] = {}
    if kind not in ReportKind.values:
        errors["kind"] = _("Unknown kind.")
    if received_at > timezone.now() + timedelta(minutes=5):
        errors["received_at"] = _("The moment of receipt cannot lie in the future.")
    if initial_severity not in Severity.values:
        errors["initial_severity"] = _("Unknown severity.")
    if incident_address is not None and incident_address.municipality_id != municipality.pk:
        errors["incident_address"] = _("This address lies in another municipality.")
    if kind == ReportKind.REPORT and not involved:
        errors["involved"] = _("A report names at least one person involved.")
    if any(item.role not in InvolvementRole.values for item in involved):
        errors["involved"] = _("Unknown role of a person involved.")
    if reporter_anonymous and not (reporter_name or reporter_contact or reporter_organisation):
        errors["reporter_anonymous"] = _("Anonymity is promised to a known reporter: name the reporter.")
    if errors:
        raise ValidationError(errors)

    report = Report.objects.create(
        reference=uuid.uuid4().hex[:20],
        kind=kind,
        source=source,
        municipality=municipality,
        incident_address=incident_address,
        initial_severity=initial_severity,
        narrative=narrative.strip(),
        received_at=received_at,
        reporter_organisation=reporter_organisation,
        reporter_name=reporter_name.strip(),
        reporter_contact=reporter_contact.strip(),
        reporter_anonymous=reporter_anonymous,
        registered_by=actor,
        registering_team=membership.team if membership else None,
        police_incident=police_incident,
        repeat_class=repeats.classify(
            person_ids=[item.person.pk for item in involved], received_at=received_at
        ),
    )
    report.reference = f"{'M' if kind == ReportKind.REPORT else 'A'}{received_at:%Y}-{report.pk:06d}"
    report.save(update_fields=["reference"])
    report.violence_types.set(violence_types)
    ReportPerson.objects.bulk_create(
        [ReportPerson(report=report, person=item.person, role=item.role) for item in _unique(involved)]
    )
    return report


def _unique(involved: Sequence[Involved]) -> list[Involved]:
    seen: set[tuple[int, str]] = set()
    result = []
    for item in involved:
        key = (item.person.pk, item.role)
        if key not in seen:
            seen.add(key)
            result.append(item)
    return result


@dataclass(frozen=True)
class NewPerson:
    first_names: str
    surname: str
    surname_prefix: str = ""
    birth_date: date | None = None
    gender: str = "x"
    bsn: str = ""


@dataclass(frozen=True)
class AddressGiven:
    postcode: str
    house_number: int
    house_letter: str = ""
    addition: str = ""
    street: str = ""
    town: str = ""


def address_given(*, postcode: str, house_number: str, street: str = "", town: str = "") -> AddressGiven:
    """Parse an address as a person types it; ValidationError names what is wrong."""
    number = parse_house_number(house_number)
    return AddressGiven(
        postcode=normalise_postcode(postcode),
        house_number=number.number,
        house_letter=number.letter,
        addition=number.addition,
        street=street,
        town=town,
    )


@transaction.atomic
def take_report(
    *,
    actor: User,
    membership: Membership | None,
    municipality: Municipality,
    address: AddressGiven | None,
    people: Sequence[tuple[Person | NewPerson, str]],
    **report_fields: Any,
) -> Report:
    """Take a report as the intake form gives it, all in one transaction: find or create the
    incident address, link each new person to the register (or register them), and record
    the report. Any error leaves nothing behind."""
    incident_address = None
    if address is not None:
        incident_address = find_or_create_address(
            postcode=address.postcode,
            house_number=address.house_number,
            house_letter=address.house_letter,
            addition=address.addition,
            street=address.street,
            town=address.town,
            municipality=municipality,
        )
    involved = []
    for given, role in people:
        person = given if isinstance(given, Person) else _link(given, address=incident_address)
        involved.append(Involved(person=person, role=role))
    return register_report(
        actor=actor,
        membership=membership,
        municipality=municipality,
        incident_address=incident_address,
        involved=involved,
        **report_fields,
    )


def _link(given: NewPerson, *, address: Address | None) -> Person:
    """The registered person a new entry describes: linked when the register holds a clear
    match, otherwise registered (with a possible match queued for review)."""
    return resolve_person(
        first_names=given.first_names,
        surname=given.surname,
        surname_prefix=given.surname_prefix,
        birth_date=given.birth_date,
        gender=given.gender,
        bsn=given.bsn,
        address=address,
        source="intake",
    ).person


# Attachments: what a report may carry. The type is judged by the file's first bytes, never by
# its name or the browser's word for it.
ATTACHMENT_TYPES: dict[str, tuple[bytes, ...]] = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
}
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


def sniff_content_type(head: bytes) -> str | None:
    """The attachment type these first bytes belong to, or None."""
    for content_type, signatures in ATTACHMENT_TYPES.items():
        if any(head.startswith(signature) for signature in signatures):
            return content_type
    return None


@transaction.atomic
def add_attachment(*, actor: User, report: Report, upload: UploadedFile) -> Attachment:
    """Attach a PDF, PNG or JPEG of at most 10 MB to a report the actor may see."""
    if not Report.objects.visible_to(actor).filter(pk=report.pk).exists():
        raise PermissionDenied
    if upload.size is None or upload.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError({"file": _("A file may be at most 10 MB.")})
    if upload.size == 0:
        raise ValidationError({"file": _("The file is empty.")})
    head = upload.read(16)
    upload.seek(0)
    content_type = sniff_content_type(head)
    if content_type is None:
        raise ValidationError({"file": _("Only PDF, PNG and JPEG files can be attached.")})
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    attachment = Attachment(
        report=report,
        original_name=(upload.name or "bijlage")[-200:],
        content_type=content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
        uploaded_by=actor,
    )
    attachment.file.save(attachment.sha256, upload, save=False)
    attachment.save()
    return attachment
