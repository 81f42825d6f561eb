"""The API's addresses: /api/v1/… (router and the public spec check), /api/schema/, /api/docs/."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from . import views
from .pixel_density import PixelDensityView
from .spec_check import SpecCheckView

router = DefaultRouter()
router.register("roads", views.ProtocolRoadViewSet, basename="road")
router.register("premises", views.PremisesViewSet, basename="premises")
router.register("cameras", views.CameraViewSet, basename="camera")
router.register("inspections", views.InspectionViewSet, basename="inspection")
router.register("flags", views.FlagViewSet, basename="flag")
router.register("warnings", views.WarningViewSet, basename="warning")
router.register("standards", views.StandardViewSet, basename="standard")
router.register("sweep-runs", views.SweepRunViewSet, basename="sweep-run")

urlpatterns = [
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/spec-check/", SpecCheckView.as_view(), name="api-spec-check"),
    path("api/v1/pixel-density/", PixelDensityView.as_view(), name="api-pixel-density"),
    path("api/v1/", include(router.urls)),
]
