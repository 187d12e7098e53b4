"""Restraining-order tests read the source texts (English); the frozen clock is the shared
`frozen`; `region` is a municipality with its mayor's office, police and Veilig Thuis."""

from __future__ import annotations

import pytest

from tests.huisverbod.helpers import Region, make_region


@pytest.fixture(autouse=True)
def _english(english: None) -> None:
    """Messages are compared in their English source here."""


@pytest.fixture
def region(db: None) -> Region:
    return make_region()
