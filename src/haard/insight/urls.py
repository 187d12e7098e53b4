from django.urls import path

from haard.insight import figure_views, views

app_name = "insight"

urlpatterns = [
    path("addresses/", views.address_list, name="address_list"),
    path("addresses/figures/", views.address_figures, name="address_figures"),
    path("addresses/<int:pk>/", views.address_timeline, name="address_timeline"),
    path("reconciliation/", views.reconciliation, name="reconciliation"),
    path("reconciliation/export/", views.reconciliation_export, name="reconciliation_export"),
    path("reconciliation/figures/", views.reconciliation_figures, name="reconciliation_figures"),
    path("indicators/", figure_views.indicator_list, name="indicator_list"),
    path("indicators/<slug:key>/", figure_views.indicator_detail, name="indicator_detail"),
    path("indicators/<slug:key>/export/", figure_views.indicator_export, name="indicator_export"),
    path("area-scan/", figure_views.area_scan_page, name="area_scan"),
    path("area-scan/export/", figure_views.area_scan_export, name="area_scan_export"),
    path("area-scan/report/", figure_views.area_scan_report, name="area_scan_report"),
    path("statistics/", figure_views.statistics_page, name="statistics"),
    path("statistics/export/", figure_views.statistics_download, name="statistics_export"),
]
