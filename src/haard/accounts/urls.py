from django.urls import path

from haard.accounts import oidc, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("verify/", views.verify_view, name="verify"),
    path("enrol/", views.enrol_view, name="enrol"),
    path("backup-codes/", views.backup_codes_view, name="backup_codes"),
    path("security/", views.security_view, name="security"),
    path("logout/", views.logout_view, name="logout"),
    path("logout-everywhere/", views.logout_everywhere_view, name="logout_everywhere"),
    path("switch/", views.switch_membership_view, name="switch_membership"),
    # Single sign-on (OpenID Connect); both answer 404 unless it is configured.
    path("sso/start/", oidc.sso_login_view, name="sso_login"),
    path("sso/callback/", oidc.sso_callback_view, name="sso_callback"),
]
