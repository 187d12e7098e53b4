from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightConfig(AppConfig):
    name = "haard.insight"
    label = "insight"
    verbose_name = _("Insight: figures, area scan, address view and reconciliation")

    menu = [
        (("view_figures",), "insight:area_scan", _("Area scan")),
        (("view_figures",), "insight:indicator_list", _("Indicators")),
        (("view_figures",), "insight:statistics", _("Statistics export")),
    ]

    def ready(self) -> None:
        # The region settings this app reads are declared when their modules load; load them
        # now so that the admin knows them before any page has been opened.
        from haard.insight import colour, disclosure, reconciliation, repeats  # noqa: F401
