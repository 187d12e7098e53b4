"""Relations the registry itself grants on people."""

from __future__ import annotations

from django.db.models import Q

from haard.accounts.access import ALL, NONE, has_capability, register_relation
from haard.accounts.models import User


def _region_wide_search(actor: User) -> Q:
    # Veilig Thuis intake and assessment must find anyone in the region to link a report.
    return ALL if has_capability(actor, "search_people") else NONE


register_relation("registry.Person", _region_wide_search)
