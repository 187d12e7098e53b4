from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkConfig(AppConfig):
    name = "haard.work"
    label = "work"
    verbose_name = _("My work")
    # Menu items: (capabilities, url name, label), see haard.web.context_processors.
    menu: list[tuple[tuple[str, ...], str, Any]] = [
        (("view_personal_data",), "work:my_work", _("My work")),
    ]
