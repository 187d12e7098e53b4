from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _touch_session(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """A new session starts its idle clock at sign-in (see SessionIdleMiddleware)."""
    from django.utils import timezone

    from haard.accounts.middleware import SESSION_TOUCHED_KEY

    session = getattr(request, "session", None)
    if session is not None:
        session[SESSION_TOUCHED_KEY] = int(timezone.now().timestamp())


class AccountsConfig(AppConfig):
    name = "haard.accounts"
    label = "accounts"
    verbose_name = _("Accounts and organisations")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        user_logged_in.connect(_touch_session, dispatch_uid="haard-touch-session-at-sign-in")
