from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [
    path("dashboard/", views.overview, name="overview"),
    path("dashboard/map/", views.map_page, name="map"),
    path("dashboard/map.json", views.map_data, name="map-data"),
    path("dashboard/premises/", views.premises_list, name="premises-list"),
    path("dashboard/premises/<int:pk>/", views.premises_detail, name="premises"),
    path("dashboard/flags/", views.flag_queue, name="flags"),
    path("dashboard/flags/<int:pk>/", views.flag_action, name="flag-action"),
    path("dashboard/standard/", views.standard_page, name="standard"),
    path("dashboard/sweep/", views.sweep_page, name="sweep"),
    path("dashboard/sweep/<int:pk>.json", views.sweep_progress, name="sweep-progress"),
]
