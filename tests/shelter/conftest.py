"""Shelter tests compare messages in their English source."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _english(english: None) -> None:
    """Messages are compared in their English source here."""
