"""Two processes that ask for a family's case at the same moment get the same case: one plan
per family. Needs row locks, so it runs on PostgreSQL (SQLite writes one at a time)."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections, transaction

from haard.cases.models import Case
from haard.cases.services import open_case
from tests.factories import HouseholdFactory, TeamFactory, make_user

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_case_opened_while_another_is_being_opened_is_the_same_case() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks are tested on PostgreSQL")
    household = HouseholdFactory()
    first_team, second_team = TeamFactory(), TeamFactory()
    opened: dict[str, int] = {}
    first_has_opened = threading.Event()
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with transaction.atomic():
                opened["first"] = open_case(household=household, owning_team=first_team).pk
                first_has_opened.set()
                time.sleep(1.5)  # not yet committed: the second asks meanwhile
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            first_has_opened.set()
            connections.close_all()

    def second() -> None:
        try:
            first_has_opened.wait(timeout=10)
            opened["second"] = open_case(household=household, owning_team=second_team).pk
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors
    assert opened["first"] == opened["second"]
    case = Case.objects.get(household=household)
    assert case.owning_team == first_team
    assert not Case.objects.visible_to(make_user("case_manager", team=TeamFactory())).exists()
