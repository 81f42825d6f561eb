"""The project's URLs plus one page nobody has decided on (for the permission matrix's own test)."""

from django.http import HttpResponse
from django.urls import path

from perwali_cctv.urls import urlpatterns as project_urlpatterns

urlpatterns = [*project_urlpatterns, path("a-new-page/", lambda request: HttpResponse("hi"), name="a-new-page")]
