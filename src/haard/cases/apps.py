from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "haard.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from haard.cases import relations  # noqa: F401
