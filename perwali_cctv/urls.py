from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from inspections import api as inspections_api
from inspections.views import owner_status
from registry.api import SpecCheckView

from .views import healthz

handler400 = "perwali_cctv.views.bad_request"

admin.site.site_header = admin.site.site_title = _("Perwali CCTV Registry")

router = DefaultRouter()
router.register("roads", inspections_api.ProtocolRoadViewSet, basename="road")
router.register("premises", inspections_api.PremisesViewSet, basename="premises")
router.register("cameras", inspections_api.CameraViewSet, basename="camera")
router.register("inspections", inspections_api.InspectionViewSet, basename="inspection")
router.register("flags", inspections_api.FlagViewSet, basename="flag")
router.register("warnings", inspections_api.WarningViewSet, basename="warning")
router.register("standards", inspections_api.StandardViewSet, basename="standard")
router.register("sweep-runs", inspections_api.SweepRunViewSet, basename="sweep-run")

urlpatterns = [
    path("", TemplateView.as_view(template_name="home.html"), name="home"),
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/spec-check/", SpecCheckView.as_view(), name="api-spec-check"),
    path("api/v1/", include(router.urls)),
    path("", include("registry.urls")),
    path("", include("inspections.urls")),
    path("status/<str:secret>/", owner_status, name="owner-status"),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
