from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "haard.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from haard.cases import relations, signals  # noqa: F401
        from haard.cases.worklist import follow_up_work, plan_work
        from haard.core.worklist import register_work

        register_work("cases.plan", plan_work)
        register_work("cases.follow_up", follow_up_work)
