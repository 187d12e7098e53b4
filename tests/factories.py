"""Factories for tests: people, organisations and users with roles."""

from __future__ import annotations

import factory
from django_otp.plugins.otp_totp.models import TOTPDevice

from haard.accounts.models import Membership, Organisation, OrganisationType, Role, Team, User
from haard.cases.models import Case, CaseMember, CaseParticipant
from haard.core.models import District, Municipality, Neighbourhood, Region
from haard.registry.models import Address, Household, HouseholdMember, Person

TEST_PASSWORD = "correct horse battery staple"


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("name",)

    name = "Testregio"


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality

    region = factory.SubFactory(RegionFactory)
    code = factory.Sequence(lambda n: f"GM{8000 + n:04d}")
    name = factory.Sequence(lambda n: f"Gemeente {n}")


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District

    municipality = factory.SubFactory(MunicipalityFactory)
    code = factory.Sequence(lambda n: f"WK{800000 + n:06d}")
    name = factory.Sequence(lambda n: f"Wijk {n}")


class NeighbourhoodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Neighbourhood

    district = factory.SubFactory(DistrictFactory)
    code = factory.Sequence(lambda n: f"BU{80000000 + n:08d}")
    name = factory.Sequence(lambda n: f"Buurt {n}")
    population = 1200


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisatie {n}")
    type = OrganisationType.SOCIAL_TEAM


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Gebruiker {n}")
    password = factory.django.Password(TEST_PASSWORD)


def make_user(
    role_key: str | None, *, team: Team | None = None, username: str | None = None, **fields: object
) -> User:
    """A user holding `role_key` in `team` (a new team when omitted); no role when None."""
    kwargs = {"username": username} if username else {}
    user = UserFactory(**kwargs, **fields)
    if role_key is not None:
        Membership.objects.create(user=user, team=team or TeamFactory(), role=Role.objects.get(key=role_key))
    return user


def give_totp(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


class AddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Address

    postcode = factory.Sequence(lambda n: f"{1000 + n % 8999}AB")
    house_number = factory.Sequence(lambda n: n + 1)
    street = "Teststraat"
    town = "Teststad"
    municipality = factory.SubFactory(MunicipalityFactory)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    first_names = factory.Sequence(lambda n: f"Voornaam{n}")
    surname = factory.Sequence(lambda n: f"Achternaam{n}")


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    name = factory.Sequence(lambda n: f"Huishouden {n}")
    address = factory.SubFactory(AddressFactory)


def make_case(
    *, team: Team, people: int = 2, participants: list[User] | None = None, reference: str | None = None
) -> Case:
    """A case owned by `team` with a household of `people` and optional participants."""
    household = HouseholdFactory()
    municipality = household.address.municipality
    case = Case.objects.create(
        reference=reference or f"T-{Case.objects.count() + 1:05d}",
        household=household,
        municipality=municipality,
        owning_team=team,
        lead_organisation=team.organisation,
    )
    for index in range(people):
        person = PersonFactory()
        HouseholdMember.objects.create(
            household=household, person=person, role="parent" if index < 2 else "child"
        )
        CaseMember.objects.create(case=case, person=person, role="victim" if index == 0 else "child")
    for user in participants or []:
        CaseParticipant.objects.create(
            case=case, user=user, organisation=user.memberships.first().team.organisation
        )
    return case
