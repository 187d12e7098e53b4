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
urlpatterns += [
    path("suggest/", views.person_suggest, name="person_suggest"),
    path("suggest/address/", views.address_suggest, name="address_suggest"),
    path("possible-matches/", views.match_queue, name="match_queue"),
    path("possible-matches/<int:pk>/", views.match_review, name="match_review"),
    path("merges/<int:pk>/", views.merge_detail, name="merge_detail"),
]
