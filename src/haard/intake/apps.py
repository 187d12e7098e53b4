from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "haard.intake"
    label = "intake"
    verbose_name = _("Reports and advice requests")

    def ready(self) -> None:
        from haard.intake import relations  # noqa: F401
