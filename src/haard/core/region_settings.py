"""Settings per region: the law's numbers and the region's choices are data, with defaults.

Each app declares the settings it reads with `declare(...)` (key, type, default, description,
and where the default comes from); an administrator may override a value for the region in
the admin (`core.RegionSetting`). `value(key)` returns the override or the default, and
`describe(key)` gives the text a screen shows next to whatever the setting decides.

Within a request the overrides are read once, in one query, on the first `value(...)`; a
change to a setting is seen from the next request on (and at once by the request that saved
it). Outside a request (commands, background tasks) every `value(...)` reads the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from asgiref.local import Local
from django.core.exceptions import ValidationError
from django.utils.functional import Promise


@dataclass(frozen=True)
class Declared:
    key: str
    kind: type
    default: Any
    description: str | Promise
    source: str = ""
    minimum: int | None = None
    maximum: int | None = None

    def clean(self, raw: Any) -> Any:
        """Check an override against the declaration; ValidationError names the setting."""
        if self.kind is bool:
            if not isinstance(raw, bool):
                raise ValidationError(f"{self.key} must be true or false.")
            return raw
        if self.kind is int:
            if isinstance(raw, bool) or not isinstance(raw, int):
                raise ValidationError(f"{self.key} must be a whole number.")
            if self.minimum is not None and raw < self.minimum:
                raise ValidationError(f"{self.key} must be at least {self.minimum}.")
            if self.maximum is not None and raw > self.maximum:
                raise ValidationError(f"{self.key} must be at most {self.maximum}.")
            return raw
        if not isinstance(raw, self.kind):
            raise ValidationError(f"{self.key} must be a {self.kind.__name__}.")
        return raw


_declared: dict[str, Declared] = {}


def declare(
    key: str,
    *,
    kind: type,
    default: Any,
    description: str | Promise,
    source: str = "",
    minimum: int | None = None,
    maximum: int | None = None,
) -> Declared:
    """Declare a region setting (once, at import time of the app that reads it)."""
    declared = Declared(key, kind, default, description, source, minimum, maximum)
    existing = _declared.get(key)
    if existing is not None and existing != declared:
        raise ValueError(f"Region setting {key} is declared twice, differently.")
    declared.clean(default)
    _declared[key] = declared
    return declared


def declarations() -> list[Declared]:
    return sorted(_declared.values(), key=lambda d: d.key)


_request = Local()  # .overrides: the overrides read in this request, None until the first read


def start_request(**kwargs: Any) -> None:
    """A request begins (signal `request_started`): its first `value(...)` reads the overrides."""
    _request.overrides = None
    _request.active = True


def end_request(**kwargs: Any) -> None:
    """The request is done (signal `request_finished`): back to reading on every `value(...)`."""
    _request.active = False
    _request.overrides = None


def forget_overrides(**kwargs: Any) -> None:
    """An override was saved or deleted: the running request reads them again."""
    _request.overrides = None


def _stored(key: str) -> Any:
    from haard.core.models import RegionSetting

    if not getattr(_request, "active", False):
        return RegionSetting.objects.filter(key=key).values_list("value", flat=True).first()
    overrides = getattr(_request, "overrides", None)
    if overrides is None:
        overrides = dict(RegionSetting.objects.values_list("key", "value"))
        _request.overrides = overrides
    return overrides.get(key)


def value(key: str) -> Any:
    """The region's value for `key`: its override when one is stored, else the default."""
    declared = _declared[key]
    stored = _stored(key)
    return declared.default if stored is None else declared.clean(stored)


def describe(key: str) -> str:
    """A sentence for the screen: the setting's meaning, its value and where it comes from."""
    declared = _declared[key]
    current = value(key)
    origin = declared.source or "haard default"
    return f"{declared.description} ({current}; {origin})"
