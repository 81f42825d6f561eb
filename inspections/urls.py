from django.urls import path

from . import dashboard, exports, views

app_name = "inspections"

urlpatterns = [
    path("notifications/", views.notification_list, name="notifications"),
    path("warnings/<int:pk>/letter/", views.warning_letter, name="warning-letter"),
    path("warnings/<int:pk>/approve/", views.approve_freeze, name="approve-freeze"),
    path("inspections/plan/", views.planning, name="planning"),
    path("inspections/mine/", views.my_inspections, name="my-inspections"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection"),
    path("inspections/<int:pk>/correct/", views.correct_inspection, name="correct"),
    path("premises/<int:premises_pk>/inspect/", views.record_inspection, name="record"),
    path("premises/<int:premises_pk>/inspection-sheet/", views.inspection_sheet, name="sheet"),
]

dashboard_urls = [
    path("dashboard/", dashboard.overview, name="dashboard"),
    path("dashboard/map/", dashboard.map_page, name="dashboard-map"),
    path("dashboard/map.json", dashboard.map_data, name="dashboard-map-data"),
    path("dashboard/premises/", dashboard.premises_list, name="dashboard-premises-list"),
    path("dashboard/premises/<int:pk>/", dashboard.premises_detail, name="dashboard-premises"),
    path("dashboard/flags/", dashboard.flag_queue, name="dashboard-flags"),
    path("dashboard/flags/<int:pk>/", dashboard.flag_action, name="dashboard-flag-action"),
    path("dashboard/standard/", dashboard.standard_page, name="dashboard-standard"),
    path("dashboard/sweep/", dashboard.sweep_page, name="dashboard-sweep"),
    path("dashboard/sweep/<int:pk>.json", dashboard.sweep_progress, name="dashboard-sweep-progress"),
]
urlpatterns += dashboard_urls

urlpatterns += [
    path("exports/", exports.index, name="exports"),
    path("exports/columns/", exports.columns, name="export-columns"),
    path("exports/all.zip", exports.download_zip, name="export-zip"),
    path("exports/<slug:name>.csv", exports.download, name="export-file"),
]
