from django.urls import path

from . import measure_views, views

app_name = "inspections"

urlpatterns = [
    path("warnings/<int:pk>/letter/", views.warning_letter, name="warning-letter"),
    path("warnings/<int:pk>/approve/", views.approve_freeze, name="approve-freeze"),
    path("inspections/plan/", views.planning, name="planning"),
    path("inspections/mine/", views.my_inspections, name="my-inspections"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection"),
    path("inspections/<int:pk>/correct/", views.correct_inspection, name="correct"),
    path("premises/<int:premises_pk>/inspect/", views.record_inspection, name="record"),
    path("premises/<int:premises_pk>/inspection-sheet/", views.inspection_sheet, name="sheet"),
    path("measure/test-card.pdf", measure_views.test_card, name="test-card"),
    path("cameras/<int:camera_pk>/measure/", measure_views.measure_camera, name="measure"),
    path("measurements/<int:pk>/<str:which>.jpg", measure_views.measurement_picture, name="measurement-picture"),
]
