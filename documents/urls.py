from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("warnings/<int:pk>/letter.pdf", views.letter_pdf, name="letter-pdf"),
    path("verify/<str:code>/", views.verify, name="verify"),
    path("premises/<int:premises_pk>/plaque.pdf", views.plaque, name="plaque"),
    path("status/<str:secret>/plaque.pdf", views.owner_plaque, name="owner-plaque"),
    path("p/<str:code>/", views.premises_public, name="premises-public"),
]
