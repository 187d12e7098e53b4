"""Who relates to meldcode records, and who may read or keep the partner network.

A professional sees the records they wrote; an organisation's meldcode contact sees that
organisation's records (while a member of it); Veilig Thuis intake and assessment staff see
the records that became a report, to give the reporter feedback."""

from __future__ import annotations

from django.db.models import Q

from haard.accounts.access import capabilities, has_capability, organisation_ids, register_relation
from haard.accounts.models import User
from haard.intake.relations import is_veilig_thuis_staff

# Roles of the region that may read the partner network (organisations, never clients).
NETWORK_READERS = frozenset(
    {"administer", "view_figures", "register_reports", "assess_safety", "file_meldcode"}
)


def record_relation(actor: User) -> Q:
    own_organisations = organisation_ids(actor, active_organisation=True)
    condition = Q(author=actor) | Q(
        organisation__partner_profile__meldcode_contact=actor, organisation__in=own_organisations
    )
    if is_veilig_thuis_staff(actor):
        condition |= Q(report__isnull=False)
    return condition


register_relation("meldcode.MeldcodeRecord", record_relation)


def may_read_network(actor: User) -> bool:
    return bool(capabilities(actor) & NETWORK_READERS)


def may_edit_network(actor: User) -> bool:
    """Administrators and Veilig Thuis staff keep the register of partners."""
    return has_capability(actor, "administer") or is_veilig_thuis_staff(actor)


def may_see_figures(actor: User) -> bool:
    return has_capability(actor, "view_figures") or may_edit_network(actor)


def may_give_feedback(actor: User) -> bool:
    return is_veilig_thuis_staff(actor)
