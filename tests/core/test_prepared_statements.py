"""On PostgreSQL a connection prepares the statements it repeats, so that PostgreSQL plans them
once (the settings are tested in test_settings.py); a prepared statement still answers every
user with that user's own access rule, and a bulk write larger than the protocol's 65,535
bound parameters is split instead of refused."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.urls import reverse

from haard.core.models import Region

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"),
]


def _prepared() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        return int(cursor.fetchone()[0])


def test_a_repeated_page_is_prepared_and_still_refuses_the_outsider(
    signed_in: Any, case_manager: Any, outsider: Any, own_case: Any
) -> None:
    url = reverse("cases:case_detail", args=[own_case.pk])
    owner, stranger = signed_in(case_manager), signed_in(outsider)
    before = _prepared()
    for _ in range(6):
        assert owner.get(url).status_code == 200
    assert _prepared() > before
    for _ in range(6):
        assert stranger.get(url).status_code == 404
    assert owner.get(url).status_code == 200
    assert own_case.reference in owner.get(url).content.decode()


def test_a_bulk_update_beyond_the_parameter_limit_is_split() -> None:
    rows = 22_000  # three parameters a row in one UPDATE: 66,000, over the limit
    Region.objects.bulk_create(Region(name=f"Bulk {n}") for n in range(rows))
    regions = list(Region.objects.filter(name__startswith="Bulk "))
    for region in regions:
        region.name = region.name.replace("Bulk", "Split")
    assert Region.objects.bulk_update(regions, ["name"]) == rows
    assert Region.objects.filter(name__startswith="Split ").count() == rows
    assert not Region.objects.filter(name__startswith="Bulk ").exists()
