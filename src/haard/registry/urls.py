from django.urls import path

from haard.registry import views

app_name = "registry"

urlpatterns = [
    path("", views.person_search, name="person_search"),
    path("<int:pk>/", views.person_detail, name="person_detail"),
]
urlpatterns += [
    path("<int:person_id>/access-report/", views.person_report, name="person_access_report"),
]
