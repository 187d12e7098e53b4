from django.urls import path

from haard.conferences import views

app_name = "conferences"

urlpatterns = [
    path("", views.conference_list, name="conference_list"),
    path("new/", views.conference_create, name="conference_create"),
    path("<int:pk>/", views.conference_detail, name="conference_detail"),
    path("<int:pk>/edit/", views.conference_edit, name="conference_edit"),
    path("<int:pk>/participants/", views.participants, name="participants"),
    path(
        "<int:pk>/participants/<int:participant_pk>/remove/",
        views.participant_remove,
        name="participant_remove",
    ),
    path("<int:pk>/agenda/", views.agenda, name="agenda"),
    path("agenda-items/<int:pk>/", views.agenda_item, name="agenda_item"),
    path("actions/", views.action_list, name="action_list"),
    path("actions/<int:pk>/", views.action_detail, name="action_detail"),
]
