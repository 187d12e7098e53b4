from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeldcodeConfig(AppConfig):
    name = "haard.meldcode"
    label = "meldcode"
    verbose_name = _("Meldcode and partner network")
    # Menu items: (capabilities, url name, label), see haard.web.context_processors.
    menu: list[tuple[tuple[str, ...], str, Any]] = [
        (("file_meldcode",), "meldcode:record_list", _("Meldcode")),
        (("register_reports", "assess_safety"), "meldcode:feedback_list", _("Meldcode feedback")),
        (
            ("administer", "view_figures", "register_reports", "assess_safety", "file_meldcode"),
            "meldcode:network",
            _("Partner network"),
        ),
        (
            ("view_figures", "administer", "register_reports", "assess_safety"),
            "meldcode:figures",
            _("Meldcode figures"),
        ),
    ]

    def ready(self) -> None:
        from haard.core.worklist import register_work
        from haard.meldcode import relations, work  # noqa: F401

        register_work("meldcode.records", work.open_records)
        register_work("meldcode.feedback", work.feedback_to_give)
