from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("imports/", views.index, name="index"),
    path("imports/<int:pk>/", views.batch, name="batch"),
    path("imports/<int:pk>/decide/", views.decide, name="decide"),
]
