from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShelterConfig(AppConfig):
    name = "haard.shelter"
    label = "shelter"
    verbose_name = _("Shelter")
    # Menu items: (capabilities, url name, label), see haard.web.context_processors.
    menu: list[tuple[tuple[str, ...], str, Any]] = [
        (("manage_shelter",), "shelter:home", _("Shelter")),
        (
            ("manage_shelter", "view_figures", "register_reports", "assess_safety"),
            "shelter:capacity",
            _("Shelter capacity"),
        ),
    ]

    def ready(self) -> None:
        from haard.core.worklist import register_work
        from haard.shelter import access  # noqa: F401 (registers the access relations)
        from haard.shelter.work import shelter_work

        register_work("shelter", shelter_work)
