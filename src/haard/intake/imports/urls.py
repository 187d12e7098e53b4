from django.urls import path

from haard.intake.imports import views

app_name = "police_import"

urlpatterns = [
    path("", views.batch_list, name="batch_list"),
    path("new/", views.upload, name="upload"),
    path("<int:pk>/", views.batch_detail, name="batch_detail"),
    path("<int:pk>/progress/", views.batch_progress, name="batch_progress"),
    path("<int:pk>/errors.csv", views.error_report, name="error_report"),
]
