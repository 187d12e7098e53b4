from django.urls import path

from haard.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.log_search, name="log_search"),
    path("emergency-access/", views.emergency_review, name="emergency_review"),
    path("emergency-access/<int:pk>/", views.emergency_review_decide, name="emergency_review_decide"),
]
