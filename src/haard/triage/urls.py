from django.urls import path

from haard.triage import views

app_name = "triage"

urlpatterns = [
    path("", views.assessment_list, name="assessment_list"),
    path("report/<int:report_id>/", views.report_clock, name="report_clock"),
    path("report/<int:report_id>/start/", views.assessment_start, name="assessment_start"),
    path("<int:pk>/", views.assessment_detail, name="assessment_detail"),
    path("<int:pk>/confirm/", views.assessment_confirm, name="assessment_confirm"),
    path("<int:pk>/route/", views.assessment_route, name="assessment_route"),
    path("handovers/", views.handover_inbox, name="handover_inbox"),
    path("handovers/<int:pk>/", views.handover_detail, name="handover_detail"),
]
