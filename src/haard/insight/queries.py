"""Building blocks in the database, shared by the address view and the reconciliation."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import DateTimeField, Exists, OuterRef, Q, Value
from django.db.models.functions import Coalesce, Greatest

from haard.intake.models import PoliceIncidentPerson, ReportPerson

FAR_PAST = datetime.fromisoformat("1900-01-01T00:00:00+00:00")


def greatest(expressions: list[Any], fallback: Any, output: Any) -> Any:
    """The greatest of the expressions, each NULL taken as `fallback` (SQLite's MAX(a, b) is
    NULL when one of them is)."""
    filled = [Coalesce(e, Value(fallback), output_field=output) for e in expressions]
    if not filled:
        return Value(fallback, output_field=output)
    return filled[0] if len(filled) == 1 else Greatest(*filled, output_field=output)


def latest(expressions: list[Any]) -> Any:
    return greatest(expressions, FAR_PAST, DateTimeField())


def secret_address_q(address_ref: str = "pk") -> Q:
    """True when anyone in any incident at the address (any source, seen or not) has a secret
    address: such an address is masked for everyone but Veilig Thuis staff."""
    return Q(
        Exists(
            ReportPerson.objects.filter(
                report__incident_address=OuterRef(address_ref), person__secret_address=True
            )
        )
    ) | Q(
        Exists(
            PoliceIncidentPerson.objects.filter(
                incident__address=OuterRef(address_ref), person__secret_address=True
            )
        )
    )
