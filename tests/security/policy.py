"""The shapes of the URL-walk policy tables (tests/security/test_url_walk.py); each app's
tests/<app>/url_policy.py declares its rows with them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class World:
    case_manager: Any
    intake: Any
    privacy: Any
    outsider: Any
    case: Any
    person: Any
    # Objects that other apps' policy modules add (see tests/<app>/url_policy.py).
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Spec:
    url: Callable[[World], str]
    allowed: Callable[[World], Any]
    # "detail": the outsider gets 403/404. "list": an outsider with the same role may open
    # the list, but sees nothing of the case and nobody is logged as shown to them.
    kind: str = "detail"
    # For POST operations: the JSON body to send.
    body: Callable[[World], str] | None = None
    # The person whose data the allowed user is shown (default: world.person).
    shows: Callable[[World], Any] | None = None
