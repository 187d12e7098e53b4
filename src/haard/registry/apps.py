from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "haard.registry"
    label = "registry"
    verbose_name = _("People and addresses")

    def ready(self) -> None:
        from haard.registry import relations  # noqa: F401
