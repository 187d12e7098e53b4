"""The roles haard ships with (see the brief). The data migration creates them; this module
gives their names in the interface language."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ROLE_LABELS = {
    "intake_worker": _("Intake worker"),
    "safety_assessor": _("Safety assessor"),
    "case_manager": _("Case manager"),
    "professional": _("Professional"),
    "police_officer": _("Police officer"),
    "mayors_office": _("Mayor's office"),
    "shelter_coordinator": _("Shelter coordinator"),
    "policy_officer": _("Policy officer"),
    "privacy_officer": _("Privacy officer"),
    "administrator": _("Administrator"),
}
