"""Meldcode test helpers: a school with a professional, Veilig Thuis staff, and records taken
to a given step through the services."""

from __future__ import annotations

from typing import Any

from haard.accounts.models import Membership, OrganisationType, Team, User
from haard.core.models import Municipality
from haard.meldcode import services
from haard.meldcode.models import MeldcodeRecord, Risk
from tests.factories import MunicipalityFactory, OrganisationFactory, TeamFactory, make_user

ADDRESS = services.AddressText(postcode="7901 AB", house_number="3", street="Hoofdstraat", town="Hoogeveen")


def school_team(name: str | None = None) -> Team:
    organisation = OrganisationFactory(type=OrganisationType.SCHOOL, **({"name": name} if name else {}))
    return TeamFactory(organisation=organisation, name="Zorgteam")


def make_professional(team: Team | None = None, username: str | None = None) -> User:
    return make_user("professional", team=team or school_team(), username=username)


def make_vt_staff(role: str = "intake_worker") -> User:
    return make_user(
        role, team=TeamFactory(organisation=OrganisationFactory(type=OrganisationType.VEILIG_THUIS))
    )


def membership_of(user: User) -> Membership:
    return Membership.objects.select_related("team__organisation").get(user=user)


def people(n: int = 2) -> list[services.PersonGiven]:
    given = [
        services.PersonGiven(first_names="Sanne", surname="Jansen", role="child_in_household"),
        services.PersonGiven(first_names="Mark", surname="Jansen", role="suspect"),
        services.PersonGiven(first_names="Els", surname="Jansen", role="victim"),
    ]
    return given[:n]


def home_municipality() -> Municipality:
    """The municipality of the factories' address (one address lies in one municipality)."""
    return Municipality.objects.filter(code="GM0118").first() or MunicipalityFactory(
        code="GM0118", name="Hoogeveen"
    )


def start(
    actor: User, *, with_people: bool = True, with_address: bool = True, municipality: Any = None
) -> MeldcodeRecord:
    return services.start_record(
        actor=actor,
        membership=membership_of(actor),
        municipality=municipality or home_municipality(),
        concern="Blauwe plekken",
        address=ADDRESS if with_address else None,
        people=people() if with_people else [],
    )


def to_step(record: MeldcodeRecord, actor: User, step: int) -> MeldcodeRecord:
    """Record the steps before `step` (so that `step` is the one to record next)."""
    if step > 1:
        record = services.record_signs(actor=actor, record=record, signs="Blauwe plekken op de armen.")
    if step > 2:
        record = services.record_consultation(
            actor=actor,
            record=record,
            colleague=True,
            veilig_thuis=False,
            notes="Intern begeleider: zorgelijk.",
        )
    if step > 3:
        record = services.record_conversation(
            actor=actor, record=record, held=True, notes="Moeder herkent het."
        )
    if step > 4:
        record = services.record_weighing(actor=actor, record=record, risk=Risk.SERIOUS, notes="Herhaald.")
    return record


def record_at(actor: User, step: int, **kwargs: Any) -> MeldcodeRecord:
    return to_step(start(actor, **kwargs), actor, step)


def answer_all(record: MeldcodeRecord, actor: User, answers: list[bool]) -> MeldcodeRecord:
    for question, answer in enumerate(answers, start=1):
        record = services.answer_question(
            actor=actor, membership=membership_of(actor), record=record, question=question, answer=answer
        )
    return record


def reported(actor: User, **kwargs: Any) -> MeldcodeRecord:
    """A record reported to Veilig Thuis at question 2 (acute or structural unsafety)."""
    return answer_all(record_at(actor, 5, **kwargs), actor, [True, True])
