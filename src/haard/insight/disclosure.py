"""Disclosure control for figures shown to people who may not see personal data.

For now one simple rule: a count below the region's threshold is shown as "<5". A later issue
replaces `suppress_small` with a full disclosure-control function (secondary suppression,
rounding); callers only use this one name.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from haard.core import region_settings

SUPPRESS_BELOW = region_settings.declare(
    "insight.suppress_below",
    kind=int,
    default=5,
    minimum=1,
    maximum=100,
    description=_("Figures without personal data show a count below this number as '<n'"),
)


def threshold() -> int:
    return int(region_settings.value(SUPPRESS_BELOW.key))


def suppress_small(count: int, *, below: int | None = None) -> str:
    """The count as shown to a figures-only reader: "<5" when it is below the threshold."""
    limit = threshold() if below is None else below
    return f"<{limit}" if count < limit else str(count)
