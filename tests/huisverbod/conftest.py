"""A frozen clock for restraining-order tests: `frozen(moment)` makes timezone.now() return it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from django.utils import timezone

from tests.huisverbod.helpers import Region, make_region


@pytest.fixture
def frozen(monkeypatch: Any) -> Callable[[datetime], datetime]:
    def freeze(moment: datetime) -> datetime:
        aware = moment if timezone.is_aware(moment) else timezone.make_aware(moment)
        monkeypatch.setattr(timezone, "now", lambda: aware)
        return aware

    return freeze


@pytest.fixture
def region(db: None) -> Region:
    return make_region()
