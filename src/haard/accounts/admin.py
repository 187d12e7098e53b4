from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from haard.accounts import services
from haard.accounts.models import (
    ApiClient,
    ApiToken,
    EmergencyAccess,
    ExternalIdentity,
    Membership,
    Organisation,
    Role,
    Team,
    User,
)


class TeamInline(admin.TabularInline):
    model = Team
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "type", "active"]
    list_filter = ["type", "active"]
    search_fields = ["name"]
    filter_horizontal = ["municipalities"]
    inlines = [TeamInline]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation"]
    list_filter = ["organisation__type"]
    search_fields = ["name", "organisation__name"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["team"]


class ExternalIdentityInline(admin.TabularInline):
    """Links the user to an account at the identity provider (single sign-on, docs/sso.md)."""

    model = ExternalIdentity
    extra = 0
    fields = ["issuer", "subject", "created_at"]
    readonly_fields = ["created_at"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [MembershipInline, ExternalIdentityInline]
    list_display = ["username", "first_name", "last_name", "is_active", "is_staff"]
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (_("haard"), {"fields": ["preferred_language"]}),
    )
    actions = ["reset_second_factor"]

    @admin.action(description=_("Reset second factor (lost phone)"))
    def reset_second_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            services.reset_second_factor(actor=request.user, user=user)  # type: ignore[arg-type]
        self.message_user(request, _("Second factor reset; the users enrol again."), messages.SUCCESS)


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["group", "key", "sees_personal_data"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ApiTokenInline(admin.TabularInline):
    model = ApiToken
    extra = 0
    fields = ("prefix", "created_at", "expires_at", "revoked_at", "last_used_at")
    readonly_fields = ("prefix", "created_at", "expires_at", "revoked_at", "last_used_at")
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "active"]
    inlines = [ApiTokenInline]
    actions = ["issue_token", "revoke_tokens"]

    @admin.action(description=_("Issue a new token (shown once)"))
    def issue_token(self, request: HttpRequest, queryset: QuerySet[ApiClient]) -> None:
        for client in queryset:
            raw = services.issue_api_token(client=client)
            self.message_user(request, f"{client}: {raw}", messages.WARNING)

    @admin.action(description=_("Revoke all tokens"))
    def revoke_tokens(self, request: HttpRequest, queryset: QuerySet[ApiClient]) -> None:
        for token in ApiToken.objects.filter(client__in=queryset, revoked_at__isnull=True):
            services.revoke_api_token(token=token)


@admin.register(EmergencyAccess)
class EmergencyAccessAdmin(admin.ModelAdmin):
    list_display = ["user", "model_label", "object_id", "granted_at", "outcome"]
    readonly_fields = [f.name for f in EmergencyAccess._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
