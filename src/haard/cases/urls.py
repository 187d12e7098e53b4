from django.urls import path

from haard.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("<int:pk>/", views.case_detail, name="case_detail"),
    path("<int:pk>/status/", views.case_status, name="case_status"),
    path("<int:pk>/lead/", views.case_lead, name="case_lead"),
    path("<int:pk>/participants/add/", views.participant_add, name="participant_add"),
    path(
        "<int:pk>/participants/<int:participant_pk>/leave/", views.participant_leave, name="participant_leave"
    ),
    path("<int:pk>/goals/add/", views.goal_add, name="goal_add"),
    path("<int:pk>/goals/<int:goal_pk>/", views.goal_update, name="goal_update"),
    path("<int:pk>/notes/add/", views.note_add, name="note_add"),
    path("<int:pk>/plan/", views.plan_edit, name="plan_edit"),
    path("<int:pk>/plan/versions/", views.plan_versions, name="plan_versions"),
    path("<int:pk>/plan/versions/<int:number>/", views.plan_version, name="plan_version"),
    path("<int:pk>/plan/print/", views.plan_pdf, name="plan_pdf"),
    path("<int:pk>/plan/agreements/add/", views.agreement_add, name="agreement_add"),
    path("<int:pk>/follow-ups/<int:check_pk>/", views.follow_up_record, name="follow_up_record"),
    path("emergency-access/", views.emergency_access, name="emergency_access"),
]
