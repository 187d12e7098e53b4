from django.urls import path

from haard.work import views

app_name = "work"

urlpatterns = [
    path("", views.my_work, name="my_work"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notification_read, name="notification_read"),
]
