"""The demo region's partner network and meldcode records: a partner profile for every
organisation, prevention activities, and the school professional's records in every step,
some reported to Veilig Thuis with feedback."""

from __future__ import annotations

import random
from datetime import timedelta

from haard.accounts.models import Membership, Organisation, OrganisationType, User
from haard.core.models import Municipality
from haard.demo.demo_users import INTAKE_USERNAME
from haard.demo.organisations import SLOT_SCHOOL
from haard.demo.steps import DemoContext
from haard.intake.models import InvolvementRole
from haard.meldcode import services
from haard.meldcode.models import ActivityKind, AssessmentOutcome, FeedbackStage, Risk, Sector

ORDER = 40

SECTOR_OF_TYPE = {
    OrganisationType.SCHOOL: Sector.EDUCATION,
    OrganisationType.GP_PRACTICE: Sector.HEALTHCARE,
    OrganisationType.MENTAL_HEALTH: Sector.HEALTHCARE,
    OrganisationType.ADDICTION_CARE: Sector.HEALTHCARE,
    OrganisationType.YOUTH_CARE: Sector.YOUTH_CARE,
    OrganisationType.SOCIAL_TEAM: Sector.SOCIAL_SUPPORT,
    OrganisationType.SHELTER: Sector.SOCIAL_SUPPORT,
    OrganisationType.MUNICIPALITY: Sector.SOCIAL_SUPPORT,
    OrganisationType.POLICE: Sector.JUSTICE,
    OrganisationType.PROBATION: Sector.JUSTICE,
    OrganisationType.VEILIGHEIDSHUIS: Sector.JUSTICE,
}
# Organisations the Wet verplichte meldcode binds.
BOUND_SECTORS = {
    Sector.EDUCATION,
    Sector.HEALTHCARE,
    Sector.YOUTH_CARE,
    Sector.SOCIAL_SUPPORT,
    Sector.JUSTICE,
}
RECORDS = {"small": 8, "region": 30, "national": 60}
ACTIVITY_TITLES = {
    ActivityKind.TRAINING: [
        "Training signaleren kindermishandeling",
        "Werken met de meldcode en het afwegingskader",
    ],
    ActivityKind.AWARENESS: [
        "Voorlichtingsavond voor ouders",
        "Themaweek Veilig Thuis",
        "Workshop gezonde relaties",
    ],
}
CONCERNS = [
    "Blauwe plekken en angstig gedrag",
    "Kind vertelt over ruzies thuis",
    "Verwaarlozing: vaak zonder eten op school",
    "Ouder intimiderend bij het ophalen",
    "Plotselinge terugval en teruggetrokken gedrag",
]
CHILD_ROLES = {"child"}
# How far each record got (0: only opened … 4: weighed, 5: decided), in turn.
DEPTHS = [5, 1, 5, 2, 3, 5, 4, 5, 0]
# The decisions, in turn: the answers given to the afwegingskader's questions.
DECISIONS = [
    [(1, True), (2, True)],  # acute or structural unsafety: report
    [(1, True), (2, False), (3, True), (4, True)],  # help organised, result awaited
    [(1, True), (2, False), (3, True), (4, False)],  # help refused: report
    [(1, False)],  # no suspicion after all
]


def _profiles(rng: random.Random, context: DemoContext, administrator: User) -> tuple[int, int]:
    profiles = activities = 0
    organisations = Organisation.objects.order_by("name")
    school = context.organisations.slots[SLOT_SCHOOL].organisation
    contacts = {
        m.team.organisation_id: m.user
        for m in Membership.objects.filter(role__key="professional", active=True).select_related(
            "team", "user"
        )
    }
    for organisation in organisations:
        sector = SECTOR_OF_TYPE.get(OrganisationType(organisation.type), Sector.OTHER)
        has_code = sector in BOUND_SECTORS and (organisation == school or rng.random() < 0.85)
        services.save_partner_profile(
            actor=administrator,
            organisation=organisation,
            sector=sector,
            veilig_thuis_contact=f"aandachtsfunctionaris@{organisation.pk}.demo.haard.invalid"
            if has_code
            else "",
            has_meldcode=has_code,
            meldcode_since=context.today - timedelta(days=rng.randint(200, 4000)) if has_code else None,
            meldcode_contact=contacts.get(organisation.pk) if has_code else None,
        )
        profiles += 1
        for _ in range(rng.randint(0, 3) if has_code else 0):
            kind = rng.choice(list(ActivityKind))
            services.add_prevention_activity(
                actor=administrator,
                organisation=organisation,
                kind=kind,
                title=rng.choice(ACTIVITY_TITLES[kind]),
                held_on=context.today - timedelta(days=rng.randint(1, 600)),
                reach=rng.randint(8, 150),
            )
            activities += 1
    return profiles, activities


def _people(context: DemoContext, household_index: int) -> list[services.PersonGiven]:
    household = context.plan.households[household_index]
    given = []
    adults = 0
    for person_index, household_role in household.members:
        plan = context.plan.people[person_index]
        if household_role in CHILD_ROLES:
            role = InvolvementRole.CHILD_IN_HOUSEHOLD
        else:
            role = InvolvementRole.VICTIM if adults == 0 else InvolvementRole.SUSPECT
            adults += 1
        given.append(
            services.PersonGiven(
                first_names=plan.first_names,
                surname_prefix=plan.surname_prefix,
                surname=plan.surname,
                birth_date=plan.birth_date,
                gender=plan.gender,
                role=role,
            )
        )
    return given


def generate(context: DemoContext) -> dict[str, int]:
    rng = random.Random(f"{context.seed}-meldcode")  # noqa: S311 - demo data, not security
    administrator = User.objects.get(username=INTAKE_USERNAME)  # Veilig Thuis keeps the network
    profiles, activities = _profiles(rng, context, administrator)

    membership = (
        Membership.objects.select_related("team__organisation", "user")
        .filter(team=context.organisations.slots[SLOT_SCHOOL], role__key="professional")
        .first()
    )
    if membership is None:
        return {"partner profiles": profiles, "prevention activities": activities}
    professional = membership.user
    municipalities = {
        m.code: m for m in Municipality.objects.filter(pk__in=context.municipality_ids.values())
    }
    households = [i for i, h in enumerate(context.plan.households) if len(h.members) >= 2]
    rng.shuffle(households)
    records = reported = decided = 0
    for number in range(min(RECORDS.get(context.size, 8), len(households))):
        household_index = households[number]
        address = context.plan.addresses[context.plan.households[household_index].address_index]
        record = services.start_record(
            actor=professional,
            membership=membership,
            municipality=municipalities[address.municipality_code],
            concern=CONCERNS[number % len(CONCERNS)],
            address=services.AddressText(
                postcode=address.postcode,
                house_number=f"{address.house_number}{address.house_letter}"
                + (f"-{address.addition}" if address.addition else ""),
                street=address.street,
                town=address.town,
            ),
            people=_people(context, household_index),
        )
        records += 1
        depth = DEPTHS[number % len(DEPTHS)]
        if depth >= 1:
            services.record_signs(
                actor=professional,
                record=record,
                signs="Leerkracht ziet blauwe plekken op armen; kind schrikt bij aanraking.",
            )
        if depth >= 2:
            services.record_consultation(
                actor=professional,
                record=record,
                colleague=True,
                veilig_thuis=number % 2 == 0,
                notes="Besproken met de intern begeleider; Veilig Thuis adviseert een gesprek met de ouders.",
            )
        if depth >= 3:
            services.record_conversation(
                actor=professional,
                record=record,
                held=number % 3 != 0,
                notes="Gesprek met moeder: zij herkent de zorgen en vertelt over spanningen thuis.",
                reason_not="Een gesprek brengt het kind in gevaar.",
            )
        if depth >= 4:
            services.record_weighing(
                actor=professional,
                record=record,
                risk=Risk.SERIOUS if number % 2 == 0 else Risk.MODERATE,
                notes="Herhaalde signalen, ouders staan open voor hulp maar onduidelijk of het volstaat.",
            )
        if depth == 5:
            answers = DECISIONS[decided % len(DECISIONS)]
            decided += 1
            for question, answer in answers:
                record = services.answer_question(
                    actor=professional, membership=membership, record=record, question=question, answer=answer
                )
            if record.report is not None:
                reported += 1
                services.give_feedback(actor=administrator, record=record, stage=FeedbackStage.RECEIVED)
                if reported % 2 == 1:
                    services.give_feedback(
                        actor=administrator,
                        record=record,
                        stage=FeedbackStage.OUTCOME,
                        outcome=AssessmentOutcome.HAND_OVER,
                        note="Het gezin krijgt hulp van het sociaal team; dank voor uw melding.",
                    )
    return {
        "partner profiles": profiles,
        "prevention activities": activities,
        "meldcode records": records,
        "meldcode reports": reported,
    }
