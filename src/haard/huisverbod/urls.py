from django.urls import path

from haard.huisverbod import views

app_name = "huisverbod"

urlpatterns = [
    path("", views.order_list, name="order_list"),
    path("new/", views.order_new, name="order_new"),
    path("board/", views.board, name="board"),
    path("help/", views.help_task_list, name="help_task_list"),
    path("help/<int:pk>/", views.help_task_detail, name="help_task_detail"),
    path("<int:pk>/", views.order_detail, name="order_detail"),
    path("<int:pk>/extend/", views.order_extend, name="order_extend"),
    path("<int:pk>/withdraw/", views.order_withdraw, name="order_withdraw"),
    path("<int:pk>/record/<slug:what>/", views.order_record, name="order_record"),
    path("<int:pk>/appeals/<int:appeal_pk>/", views.appeal_update, name="appeal_update"),
    path("<int:pk>/documents/<int:document_pk>/", views.document_download, name="document_download"),
    path("<int:pk>/documents/new/<slug:kind>/", views.document_new, name="document_new"),
]
