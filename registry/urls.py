from django.urls import path

from . import views

urlpatterns = [
    path("register/", views.register, name="register"),
    path("register/done/", views.register_done, name="register-done"),
    path("status/", views.find_status, name="find-status"),
    path("status/sent/", views.find_status_sent, name="find-status-sent"),
    path("status/<str:secret>/edit/", views.owner_edit, name="owner-edit"),
    path("registrations/", views.verification_queue, name="verification-queue"),
    path("registrations/<int:pk>/verify/", views.verify, name="verify-registration"),
    path("registrations/<int:pk>/reject/", views.reject, name="reject-registration"),
]
