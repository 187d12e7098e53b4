from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RetentionConfig(AppConfig):
    name = "haard.retention"
    label = "retention"
    verbose_name = _("Retention and destruction")
    # Menu items: (capabilities, url name, label), see haard.web.context_processors.
    menu: list[tuple[tuple[str, ...], str, Any]] = [
        (("manage_retention",), "retention:overview", _("Retention")),
        (("manage_retention",), "retention:person_find", _("Requests of data subjects")),
    ]

    def ready(self) -> None:
        from haard.core.worklist import register_work
        from haard.retention import relations, rules  # noqa: F401
        from haard.retention.selectors import log_purge_work, work_items

        register_work("retention.decisions", work_items)
        register_work("retention.access_log_purges", log_purge_work)
