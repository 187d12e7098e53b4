"""A frozen clock for the time-travel tests: `frozen(moment)` fixes `timezone.now()` (and so
`timezone.localdate()`, every default date and every clock) at `moment`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@pytest.fixture
def frozen(monkeypatch: Any) -> Callable[[datetime], datetime]:
    def freeze(moment: datetime) -> datetime:
        if timezone.is_naive(moment):
            moment = moment.replace(tzinfo=AMSTERDAM)
        monkeypatch.setattr(timezone, "now", lambda: moment)
        return moment

    return freeze
