"""Writes on restraining orders: keyword-only, one transaction each. A refusal is a
ValidationError naming the field; nothing of a refused write is saved."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from haard.accounts.access import has_capability
from haard.accounts.models import Membership, Organisation, OrganisationType, Team, User
from haard.cases.models import CaseMemberRole
from haard.cases.services import open_case
from haard.core import region_settings
from haard.core.models import Municipality
from haard.huisverbod import deadlines, documents, risk, rules
from haard.huisverbod.models import (
    Appeal,
    AppealOutcome,
    BanRole,
    Breach,
    ContactBanPerson,
    Deadline,
    DeadlineKind,
    DeadlineStatus,
    DecisionDocument,
    DecisionKind,
    DocumentPrint,
    HelpRecipient,
    HelpStatus,
    HelpTask,
    ImposedAs,
    Mandate,
    OrderForm,
    OrderStatus,
    RestrainingOrder,
    RiskAssessment,
    RiskScore,
)
from haard.registry.models import Address, Household, HouseholdMember, HouseholdRole, Person

MANAGE = "manage_restraining_orders"
ADULT_AGE = 18
# An imposition may be registered a little after the moment it was given, never before.
CLOCK_TOLERANCE = timedelta(minutes=10)


def _require_manage(actor: User) -> None:
    if not has_capability(actor, MANAGE):
        raise PermissionDenied


def mayors_office_memberships(actor: User, municipality: Municipality) -> list[Membership]:
    """The actor's memberships as the mayor's office of `municipality`."""
    return list(
        Membership.objects.filter(
            user=actor,
            active=True,
            role__key="mayors_office",
            team__organisation__active=True,
            team__organisation__type=OrganisationType.MUNICIPALITY,
            team__organisation__municipalities=municipality,
        ).select_related("team__organisation")
    )


def is_mayors_office(actor: User, municipality: Municipality) -> bool:
    return bool(mayors_office_memberships(actor, municipality))


def police_memberships(actor: User) -> list[Membership]:
    return list(
        Membership.objects.filter(
            user=actor,
            active=True,
            role__group__permissions__codename=MANAGE,
            team__organisation__active=True,
            team__organisation__type=OrganisationType.POLICE,
        ).select_related("team__organisation")
    )


def mandate_for(actor: User, municipality: Municipality, at: datetime) -> Mandate | None:
    day = timezone.localtime(at).date()
    return (
        Mandate.objects.filter(holder=actor, municipalities=municipality, valid_from__lte=day)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
        .order_by("-valid_from")
        .first()
    )


def _age_on(person: Person, day: date) -> int | None:
    if person.birth_date is None:
        return None
    born = person.birth_date
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _resolve_organisation(setting_key: str, municipality: Municipality) -> Organisation | None:
    """The organisation a setting names: an id, or a type (the active organisation of that type
    that serves the municipality). None when the region has none: the task waits unassigned."""
    raw = str(region_settings.value(setting_key)).strip()
    if raw.isdigit():
        return Organisation.objects.filter(pk=int(raw), active=True).first()
    return (
        Organisation.objects.filter(type=raw, active=True, municipalities=municipality)
        .order_by("name")
        .first()
    )


def _open_deadlines(order: RestrainingOrder, kinds: Sequence[str] | None = None) -> list[Deadline]:
    query = Deadline.objects.select_for_update().filter(order=order, status=DeadlineStatus.OPEN)
    if kinds is not None:
        query = query.filter(kind__in=kinds)
    return list(query)


def _close(deadline: Deadline, status: str, reason: str, at: datetime | None = None) -> None:
    deadline.status = status
    deadline.closed_at = at or timezone.now()
    deadline.closed_reason = reason[:200]
    deadline.save(update_fields=["status", "closed_at", "closed_reason"])


def _household_for(*, address: Address, barred: Person, banned: Sequence[tuple[Person, str]]) -> Household:
    people = [barred, *[p for p, _role in banned]]
    household = (
        Household.objects.filter(address=address, memberships__person__in=people).order_by("pk").first()
    )
    if household is None:
        household = Household.objects.create(name=barred.surname, address=address)
    present = set(HouseholdMember.objects.filter(household=household).values_list("person_id", flat=True))
    roles = [(barred, HouseholdRole.PARENT)] + [
        (
            p,
            HouseholdRole.CHILD
            if role == BanRole.CHILD
            else HouseholdRole.PARTNER
            if role == BanRole.VICTIM
            else HouseholdRole.OTHER,
        )
        for p, role in banned
    ]
    for person, role in roles:
        if person.pk not in present:
            HouseholdMember.objects.create(household=household, person=person, role=role)
            present.add(person.pk)
    return household


CASE_ROLE = {
    BanRole.VICTIM: CaseMemberRole.VICTIM,
    BanRole.CHILD: CaseMemberRole.CHILD,
    BanRole.OTHER: CaseMemberRole.OTHER,
}
HELP_SETTING = {
    HelpRecipient.BARRED: rules.HELP_ORGANISATION_BARRED.key,
    HelpRecipient.VICTIM: rules.HELP_ORGANISATION_VICTIM.key,
    HelpRecipient.CHILD: rules.HELP_ORGANISATION_CHILD.key,
    HelpRecipient.OTHER: rules.HELP_ORGANISATION_VICTIM.key,
}


@transaction.atomic
def impose_order(
    *,
    actor: User,
    membership: Membership | None,
    municipality: Municipality,
    address: Address,
    barred_person: Person,
    banned: Sequence[tuple[Person, str]],
    imposed_at: datetime,
    form: str,
    facts: str,
    risk_colours: Mapping[int, str],
    risk_decision: str,
    vt_consulted_at: datetime | None = None,
    vt_consultation: str = "",
    with_document: bool = True,
) -> RestrainingOrder:
    """Impose (register) an order with its contact ban, risk assessment, deadlines, help tasks
    for everyone, the household's case and, for a written order, its decision (unless
    `with_document` is off: bulk loads make the documents on request)."""
    _require_manage(actor)
    errors: dict[str, list[str]] = {}

    def refuse(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    now = timezone.now()
    if imposed_at > now + CLOCK_TOLERANCE:
        refuse("imposed_at", _("The moment of imposition lies in the future."))
    if form not in OrderForm.values:
        refuse("form", _("Choose whether the order was given orally or in writing."))
    if not facts.strip():
        refuse("facts", _("State the facts and circumstances the order rests on."))
    if address.municipality_id != municipality.pk:
        refuse("address", _("The address lies in another municipality than the order's."))
    age = _age_on(barred_person, timezone.localtime(imposed_at).date())
    if age is not None and age < ADULT_AGE:
        refuse("barred_person", _("Only an adult can be barred from the home."))
    if not banned:
        refuse("banned", _("Name at least one person in the contact ban."))
    seen: set[int] = set()
    for person, role in banned:
        if person.pk == barred_person.pk:
            refuse("banned", _("The barred person cannot be in their own contact ban."))
        if person.pk in seen:
            refuse("banned", _("%(name)s is named twice in the contact ban.") % {"name": person.full_name})
        seen.add(person.pk)
        if role not in BanRole.values:
            refuse("banned", _("Unknown role in the contact ban."))
    children = [p for p, role in banned if role == BanRole.CHILD]
    if children:
        if vt_consulted_at is None or not vt_consultation.strip():
            refuse(
                "vt_consulted_at",
                _(
                    "Children are in the contact ban: record when Veilig Thuis was consulted and "
                    "what it advised before saving the order."
                ),
            )
        elif vt_consulted_at > imposed_at:
            refuse("vt_consulted_at", _("Veilig Thuis is consulted before the order is imposed."))

    # Who imposes: the mayor's office of the municipality, or a police officer under mandate.
    mandate = None
    organisation = None
    mayor = mayors_office_memberships(actor, municipality)
    police = police_memberships(actor)
    if mayor:
        imposed_as = ImposedAs.MAYOR
        organisation = (
            membership.team.organisation if membership and membership in mayor else mayor[0].team.organisation
        )
    elif police:
        imposed_as = ImposedAs.MANDATE
        organisation = (
            membership.team.organisation
            if membership and membership in police
            else police[0].team.organisation
        )
        mandate = mandate_for(actor, municipality, imposed_at)
        if mandate is None:
            refuse(
                "mandate",
                _("%(name)s holds no mandate of the mayor of %(municipality)s to impose an order.")
                % {"name": actor.display_name, "municipality": municipality.name},
            )
    else:
        imposed_as = ImposedAs.MAYOR
        refuse("mandate", _("Only the mayor's office or a police officer under mandate imposes an order."))

    instrument = risk.active_instrument()
    in_principle, triggered = False, list[str]()
    if instrument is None:
        refuse("risk", _("No risk instrument is loaded."))
    else:
        try:
            in_principle, triggered = risk.evaluate(instrument, risk_colours)
        except ValidationError as exc:
            for message in exc.messages:
                refuse("risk", message)
    if errors:
        raise ValidationError(errors)
    if organisation is None or instrument is None:  # refused above
        raise ValidationError({"mandate": _("No organisation to register the order for.")})

    order = RestrainingOrder.objects.create(
        reference=uuid.uuid4().hex[:20],
        municipality=municipality,
        address=address,
        barred_person=barred_person,
        imposed_as=imposed_as,
        imposed_by=actor,
        mandate=mandate,
        registered_by_organisation=organisation,
        imposed_at=imposed_at,
        form=form,
        written_decision_at=imposed_at if form == OrderForm.WRITTEN else None,
        facts=facts.strip(),
        ends_at=deadlines.compute(DeadlineKind.ORDER_END, imposed_at),
        vt_consulted_at=vt_consulted_at,
        vt_consultation=vt_consultation.strip(),
    )
    order.reference = f"HV-{timezone.localtime(imposed_at):%Y}-{order.pk:05d}"
    order.save(update_fields=["reference"])
    for person, role in banned:
        ContactBanPerson.objects.create(order=order, person=person, role=role)

    assessment = RiskAssessment.objects.create(
        order=order,
        instrument=instrument,
        assessed_by=actor,
        assessed_at=imposed_at,
        order_in_principle=in_principle,
        outcome_parts=triggered,
        decision=risk_decision.strip(),
        decided_by=actor,
    )
    RiskScore.objects.bulk_create(
        [
            RiskScore(assessment=assessment, sign=sign, colour=risk_colours[sign.pk])
            for part in instrument.parts.all()
            for sign in part.signs.all()
        ]
    )

    kinds = [
        DeadlineKind.WHEREABOUTS,
        DeadlineKind.ORDER_END,
        DeadlineKind.EXTENSION_DECISION,
        DeadlineKind.LATEST_END,
    ]
    if form == OrderForm.ORAL:
        kinds.append(DeadlineKind.WRITTEN_DECISION)
    made = [deadlines.build(kind, order_id=order.pk, event_at=imposed_at) for kind in kinds]
    made.append(deadlines.build(DeadlineKind.HEARING, order_id=order.pk, event_at=order.ends_at))
    for deadline in made:
        deadline.save()

    # Help from day one, and the household's one plan.
    household = _household_for(address=address, barred=barred_person, banned=banned)
    order.household = household
    case_organisation = _resolve_organisation(rules.CASE_ORGANISATION.key, municipality)
    team = (
        Team.objects.filter(organisation=case_organisation).order_by("pk").first()
        if case_organisation
        else None
    )
    if team is not None:
        order.case = open_case(
            household=household,
            owning_team=team,
            members=[(barred_person, CaseMemberRole.SUSPECT)]
            + [(p, CASE_ROLE[BanRole(r)]) for p, r in banned],
            municipality=municipality,
            opened_on=timezone.localtime(imposed_at).date(),
        )
    order.save(update_fields=["household", "case"])
    due = timezone.localtime(imposed_at).date() + timedelta(
        days=int(region_settings.value(rules.HELP_FIRST_CONTACT_DAYS.key))
    )
    organisations: dict[str, Organisation | None] = {}
    recipients = [(barred_person, HelpRecipient.BARRED)] + [(p, HelpRecipient(r)) for p, r in banned]
    for person, recipient in recipients:
        if recipient not in organisations:
            organisations[recipient] = _resolve_organisation(HELP_SETTING[recipient], municipality)
        HelpTask.objects.create(
            order=order, person=person, recipient=recipient, organisation=organisations[recipient], due_on=due
        )
    if form == OrderForm.WRITTEN and with_document:
        documents.make_document(order=order, kind=DecisionKind.IMPOSE, actor=actor)
    return order


def _require_running(order: RestrainingOrder, field: str) -> None:
    if order.current_status() not in (OrderStatus.IMPOSED, OrderStatus.EXTENDED):
        raise ValidationError(
            {
                field: _("The order is %(status)s: this can no longer be recorded.")
                % {"status": order.current_status_label()}
            }
        )


def _locked(order: RestrainingOrder) -> RestrainingOrder:
    return (
        RestrainingOrder.objects.select_for_update()
        .select_related("municipality", "barred_person", "address")
        .get(pk=order.pk)
    )


@transaction.atomic
def record_whereabouts(
    *, actor: User, order: RestrainingOrder, address: str, given_at: datetime
) -> RestrainingOrder:
    _require_manage(actor)
    order = _locked(order)
    if not address.strip():
        raise ValidationError({"address": _("Give the address where the barred person stays.")})
    if given_at < order.imposed_at:
        raise ValidationError({"given_at": _("The address cannot be given before the order was imposed.")})
    order.whereabouts_address = address.strip()
    order.whereabouts_given_at = given_at
    order.save(update_fields=["whereabouts_address", "whereabouts_given_at", "updated_at"])
    for deadline in _open_deadlines(order, [DeadlineKind.WHEREABOUTS]):
        late = given_at > deadline.due_at
        _close(deadline, DeadlineStatus.MET, _("given late") if late else _("given in time"), given_at)
    return order


@transaction.atomic
def record_written_decision(*, actor: User, order: RestrainingOrder, at: datetime) -> DecisionDocument:
    """The written decision of an oral order: made now, kept with the order."""
    _require_manage(actor)
    order = _locked(order)
    if order.form != OrderForm.ORAL or order.written_decision_at is not None:
        raise ValidationError({"form": _("This order already has its written decision.")})
    if at < order.imposed_at:
        raise ValidationError({"at": _("The written decision cannot precede the oral order.")})
    order.written_decision_at = at
    order.save(update_fields=["written_decision_at", "updated_at"])
    for deadline in _open_deadlines(order, [DeadlineKind.WRITTEN_DECISION]):
        _close(deadline, DeadlineStatus.MET, _("written decision made"), at)
    return documents.make_document(order=order, kind=DecisionKind.IMPOSE, actor=actor)


def _require_mayor(actor: User, order: RestrainingOrder, field: str, what: str) -> None:
    if not is_mayors_office(actor, order.municipality):
        raise ValidationError(
            {
                field: _(
                    "Only the mayor's office of %(municipality)s may %(what)s; "
                    "it cannot be mandated to the police."
                )
                % {"municipality": order.municipality.name, "what": what}
            }
        )


@transaction.atomic
def record_hearing(*, actor: User, order: RestrainingOrder, held_at: datetime) -> RestrainingOrder:
    _require_manage(actor)
    order = _locked(order)
    _require_mayor(actor, order, "hearing_at", _("hear the parties"))
    _require_running(order, "hearing_at")
    if held_at < order.imposed_at:
        raise ValidationError({"hearing_at": _("The hearing cannot precede the order.")})
    if held_at > timezone.now() + CLOCK_TOLERANCE:
        raise ValidationError({"hearing_at": _("Record a hearing once it has been held.")})
    order.hearing_at = held_at
    order.save(update_fields=["hearing_at", "updated_at"])
    for deadline in _open_deadlines(order, [DeadlineKind.HEARING]):
        _close(deadline, DeadlineStatus.MET, _("parties heard"), held_at)
    return order


@transaction.atomic
def extend_order(
    *,
    actor: User,
    order: RestrainingOrder,
    decided_at: datetime,
    until: datetime,
    reasons: str,
    hearing_at: datetime | None = None,
    with_document: bool = True,
) -> RestrainingOrder:
    """Extend to at most 4 weeks after imposition, decided before the order ends, after the
    parties were heard. Only the mayor's office decides."""
    _require_manage(actor)
    order = _locked(order)
    _require_mayor(actor, order, "decided_at", _("extend an order"))
    if order.status == OrderStatus.EXTENDED:
        raise ValidationError({"decided_at": _("The order was already extended.")})
    if order.status != OrderStatus.IMPOSED:
        raise ValidationError(
            {
                "decided_at": _("The order is %(status)s: it cannot be extended.")
                % {"status": order.current_status_label()}
            }
        )
    if decided_at >= order.ends_at:
        raise ValidationError(
            {
                "decided_at": _("The order ended on %(end)s: an extension is decided before the order ends.")
                % {"end": f"{timezone.localtime(order.ends_at):%d-%m-%Y %H:%M}"}
            }
        )
    if decided_at < order.imposed_at:
        raise ValidationError({"decided_at": _("The decision cannot precede the order.")})
    if decided_at > timezone.now() + CLOCK_TOLERANCE:
        raise ValidationError({"decided_at": _("The decision lies in the future.")})
    if hearing_at is not None and order.hearing_at is None:
        order = record_hearing(actor=actor, order=order, held_at=hearing_at)
    if order.hearing_at is None or order.hearing_at > decided_at:
        raise ValidationError({"hearing_at": _("The parties are heard before the decision on extension.")})
    if until <= order.imposed_at:
        raise ValidationError({"until": _("The end lies before the start of the order.")})
    latest = deadlines.compute(DeadlineKind.LATEST_END, order.imposed_at)
    if until > latest:
        weeks = region_settings.value(rules.EXTENSION_MAX_WEEKS.key)
        raise ValidationError(
            {
                "until": _(
                    "An order may be extended to at most %(weeks)s weeks after its imposition "
                    "(until %(latest)s)."
                )
                % {"weeks": weeks, "latest": f"{timezone.localtime(latest):%d-%m-%Y %H:%M}"}
            }
        )
    if until <= order.ends_at:
        raise ValidationError({"until": _("The new end must lie after the current end.")})
    if not reasons.strip():
        raise ValidationError({"reasons": _("State why the danger continues.")})
    first_end = order.ends_at
    order.status = OrderStatus.EXTENDED
    order.ends_at = until
    order.extension_decided_at = decided_at
    order.extension_decided_by = actor
    order.extension_reasons = reasons.strip()
    order.save()
    for deadline in _open_deadlines(order, [DeadlineKind.EXTENSION_DECISION, DeadlineKind.HEARING]):
        _close(deadline, DeadlineStatus.MET, _("extension decided"), decided_at)
    for deadline in _open_deadlines(order, [DeadlineKind.ORDER_END]):
        _close(
            deadline,
            DeadlineStatus.CANCELLED,
            _("extended: the first end %(end)s no longer applies")
            % {"end": f"{timezone.localtime(first_end):%d-%m-%Y %H:%M}"},
            decided_at,
        )
    if with_document:
        documents.make_document(order=order, kind=DecisionKind.EXTEND, actor=actor)
    return order


def _cancel_open(order: RestrainingOrder, reason: str, at: datetime) -> None:
    for deadline in _open_deadlines(order):
        _close(deadline, DeadlineStatus.CANCELLED, reason, at)


@transaction.atomic
def withdraw_order(
    *, actor: User, order: RestrainingOrder, at: datetime, reasons: str, with_document: bool = True
) -> RestrainingOrder:
    """The mayor withdraws the order (help accepted, risk fallen); its open deadlines end."""
    _require_manage(actor)
    order = _locked(order)
    _require_mayor(actor, order, "withdrawn_by", _("withdraw an order"))
    _require_running(order, "withdrawn_at")
    if at < order.imposed_at:
        raise ValidationError({"withdrawn_at": _("The end lies before the start of the order.")})
    if at > timezone.now() + CLOCK_TOLERANCE:
        raise ValidationError({"withdrawn_at": _("The withdrawal lies in the future.")})
    if not reasons.strip():
        raise ValidationError({"reasons": _("State why the order is withdrawn.")})
    order.status = OrderStatus.WITHDRAWN
    order.withdrawn_at = at
    order.withdrawn_by = actor
    order.withdrawal_reasons = reasons.strip()
    order.save()
    _cancel_open(order, _("order withdrawn"), at)
    if with_document:
        documents.make_document(order=order, kind=DecisionKind.WITHDRAW, actor=actor)
    return order


@transaction.atomic
def record_breach(
    *,
    actor: User,
    order: RestrainingOrder,
    occurred_at: datetime,
    police_report_reference: str,
    note: str = "",
) -> Breach:
    _require_manage(actor)
    order = _locked(order)
    if not police_report_reference.strip():
        raise ValidationError({"police_report_reference": _("Give the reference of the police report.")})
    if occurred_at < order.imposed_at or occurred_at > order.ends_at:
        raise ValidationError({"occurred_at": _("A breach happens while the order runs.")})
    if occurred_at > timezone.now() + CLOCK_TOLERANCE:
        raise ValidationError({"occurred_at": _("The breach lies in the future.")})
    return Breach.objects.create(
        order=order,
        occurred_at=occurred_at,
        police_report_reference=police_report_reference.strip(),
        note=note.strip(),
        recorded_by=actor,
    )


@transaction.atomic
def record_appeal(
    *, actor: User, order: RestrainingOrder, filed_on: date, interim_requested_at: datetime | None = None
) -> Appeal:
    _require_manage(actor)
    order = _locked(order)
    _require_mayor(actor, order, "filed_on", _("record an appeal"))
    if filed_on < timezone.localtime(order.imposed_at).date():
        raise ValidationError({"filed_on": _("An appeal cannot precede the order.")})
    if interim_requested_at is not None and interim_requested_at < order.imposed_at:
        raise ValidationError({"interim_requested_at": _("A request cannot precede the order.")})
    appeal = Appeal.objects.create(
        order=order, filed_on=filed_on, interim_relief_requested_at=interim_requested_at, recorded_by=actor
    )
    if interim_requested_at is not None:
        deadlines.build(DeadlineKind.INTERIM_HEARING, order_id=order.pk, event_at=interim_requested_at).save()
    return appeal


def hearing_is_late(appeal: Appeal) -> bool:
    if appeal.hearing_on is None or appeal.interim_relief_requested_at is None:
        return False
    due = deadlines.compute(DeadlineKind.INTERIM_HEARING, appeal.interim_relief_requested_at)
    return appeal.hearing_on > timezone.localtime(due).date()


@transaction.atomic
def record_appeal_hearing(*, actor: User, appeal: Appeal, hearing_on: date) -> Appeal:
    """The court's hearing date; checked against the interim-hearing deadline."""
    _require_manage(actor)
    order = _locked(appeal.order)
    _require_mayor(actor, order, "hearing_on", _("record the court's hearing"))
    if hearing_on < appeal.filed_on:
        raise ValidationError({"hearing_on": _("The hearing cannot precede the appeal.")})
    appeal.hearing_on = hearing_on
    appeal.save(update_fields=["hearing_on"])
    late = hearing_is_late(appeal)
    for deadline in _open_deadlines(order, [DeadlineKind.INTERIM_HEARING]):
        _close(
            deadline,
            DeadlineStatus.MET,
            (_("hearing set on %(day)s, after the deadline") if late else _("hearing set on %(day)s"))
            % {"day": f"{hearing_on:%d-%m-%Y}"},
        )
    return appeal


@transaction.atomic
def record_court_outcome(*, actor: User, appeal: Appeal, outcome: str, outcome_on: date) -> Appeal:
    """The court's ruling and its effect: annulment voids the order and cancels its open
    deadlines; annulment of the extension brings the order back to its first end."""
    _require_manage(actor)
    order = _locked(appeal.order)
    _require_mayor(actor, order, "outcome", _("record the court's ruling"))
    if outcome not in AppealOutcome.values or outcome == AppealOutcome.PENDING:
        raise ValidationError({"outcome": _("Choose the court's ruling.")})
    if outcome_on < appeal.filed_on:
        raise ValidationError({"outcome_on": _("The ruling cannot precede the appeal.")})
    if outcome == AppealOutcome.EXTENSION_ANNULLED and order.status != OrderStatus.EXTENDED:
        raise ValidationError({"outcome": _("The order was not extended.")})
    if order.status in (OrderStatus.WITHDRAWN, OrderStatus.ANNULLED) and outcome != AppealOutcome.DISMISSED:
        raise ValidationError({"outcome": _("The order was already withdrawn or annulled.")})
    appeal.outcome = outcome
    appeal.outcome_on = outcome_on
    appeal.save(update_fields=["outcome", "outcome_on"])
    moment = timezone.make_aware(datetime.combine(outcome_on, datetime.min.time()))
    if outcome == AppealOutcome.ANNULLED:
        order.status = OrderStatus.ANNULLED
        order.annulled_at = moment
        order.save()
        _cancel_open(order, _("order annulled by the court"), moment)
    elif outcome == AppealOutcome.EXTENSION_ANNULLED:
        order.status = OrderStatus.IMPOSED
        order.ends_at = deadlines.compute(DeadlineKind.ORDER_END, order.imposed_at)
        order.save()
        for deadline in _open_deadlines(order, [DeadlineKind.LATEST_END]):
            _close(deadline, DeadlineStatus.CANCELLED, _("extension annulled by the court"), moment)
    return appeal


@transaction.atomic
def new_document_version(*, actor: User, order: RestrainingOrder, kind: str) -> DecisionDocument:
    """A new version of a decision already made (e.g. after the region changed its template)."""
    _require_manage(actor)
    if not DecisionDocument.objects.filter(order=order, kind=kind).exists():
        raise ValidationError({"kind": _("This decision has not been made for this order.")})
    return documents.make_document(order=order, kind=kind, actor=actor)


@transaction.atomic
def log_print(*, actor: User, document: DecisionDocument) -> DocumentPrint:
    return DocumentPrint.objects.create(document=document, printed_by=actor)


@transaction.atomic
def update_help_task(*, actor: User, task: HelpTask, status: str, note: str = "") -> HelpTask:
    if status not in HelpStatus.values:
        raise ValidationError({"status": _("Choose a status.")})
    task.status = status
    if note.strip():
        task.note = note.strip()
    task.save(update_fields=["status", "note", "updated_at"])
    return task
