from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HuisverbodConfig(AppConfig):
    name = "haard.huisverbod"
    label = "huisverbod"
    verbose_name = _("Restraining orders")
    # Menu items: (capabilities, url name, label), see haard.web.context_processors.
    menu: list[tuple[tuple[str, ...], str, Any]] = [
        (("manage_restraining_orders",), "huisverbod:board", _("Deadline board")),
        (("manage_restraining_orders", "view_cases"), "huisverbod:order_list", _("Restraining orders")),
        (
            ("manage_restraining_orders", "view_cases", "file_meldcode"),
            "huisverbod:help_task_list",
            _("Help after an order"),
        ),
    ]

    def ready(self) -> None:
        from haard.core.worklist import register_work
        from haard.huisverbod import relations, rules, work  # noqa: F401

        register_work("huisverbod.deadlines", work.deadline_work)
        register_work("huisverbod.help", work.help_work)
