"""Demo restraining orders: a handful in every state (imposed, extended, withdrawn, ended with
a breach, an oral order awaiting its written decision), imposed by the demo police officer
under a mandate and, where the mayor's office acts, in the demo mayor's municipality."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from haard.accounts.models import User
from haard.core.models import Municipality
from haard.demo.steps import DemoContext
from haard.huisverbod import risk, services
from haard.huisverbod.models import Colour, Mandate, RestrainingOrder
from haard.registry.models import Household, HouseholdRole

ORDER = 30

ADULT_ROLES = (HouseholdRole.PARENT, HouseholdRole.PARTNER)
FACTS = (
    "Police called by neighbours at night: the partner was beaten and threatened; the children were at home.",
    "Third call this month; the victim was choked and locked in. The barred person was drunk and aggressive.",
    "Escalating threats after the announced separation; a knife was found in the car.",
    "The eldest child called 112: the father hit the mother and destroyed the furniture.",
    "The victim fled to the neighbours with injuries; the barred person refuses help.",
)


def _night(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(2, 30)))


def _candidates(
    context: DemoContext, municipality_code: str, needed: int
) -> list[tuple[int, list[tuple[int, str]]]]:
    """Households of the municipality with two adults (partners) and children, in plan order."""
    found = []
    for index, household in enumerate(context.plan.households):
        address = context.plan.addresses[household.address_index]
        if address.municipality_code != municipality_code:
            continue
        adults = [m for m in household.members if m[1] in ADULT_ROLES]
        children = [m for m in household.members if m[1] == HouseholdRole.CHILD]
        if len(adults) >= 2 and children:
            found.append((index, list(household.members)))
        if len(found) >= needed:
            break
    return found


def _colours(rng: random.Random, serious: bool) -> dict[int, str]:
    instrument = risk.active_instrument()
    if instrument is None:
        instrument = risk.load_demo_instrument()
    result: dict[int, str] = {}
    for part_index, part in enumerate(instrument.parts.all()):
        for number, sign in enumerate(part.signs.all()):
            if serious and part_index == 0 and number < 2:
                result[sign.pk] = Colour.RED
            else:
                result[sign.pk] = rng.choice([Colour.GREEN, Colour.GREEN, Colour.ORANGE])
    return result


def _impose(
    context: DemoContext,
    rng: random.Random,
    police: User,
    plan_index: int,
    members: list[tuple[int, str]],
    at: datetime,
    form: str = "written",
) -> RestrainingOrder:
    household = Household.objects.select_related("address__municipality").get(
        pk=context.household_ids[plan_index]
    )
    address = household.address
    if address is None:
        raise ValueError("A demo household has an address.")
    people = {m.person_id: m for m in household.memberships.select_related("person")}
    ordered = [
        people[context.person_ids[index]] for index, _role in members if context.person_ids[index] in people
    ]
    adults = [m.person for m in ordered if m.role in ADULT_ROLES]
    barred = next((p for p in adults if p.gender == "m"), adults[0])
    banned = [(p, "victim") for p in adults if p.pk != barred.pk]
    banned += [(m.person, "child") for m in ordered if m.role == HouseholdRole.CHILD]
    return services.impose_order(
        actor=police,
        membership=None,
        municipality=address.municipality,
        address=address,
        barred_person=barred,
        banned=banned,
        imposed_at=at,
        form=form,
        facts=rng.choice(FACTS),
        risk_colours=_colours(rng, serious=True),
        risk_decision="Two red signs in part A: an order in principle. Imposed.",
        vt_consulted_at=at - timedelta(minutes=25),
        vt_consultation=(
            "Veilig Thuis (night duty) consulted by phone: advises imposing, "
            "will contact the children's school."
        ),
        with_document=False,
    )


def generate(context: DemoContext) -> dict[str, int]:
    rng = random.Random(context.seed * 7919 + ORDER)
    police = User.objects.get(username="politie")
    mayor = User.objects.get(username="burgemeester")
    mandate = Mandate.objects.create(
        holder=police,
        decision_reference=f"Mandaatbesluit huisverbod {context.today:%Y}",
        valid_from=date(context.today.year - 1, 1, 1),
    )
    mandate.municipalities.set(
        Municipality.objects.filter(
            pk__in=[v for k, v in context.municipality_ids.items() if k.startswith("GM")]
        )
    )
    home_code = context.plan.case_manager_municipality
    other_code = next(m.code for m in context.plan.geography.municipalities if m.code != home_code)
    # Dated from the real date, whatever the plan's date: the orders' deadlines are live on the
    # board, and an extension or withdrawal is only possible while an order runs.
    today = timezone.localdate()
    home = _candidates(context, home_code, 4)
    elsewhere = _candidates(context, other_code, 1)
    orders: list[Any] = []
    moments = [today - timedelta(days=d) for d in (2, 8, 6, 20)]
    for (plan_index, members), day in zip(home, moments, strict=False):
        orders.append(_impose(context, rng, police, plan_index, members, _night(day)))
    if len(orders) >= 2:
        imposed = orders[1].imposed_at
        services.extend_order(
            actor=mayor,
            order=orders[1],
            hearing_at=imposed + timedelta(days=6, hours=8),
            decided_at=imposed + timedelta(days=6, hours=12),
            until=imposed + timedelta(weeks=4),
            reasons="Heard both parties: the risk continues while help has only just started.",
            with_document=False,
        )
    if len(orders) >= 3:
        services.withdraw_order(
            actor=mayor,
            order=orders[2],
            at=orders[2].imposed_at + timedelta(days=3, hours=9),
            reasons="Help is accepted by everyone and the risk has fallen (advice of Veilig Thuis).",
            with_document=False,
        )
    if len(orders) >= 4:
        services.record_whereabouts(
            actor=police,
            order=orders[3],
            address="Stationsweg 4 (pension), upstairs",
            given_at=orders[3].imposed_at + timedelta(hours=6),
        )
        services.record_breach(
            actor=police,
            order=orders[3],
            occurred_at=orders[3].imposed_at + timedelta(days=4, hours=20),
            police_report_reference=f"PL0100-{today:%Y}-{rng.randint(100000, 999999)}",
            note="Found at the home at night; arrested.",
        )
    for plan_index, members in elsewhere:
        orders.append(
            _impose(context, rng, police, plan_index, members, _night(today - timedelta(days=1)), form="oral")
        )
    return {"restraining orders": len(orders)}
