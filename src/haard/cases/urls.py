from django.urls import path

from haard.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("<int:pk>/", views.case_detail, name="case_detail"),
    path("emergency-access/", views.emergency_access, name="emergency_access"),
]
