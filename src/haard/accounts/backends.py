"""Permissions come from the roles of a user's active memberships, not from user.groups."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission


class MembershipBackend(ModelBackend):
    def _get_group_permissions(self, user_obj: Any) -> Any:
        return Permission.objects.filter(
            group__role__memberships__user=user_obj,
            group__role__memberships__active=True,
            group__role__memberships__team__organisation__active=True,
        )
