from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightConfig(AppConfig):
    name = "haard.insight"
    label = "insight"
    verbose_name = _("Insight: address view and reconciliation")

    def ready(self) -> None:
        # The region settings this app reads are declared when their modules load; load them
        # now so that the admin knows them before any page has been opened.
        from haard.insight import colour, reconciliation, repeats  # noqa: F401
