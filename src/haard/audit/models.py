"""The access log (NEN 7513): who saw or changed which personal data, when, in which role,
on whose behalf and why. Append-only: the application refuses to change or delete an entry,
and on PostgreSQL a trigger refuses UPDATE and DELETE as well.

The one exception is the purge of entries whose retention period has passed, decided by a
privacy officer: `haard.audit.purge` deletes them, and it is the only code that can."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """The access log is never changed or deleted."""


# Set only by `haard.audit.purge` around the deletion of expired rows, which it checks first.
_purge_in_progress: ContextVar[bool] = ContextVar("haard_access_log_purge", default=False)


@contextmanager
def purge_rows_allowed() -> Iterator[None]:
    """Let `_raw_delete` through for the duration of a checked purge batch (audit.purge)."""
    token = _purge_in_progress.set(True)
    try:
        yield
    finally:
        _purge_in_progress.reset(token)


class AppendOnlyQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("The access log cannot be changed.")

    def _update(self, values: Any) -> NoReturn:
        raise AppendOnlyError("The access log cannot be changed.")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("The access log cannot be deleted.")

    def _raw_delete(self, using: Any) -> int:
        # Django's deletion collector deletes through this method; only the purge may.
        if not _purge_in_progress.get():
            raise AppendOnlyError("The access log cannot be deleted.")
        return int(super()._raw_delete(using))

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("The access log cannot be changed.")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("The access log cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("The access log cannot be deleted.")


class Action(models.TextChoices):
    VIEW = "view", _("view")
    SEARCH = "search", _("search")
    EXPORT = "export", _("export")
    PRINT = "print", _("print")
    CHANGE = "change", _("change")
    CREATE = "create", _("create")


class AccessLogEntry(AppendOnlyModel):
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("user")
    )
    # Names are copied, not only referenced: the log must still read right after a
    # reorganisation or a renamed role.
    organisation_name = models.CharField(_("organisation"), max_length=200, blank=True)
    role_name = models.CharField(_("role"), max_length=150, blank=True)
    membership_id = models.BigIntegerField(null=True, blank=True)
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("on behalf of"),
    )
    api_client_name = models.CharField(_("API client"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    record_type = models.CharField(_("record type"), max_length=100)
    record_id = models.CharField(_("record"), max_length=64, blank=True)
    query = models.CharField(_("search terms"), max_length=200, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    emergency = models.BooleanField(_("emergency access"), default=False)
    client_address = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    path = models.CharField(_("path"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-id"]
        default_permissions = ("view",)
        # Django's own lookups and deletions use the base manager: it refuses changes too.
        base_manager_name = "objects"
        indexes = [models.Index(fields=["record_type", "record_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.action} {self.record_type}"


class AccessLogSubject(AppendOnlyModel):
    """One person whose data an entry showed; indexed for "who saw this person"."""

    entry = models.ForeignKey(AccessLogEntry, on_delete=models.PROTECT, related_name="subjects")
    person_id = models.BigIntegerField(db_index=True)

    class Meta:
        verbose_name = _("person in access log entry")
        verbose_name_plural = _("people in access log entries")
        default_permissions = ("view",)
        base_manager_name = "objects"

    def __str__(self) -> str:
        return f"{self.entry_id}:{self.person_id}"
