from django.contrib.auth.views import LoginView
from django.urls import include, path
from oauth2_provider.urls import base_urlpatterns, oidc_urlpatterns

urlpatterns = [
    path("o/", include((base_urlpatterns + oidc_urlpatterns, "oauth2_provider"))),
    path("login/", LoginView.as_view(), name="login"),
]
