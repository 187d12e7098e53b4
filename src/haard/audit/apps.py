from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "haard.audit"
    label = "audit"
    verbose_name = _("Access log")

    def ready(self) -> None:
        from haard.audit import purge  # noqa: F401 (declares the log's retention setting)
