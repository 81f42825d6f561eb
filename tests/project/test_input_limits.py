"""Every text field has a length limit, and over-long text or a bad upload gets a clear error."""

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models

from registry.models import Premises, ResponsiblePerson
from tests.factories import ProtocolRoadFactory
from tests.registry.test_registration import form_data

pytestmark = pytest.mark.django_db


def test_every_editable_text_field_of_our_models_has_a_maximum_length():
    unlimited = [
        f"{model.__name__}.{field.name}"
        for app in ("registry", "inspections")
        for model in apps.get_app_config(app).get_models()
        for field in model._meta.get_fields()
        if isinstance(field, (models.CharField, models.TextField)) and field.editable and not field.max_length
    ]
    assert not unlimited


def test_an_over_long_name_on_the_public_form_is_refused_in_indonesian_and_nothing_is_saved(client):
    road = ProtocolRoadFactory(name="Jl. MH Thamrin")
    data = form_data(road, cameras=1, **{"premises-name": "A" * 10_000, "person-role": "B" * 5_000})
    response = client.post("/register/", data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "paling banyak 150 karakter" in body and "paling banyak 80 karakter" in body
    assert not Premises.objects.exists() and not ResponsiblePerson.objects.exists()


def test_a_body_larger_than_the_limit_is_refused_without_a_server_error(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = client.post("/register/", {"premises-name": "x" * 5000})
    assert response.status_code == 400


def test_every_upload_field_in_the_admin_checks_photos_like_the_public_form(rf, django_user_model):
    """Admin pages and their inlines: any file field is the checked photo field (size, content, EXIF)."""
    from django import forms
    from django.contrib import admin

    from registry.uploads import PhotoFormField

    request = rf.get("/admin/")
    request.user = django_user_model.objects.create_superuser("root", password="x-not-used-9")
    upload_fields = []
    for model, model_admin in admin.site._registry.items():
        form_classes = [model_admin.get_form(request)]
        form_classes += [inline.get_formset(request).form for inline in model_admin.get_inline_instances(request)]
        for form_class in form_classes:
            for name, field in form_class.base_fields.items():
                if isinstance(field, forms.FileField):
                    upload_fields.append((model.__name__, name, type(field)))
    assert upload_fields  # the camera photo, in the premises page's camera rows
    assert all(kind is PhotoFormField for _, _, kind in upload_fields), upload_fields


def test_the_checked_photo_field_refuses_a_disguised_file_in_the_users_language():
    from django.core.exceptions import ValidationError
    from django.utils import translation

    from registry.uploads import PhotoFormField

    fake = SimpleUploadedFile("cctv.jpg", b"<?php echo 'not a photo'; ?>", content_type="image/jpeg")
    with translation.override("id"), pytest.raises(ValidationError) as error:
        PhotoFormField(required=False).clean(fake)
    assert "bukan foto JPEG, PNG, atau WebP" in error.value.messages[0]
