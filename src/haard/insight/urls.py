from django.urls import path

from haard.insight import views

app_name = "insight"

urlpatterns = [
    path("addresses/", views.address_list, name="address_list"),
    path("addresses/figures/", views.address_figures, name="address_figures"),
    path("addresses/<int:pk>/", views.address_timeline, name="address_timeline"),
    path("reconciliation/", views.reconciliation, name="reconciliation"),
    path("reconciliation/export/", views.reconciliation_export, name="reconciliation_export"),
    path("reconciliation/figures/", views.reconciliation_figures, name="reconciliation_figures"),
]
