"""The synthetic demo region: it generates, it is deterministic, its identifiers are safe test
values, every role has a working demo account, and need-to-know holds inside it."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from stdnum.nl import bsn as stdnum_bsn

from haard.accounts.models import Membership, Organisation, OrganisationType, Role, User
from haard.cases.models import Case, CaseMember, CaseParticipant
from haard.core.crypto import keyed_hash
from haard.core.models import District, Municipality, Neighbourhood
from haard.demo.demo_users import (
    CASE_MANAGER_USERNAME,
    DEMO_PASSWORD,
    DEMO_USERNAMES,
    OUTSIDER_USERNAME,
    current_code,
)
from haard.demo.generator import DemoRegionError, DemoSummary, generate_region, region_exists
from haard.demo.identifiers import (
    TEST_BSN_FIRST,
    TEST_BSN_LAST,
    available_test_bsns,
    backup_codes,
    totp_key_hex,
)
from haard.demo.plan import RegionPlan, build_plan
from haard.registry.models import BSN_HASH_PURPOSE, Address, Household, HouseholdMember, Person
from haard.registry.validation import normalise_postcode

SEED = 2026
TODAY = date(2026, 3, 2)


@pytest.fixture
def region(db: None) -> DemoSummary:
    # Without history rows: half the time, and history has its own test below.
    return generate_region(size="small", seed=SEED, today=TODAY, history=False)


def _identity(plan: RegionPlan) -> tuple[list[tuple[str, str, str, str]], list[str]]:
    """Names with BSNs, and postcodes: what must be byte-identical for one seed."""
    people = [(p.first_names, p.surname_prefix, p.surname, p.bsn) for p in plan.people]
    return people, [a.postcode for a in plan.addresses]


# -- the plan, without a database ---------------------------------------------------------


def test_the_same_seed_gives_the_same_plan_and_another_seed_another() -> None:
    first = build_plan(size="small", seed=SEED, today=TODAY)
    again = build_plan(size="small", seed=SEED, today=TODAY)
    other = build_plan(size="small", seed=SEED + 1, today=TODAY)
    assert first == again
    assert _identity(first) == _identity(again)
    assert _identity(first)[0] != _identity(other)[0]
    assert _identity(first)[1] != _identity(other)[1]
    assert totp_key_hex(seed=SEED, username="intake") == totp_key_hex(seed=SEED, username="intake")
    assert totp_key_hex(seed=SEED, username="intake") != totp_key_hex(seed=SEED + 1, username="intake")
    assert backup_codes(seed=SEED, username="intake") == backup_codes(seed=SEED, username="intake")


def test_bsns_are_valid_test_numbers_used_once() -> None:
    plan = build_plan(size="small", seed=SEED, today=TODAY)
    bsns = [p.bsn for p in plan.people if p.bsn]
    assert len(bsns) == len(set(bsns))
    # 1,500 people are more than the 909 usable numbers of the test block: all are used.
    assert len(bsns) == len(available_test_bsns()) == 909
    for value in bsns:
        assert stdnum_bsn.is_valid(value)
        assert TEST_BSN_FIRST <= int(value) <= TEST_BSN_LAST
        assert value.startswith("99999")
    # People in a case get a BSN first, so a demo can find them by it.
    in_cases = {index for case in plan.cases for index, _ in case.members}
    assert all(plan.people[index].bsn for index in in_cases)


def test_postcodes_are_valid_and_addresses_unique() -> None:
    plan = build_plan(size="small", seed=SEED, today=TODAY)
    for address in plan.addresses:
        assert normalise_postcode(address.postcode) == address.postcode
        assert re.fullmatch(r"[1-9]\d{3}[A-Z]{2}", address.postcode)
        assert address.postcode[4:] not in {"SA", "SD", "SS"}
    keys = [(a.postcode, a.house_number, a.house_letter, a.addition) for a in plan.addresses]
    assert len(keys) == len(set(keys))
    assert any(a.house_letter for a in plan.addresses)
    assert any(a.addition for a in plan.addresses)


def test_names_are_dutch_with_tussenvoegsels_on_about_a_third() -> None:
    plan = build_plan(size="small", seed=SEED, today=TODAY)
    share = sum(1 for p in plan.people if p.surname_prefix) / len(plan.people)
    assert 0.2 < share < 0.4
    ages = [(TODAY - p.birth_date).days // 365 for p in plan.people]
    assert min(ages) < 18 < max(ages)


def test_an_unknown_size_is_refused() -> None:
    with pytest.raises(ValueError, match="Unknown size"):
        build_plan(size="galactic", seed=SEED, today=TODAY)


# -- the region in the database -----------------------------------------------------------


def test_the_small_region_generates(region: DemoSummary) -> None:
    assert region.municipalities == Municipality.objects.count() == 10
    assert sorted(Municipality.objects.values_list("code", flat=True)) == [f"GM{9001 + i}" for i in range(10)]
    per_municipality = Counter(District.objects.values_list("municipality__code", flat=True))
    assert all(3 <= n <= 6 for n in per_municipality.values())
    per_district = Counter(Neighbourhood.objects.values_list("district__code", flat=True))
    assert all(2 <= n <= 5 for n in per_district.values())
    assert not Neighbourhood.objects.filter(population__isnull=True).exists()
    assert region.people == Person.objects.count() >= 1_500
    assert region.addresses == Address.objects.count()
    assert not Address.objects.filter(neighbourhood__isnull=True).exists()
    assert region.households == Household.objects.count()
    roles = set(HouseholdMember.objects.values_list("role", flat=True))
    assert {"parent", "partner", "child"} <= roles
    assert region.cases == Case.objects.count() >= 60
    assert all(re.fullmatch(r"VT-\d{4}-\d{5}", r) for r in Case.objects.values_list("reference", flat=True))
    assert set(Case.objects.values_list("status", flat=True)) == {"open", "monitoring", "closed"}
    assert {"victim", "suspect", "child"} <= set(CaseMember.objects.values_list("role", flat=True))
    for org_type in OrganisationType.values:
        organisation = Organisation.objects.filter(type=org_type).first()
        assert organisation is not None, org_type
        assert organisation.teams.exists()
    gemeenten = Organisation.objects.filter(type=OrganisationType.MUNICIPALITY)
    assert gemeenten.count() == 10
    assert all(g.municipalities.count() == 1 for g in gemeenten)


def test_the_database_holds_what_the_plan_says(db: None) -> None:
    # Generate, take a snapshot, roll back, generate again: the rows must be identical.
    def snapshot() -> tuple[list[Any], list[Any]]:
        people = list(
            Person.objects.order_by("pk").values_list("first_names", "surname_prefix", "surname", "bsn_hash")
        )
        postcodes = list(Address.objects.order_by("pk").values_list("postcode", "house_number", "street"))
        return people, postcodes

    savepoint = transaction.savepoint()
    generate_region(size="small", seed=SEED, today=TODAY, history=False)
    first = snapshot()
    transaction.savepoint_rollback(savepoint)
    assert not region_exists()
    generate_region(size="small", seed=SEED, today=TODAY, history=False)
    assert snapshot() == first

    plan = build_plan(size="small", seed=SEED, today=TODAY)
    expected = [
        (
            p.first_names,
            p.surname_prefix,
            p.surname,
            keyed_hash(p.bsn, purpose=BSN_HASH_PURPOSE) if p.bsn else "",
        )
        for p in plan.people
    ]
    assert first[0] == expected
    with_bsn = Person.objects.exclude(bsn_encrypted="")
    assert with_bsn.count() == 909
    assert all(stdnum_bsn.is_valid(p.bsn) and p.bsn.startswith("99999") for p in with_bsn)


def test_history_rows_are_written_by_default(db: None) -> None:
    generate_region(size="small", seed=SEED, today=TODAY)
    assert Person.history.count() == Person.objects.count()
    assert Case.history.filter(history_type="+").count() == Case.objects.count() >= 60


def test_every_role_has_a_demo_user_who_can_sign_in(region: DemoSummary) -> None:
    assert {a.username for a in region.accounts} == set(DEMO_USERNAMES)
    for role in Role.objects.all():
        assert Membership.objects.filter(role=role, user__username__in=DEMO_USERNAMES).exists(), role.key
    for account in region.accounts:
        user = User.objects.get(username=account.username)
        assert user.check_password(DEMO_PASSWORD)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if account.username == "beleid":
            # The policy officer sees figures only and needs no second factor.
            assert device is None and not account.totp_secret
            continue
        assert device is not None and len(device.key) == 40
        assert device.verify_token(current_code(device))
        assert len(account.backup_codes) == 5
        assert StaticToken.objects.filter(device__user=user).count() == 5
        assert match_token(user, account.backup_codes[0]) is not None
    assert User.objects.get(username="beheer").is_staff


def test_a_second_run_refuses_and_the_command_does_nothing(region: DemoSummary) -> None:
    assert region_exists()
    with pytest.raises(DemoRegionError, match="exists already"):
        generate_region(size="small", seed=SEED)
    out = StringIO()
    call_command("demo_region", stdout=out)
    assert "already present" in out.getvalue()
    assert Person.objects.count() == region.people


def test_the_outsider_sees_nothing_and_the_case_manager_sees_their_cases(region: DemoSummary) -> None:
    outsider = User.objects.get(username=OUTSIDER_USERNAME)
    assert not Case.objects.visible_to(outsider).exists()
    assert not Person.objects.visible_to(outsider).exists()

    case_manager = User.objects.get(username=CASE_MANAGER_USERNAME)
    visible = Case.objects.visible_to(case_manager)
    team = case_manager.memberships.get().team
    participating = CaseParticipant.objects.filter(user=case_manager).values("case_id")
    assert visible.exists()
    assert set(visible) == set(
        Case.objects.filter(owning_team=team) | Case.objects.filter(pk__in=participating)
    )
    assert participating.exists()
    assert Person.objects.visible_to(case_manager).count() == (
        CaseMember.objects.filter(case__in=visible).values("person_id").distinct().count()
    )
    # Veilig Thuis's assessment team owns some cases.
    assessor = User.objects.get(username="beoordelaar")
    assert Case.objects.visible_to(assessor).exists()


def test_demo_accounts_lists_every_account(region: DemoSummary) -> None:
    out = StringIO()
    call_command("demo_accounts", stdout=out)
    text = out.getvalue()
    for account in region.accounts:
        assert account.username in text
        if account.totp_secret:
            assert account.totp_secret in text
            assert account.backup_codes[0] in text
    assert DEMO_PASSWORD in text


def test_demo_commands_refuse_in_production(db: None, settings: Any) -> None:
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("demo_region")
    with pytest.raises(CommandError, match="production"):
        call_command("demo_accounts")
    assert not region_exists()


def test_reports_and_police_incidents_make_a_living_region(region: DemoSummary) -> None:
    from haard.intake.models import PoliceIncident, RepeatClass, Report
    from haard.intake.relations import is_veilig_thuis_staff

    assert region.reports > 100 and region.police_incidents > 100
    not_forwarded = PoliceIncident.objects.filter(forwarded_to_veilig_thuis=False)
    assert not_forwarded.exists()
    assert not Report.objects.filter(police_incident__in=not_forwarded).exists()
    assert Report.objects.filter(police_incident__isnull=True).exists()  # Veilig Thuis only
    assert set(Report.objects.values_list("repeat_class", flat=True)) == set(RepeatClass.values)
    assert all(r.reference.startswith(("M", "A")) for r in Report.objects.all()[:50])
    intake = User.objects.get(username="intake")
    assert is_veilig_thuis_staff(intake)
    assert Report.objects.visible_to(intake).count() == region.reports
    outsider = User.objects.get(username="buitenstaander")
    assert not Report.objects.visible_to(outsider).exists()
    assert not PoliceIncident.objects.visible_to(outsider).exists()
    police = User.objects.get(username="politie")
    assert PoliceIncident.objects.visible_to(police).count() == region.police_incidents
