"""The people of a retention test: two privacy officers (four eyes) and the outsider of every
test; stored files in a scratch directory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from haard.accounts.models import User
from tests.retention.factories import officer


@pytest.fixture(autouse=True)
def _scratch_media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def proposer(db: None) -> User:
    return officer("privacy-a")


@pytest.fixture
def decider(db: None) -> User:
    return officer("privacy-b")
