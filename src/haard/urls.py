from typing import Any

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def _admin_login(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    # Administrators sign in like everyone else: password and second factor.
    return redirect_to_login(request.get_full_path())


admin.site.site_header = "haard"
admin.site.site_title = "haard"
admin.site.login = _admin_login  # type: ignore[method-assign]

urlpatterns = [
    path("", include("haard.web.urls")),
    path("accounts/", include("haard.accounts.urls")),
    path("people/", include("haard.registry.urls")),
    path("reports/imports/", include("haard.intake.imports.urls")),
    path("reports/", include("haard.intake.urls")),
    path("cases/", include("haard.cases.urls")),
    path("assessments/", include("haard.triage.urls")),
    path("restraining-orders/", include("haard.huisverbod.urls")),
    path("meldcode/", include("haard.meldcode.urls")),
    path("shelter/", include("haard.shelter.urls")),
    path("conferences/", include("haard.conferences.urls")),
    path("my-work/", include("haard.work.urls")),
    path("retention/", include("haard.retention.urls")),
    path("insight/", include("haard.insight.urls")),
    path("access-log/", include("haard.audit.urls")),
    path("api/", include("haard.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler400 = "haard.web.views.error_400"
handler403 = "haard.web.views.error_403"
handler404 = "haard.web.views.error_404"
handler500 = "haard.web.views.error_500"
