from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliceImportConfig(AppConfig):
    name = "haard.intake.imports"
    label = "police_import"
    verbose_name = _("Police feed import")

    def ready(self) -> None:
        from haard.intake.imports import selectors  # noqa: F401  (registers the access relation)
