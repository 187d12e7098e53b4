from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConferencesConfig(AppConfig):
    name = "haard.conferences"
    label = "conferences"
    verbose_name = _("Case conferences")
    # Menu items: (capabilities, url name, label), see haard.web.context_processors.
    # Everyone who may take part in a conference (view_personal_data) sees their own.
    menu: list[tuple[tuple[str, ...], str, Any]] = [
        (("chair_conferences", "view_personal_data"), "conferences:conference_list", _("Conferences")),
        (("chair_conferences", "view_personal_data"), "conferences:action_list", _("Conference actions")),
    ]

    def ready(self) -> None:
        from haard.conferences import relations  # noqa: F401
        from haard.conferences.selectors import work_items
        from haard.core.worklist import register_work

        register_work("conferences.actions", work_items)
