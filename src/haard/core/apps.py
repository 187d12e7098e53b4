from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "haard.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.core.signals import request_finished, request_started
        from django.db.models.signals import post_delete, post_save

        from haard.core import region_settings
        from haard.core.models import RegionSetting

        request_started.connect(region_settings.start_request, dispatch_uid="haard-region-settings-start")
        request_finished.connect(region_settings.end_request, dispatch_uid="haard-region-settings-end")
        post_save.connect(
            region_settings.forget_overrides, sender=RegionSetting, dispatch_uid="haard-rs-save"
        )
        post_delete.connect(
            region_settings.forget_overrides, sender=RegionSetting, dispatch_uid="haard-rs-delete"
        )
