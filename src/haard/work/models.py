"""In-app notifications: reminders of work that is due, one per item per day."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("user"),
    )
    text = models.CharField(_("text"), max_length=300)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created = models.DateTimeField(_("created"), default=timezone.now)
    read = models.BooleanField(_("read"), default=False)
    # A reminder is sent once per item per day: (user, key, day) is unique.
    key = models.CharField(max_length=200, blank=True)
    day = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created", "-pk"]
        indexes = [models.Index(fields=["user", "read"])]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key", "day"], condition=~models.Q(key=""), name="notification_once_a_day"
            )
        ]

    def __str__(self) -> str:
        return self.text
