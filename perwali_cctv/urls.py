from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from inspections.views import owner_status

from .views import favicon, healthz

handler400 = "perwali_cctv.views.bad_request"

admin.site.site_header = admin.site.site_title = _("Perwali CCTV Registry")
admin.site.site_url = "/dashboard/"  # the admin's "view site" goes back to the officers' pages

urlpatterns = [
    path("", TemplateView.as_view(template_name="home.html"), name="home"),
    path("healthz", healthz, name="healthz"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("favicon.ico", favicon, name="favicon"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("api.urls")),
    path("", include("registry.urls")),
    path("", include("inspections.urls")),
    path("", include("dashboard.urls")),
    path("", include("exports.urls")),
    path("", include("notifications.urls")),
    path("", include("documents.urls")),
    path("", include("transparency.urls")),
    path("", include("imports.urls")),
    path("status/<str:secret>/", owner_status, name="owner-status"),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
