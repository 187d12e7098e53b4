"""Extra steps of the demo region, one module per domain app (triage, huisverbod, shelter, ...).

Each module in this package defines `ORDER` (an int: steps run in ascending order) and
`generate(context: DemoContext) -> dict[str, int]`, which writes its part of the region inside
the generator's transaction and returns counts by name for the printed summary. A step uses
`context.seed` for its randomness so the same seed gives the same region.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from datetime import date
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from haard.demo.organisations import DemoOrganisations
    from haard.demo.plan import RegionPlan


@dataclass(frozen=True)
class DemoContext:
    size: str
    seed: int
    today: date
    history: bool
    plan: RegionPlan
    organisations: DemoOrganisations
    # Database ids of what the generator wrote, by the plan's indexes.
    person_ids: list[int]
    household_ids: list[int]
    municipality_ids: dict[str, int]  # municipality code -> id (and other geography keys)


def steps() -> list[ModuleType]:
    """The step modules of this package, in their ORDER."""
    modules = [importlib.import_module(f"{__name__}.{info.name}") for info in pkgutil.iter_modules(__path__)]
    return sorted(modules, key=lambda module: (module.ORDER, module.__name__))


def run_steps(context: DemoContext) -> dict[str, int]:
    counts: dict[str, int] = {}
    for module in steps():
        counts.update(module.generate(context))
    return counts
