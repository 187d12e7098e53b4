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
from haard.core import crypto
from haard.core.models import Municipality
from haard.intake import repeats, tasks
from haard.intake.models import (
    Attachment,
    GivenPerson,
    InvolvementRole,
    PoliceIncident,
    Report,
    ReportKind,
    ReportPerson,
    ReportSource,
    Severity,
    ViolenceType,
)
from haard.intake.signals import report_recorded
from haard.registry.linking import resolve_person
from haard.registry.models import Address, Person
from haard.registry.services import check_person_fields, find_or_create_address, parse_house_number
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
    roles_to_link: Sequence[str] = (),
) -> Report:
    """Record a report or advice request with the people involved, classified as first,
    repeat or during-involvement. Refuses (PermissionDenied) a source the actor's role may not
    register, and (ValidationError, per field) anything inconsistent; writes nothing then.

    `roles_to_link` are the roles of the people the caller adds as `GivenPerson` rows for
    `take_in`; the report is then announced (`signals.report_recorded`) by `take_in`, not
    here."""
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
    if kind == ReportKind.REPORT and not involved and not roles_to_link:
        errors["involved"] = _("A report names at least one person involved.")
    if any(role not in InvolvementRole.values for role in [*(i.role for i in involved), *roles_to_link]):
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
    year = timezone.localtime(received_at).year  # the Dutch year: 1 January 00:30 is not last year
    report.reference = f"{'M' if kind == ReportKind.REPORT else 'A'}{year}-{report.pk:06d}"
    report.save(update_fields=["reference"])
    report.violence_types.add(*violence_types)
    ReportPerson.objects.bulk_create(
        [ReportPerson(report=report, person=item.person, role=item.role) for item in _unique(involved)]
    )
    if not roles_to_link:
        report_recorded.send(sender=Report, report=report)
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
    """Take a report as the intake form or the API gives it, and answer at once.

    One transaction: find or create the incident address, check every new person's fields
    (ValidationError naming the field), record the report with the people chosen from the
    register, keep the new people as `GivenPerson` rows and queue `tasks.take_in_report` in the
    same transaction. That task links them to the register (or registers them), classifies the
    report and lets it be picked up; with the database backend a worker does it a moment
    later, with the immediate backend (development, tests) before this returns. Any error
    leaves nothing behind."""
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
    given: list[GivenPerson] = []
    for position, (person, role) in enumerate(people):
        if isinstance(person, Person):
            involved.append(Involved(person=person, role=role))
            continue
        bsn = check_person_fields(
            surname=person.surname, birth_date=person.birth_date, gender=person.gender, bsn=person.bsn
        )
        given.append(
            GivenPerson(
                position=position,
                role=role,
                first_names=" ".join(person.first_names.split()),
                surname_prefix=" ".join(person.surname_prefix.split()),
                surname=" ".join(person.surname.split()),
                birth_date=person.birth_date,
                gender=person.gender,
                bsn_encrypted=crypto.encrypt(bsn) if bsn else "",
            )
        )
    report = register_report(
        actor=actor,
        membership=membership,
        municipality=municipality,
        incident_address=incident_address,
        involved=involved,
        roles_to_link=[item.role for item in given],
        **report_fields,
    )
    if given:
        for item in given:
            item.report = report
        GivenPerson.objects.bulk_create(given)
        tasks.take_in_report.enqueue(report.pk)
    return report


@transaction.atomic
def take_in(report_id: int) -> Report | None:
    """Link each person a report names but the register does not yet hold (`GivenPerson`):
    to a clear match, or registered anew with its possible matches queued for review (see
    `registry.linking.resolve_person`). Then classify the report again with everyone in it and
    announce it (`signals.report_recorded`: the pick-up into an assessment, the family's
    cases). Nothing to do for a report already taken in."""
    report = (
        Report.objects.select_for_update(of=("self",))
        .select_related("incident_address")
        .filter(pk=report_id)
        .first()
    )
    if report is None:
        return None
    given = list(report.given_people.all())
    if not given:
        return report
    present = set(report.involved.values_list("person_id", "role"))
    for item in given:
        person = resolve_person(
            first_names=item.first_names,
            surname=item.surname,
            surname_prefix=item.surname_prefix,
            birth_date=item.birth_date,
            gender=item.gender,
            bsn=item.bsn,
            address=report.incident_address,
            source="intake",
        ).person
        if (person.pk, item.role) not in present:
            present.add((person.pk, item.role))
            ReportPerson.objects.create(report=report, person=person, role=item.role)
    report.given_people.all().delete()
    report.repeat_class = repeats.classify(
        person_ids=[person_id for person_id, _role in present],
        received_at=report.received_at,
        exclude_report=report.pk,
    )
    report.save(update_fields=["repeat_class", "updated_at"])
    report_recorded.send(sender=Report, report=report)
    return report


def resume_take_in() -> list[int]:
    """Queue `tasks.take_in_report` again for every report with people still waiting to be
    linked: after a worker stopped in the middle. Taking in twice does no harm (the second
    finds nothing to do), so a report still in the queue may be queued again."""
    waiting = sorted(set(GivenPerson.objects.values_list("report_id", flat=True)))
    for report_id in waiting:
        tasks.take_in_report.enqueue(report_id)
    return waiting


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
