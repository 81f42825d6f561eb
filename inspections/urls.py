from django.urls import path

from . import views

app_name = "inspections"

urlpatterns = [
    path("notifications/", views.notification_list, name="notifications"),
    path("warnings/<int:pk>/letter/", views.warning_letter, name="warning-letter"),
    path("warnings/<int:pk>/approve/", views.approve_freeze, name="approve-freeze"),
]
