from django.urls import path

from haard.retention import access_log_views, views

app_name = "retention"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("proposals/new/", views.proposal_start, name="proposal_start"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal_detail"),
    path("proposals/<int:pk>/dry-run/", views.proposal_dry_run, name="proposal_dry_run"),
    path("proposals/<int:pk>/items/<int:item_pk>/keep/", views.item_keep, name="item_keep"),
    path("proposals/<int:pk>/decide/", views.proposal_decide, name="proposal_decide"),
    path("destroyed/", views.tombstone_list, name="tombstone_list"),
    path("people/", views.person_find, name="person_find"),
    path("people/<int:person_id>/", views.person_overview, name="person_overview"),
    path("people/<int:person_id>/requests/", views.request_create, name="request_create"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/export.json", views.export_json, name="export_json"),
    path("requests/<int:pk>/export.pdf", views.export_pdf, name="export_pdf"),
    path("requests/<int:pk>/answered/", views.request_answered, name="request_answered"),
    path("access-log/", access_log_views.log_purge_list, name="log_purge_list"),
    path("access-log/new/", access_log_views.log_purge_start, name="log_purge_start"),
    path("access-log/<int:pk>/", access_log_views.log_purge_detail, name="log_purge_detail"),
    path("access-log/<int:pk>/dry-run/", access_log_views.log_purge_dry_run, name="log_purge_dry_run"),
    path("access-log/<int:pk>/decide/", access_log_views.log_purge_decide, name="log_purge_decide"),
]
