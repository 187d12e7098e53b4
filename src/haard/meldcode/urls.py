from django.urls import path

from haard.meldcode import views

app_name = "meldcode"

urlpatterns = [
    path("", views.record_list, name="record_list"),
    path("new/", views.record_new, name="record_new"),
    path("<int:pk>/", views.record_detail, name="record_detail"),
    path("<int:pk>/edit/", views.record_edit, name="record_edit"),
    path("<int:pk>/step/<int:step>/", views.record_step, name="record_step"),
    path("<int:pk>/decide/", views.record_decide, name="record_decide"),
    path("<int:pk>/feedback/", views.feedback_give, name="feedback_give"),
    path("feedback/", views.feedback_list, name="feedback_list"),
    path("network/", views.network, name="network"),
    path("network/coverage/", views.coverage, name="coverage"),
    path("network/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("network/<int:pk>/profile/", views.profile_edit, name="profile_edit"),
    path("network/<int:pk>/activities/new/", views.activity_new, name="activity_new"),
    path("figures/", views.figures, name="figures"),
]
