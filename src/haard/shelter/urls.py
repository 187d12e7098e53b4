from django.urls import path

from haard.shelter import views

app_name = "shelter"

urlpatterns = [
    path("", views.home, name="home"),
    path("capacity/", views.capacity, name="capacity"),
    path("facilities/<int:pk>/", views.facility_detail, name="facility_detail"),
    path("facilities/<int:pk>/place/", views.place, name="place"),
    path("facilities/<int:pk>/waiting-list/new/", views.waiting_add, name="waiting_add"),
    path("placements/<int:pk>/", views.placement_detail, name="placement_detail"),
    path("placements/<int:pk>/departure/", views.depart, name="depart"),
    path("placements/<int:pk>/move/", views.move, name="move"),
    path("waiting-list/<int:pk>/refer/", views.refer, name="refer"),
]
