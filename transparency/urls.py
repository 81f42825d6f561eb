from django.urls import path

from . import views

app_name = "transparency"

urlpatterns = [
    path("transparency/", views.page, name="page"),
    path("transparency/data.json", views.data_json, name="data-json"),
    path("transparency/data.csv", views.data_csv, name="data-csv"),
]
