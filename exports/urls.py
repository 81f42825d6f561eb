from django.urls import path

from . import views

app_name = "exports"

urlpatterns = [
    path("exports/", views.index, name="index"),
    path("exports/columns/", views.columns, name="columns"),
    path("exports/all.zip", views.download_zip, name="zip"),
    path("exports/<slug:name>.csv", views.download, name="file"),
]
