from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TriageConfig(AppConfig):
    name = "haard.triage"
    label = "triage"
    verbose_name = _("Safety assessment")
    # Menu items: (capabilities, url name, label), see haard.web.context_processors.
    menu: list[tuple[tuple[str, ...], str, Any]] = [
        (("assess_safety",), "triage:assessment_list", _("Assessments")),
        (("manage_cases",), "triage:handover_inbox", _("Hand-overs")),
    ]

    def ready(self) -> None:
        from haard.core.worklist import register_work
        from haard.triage import relations, signals  # noqa: F401
        from haard.triage.worklist import triage_work

        register_work("triage", triage_work)
