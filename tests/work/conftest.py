from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english(settings: Any) -> Iterator[None]:
    """Pages and messages in English here: the tests read the source texts."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
