"""Uploaded photos: only real JPEG, PNG or WebP images, at most 5 MB, re-encoded without metadata.
And the private storage: files never served as media (measurement pictures, imported files)."""

import io
import os
import uuid

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import models
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # 40 MP: larger is a decompression bomb, not a phone photo
FORMATS = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"), "WEBP": ("webp", "image/webp")}


def clean_photo(upload):
    """Check the content (not the name) and return a re-encoded copy without EXIF/GPS."""
    if upload.size > MAX_BYTES:
        raise ValidationError(_("The photo is larger than 5 MB. Send a smaller photo."), code="photo_too_large")
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            kind = probe.format
            width, height = probe.size
            probe.verify()
        if kind not in FORMATS:
            raise UnidentifiedImageError(kind)
        if width * height > MAX_PIXELS:
            raise ValidationError(_("The photo has too many pixels. Send a smaller photo."), code="photo_too_large")
        upload.seek(0)
        with Image.open(upload) as image:
            image = ImageOps.exif_transpose(image)  # keep the orientation the phone meant
            if kind == "JPEG" and image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            # Only the pixels travel on: Pillow would write back comments, ICC profiles, XMP and
            # PNG text chunks that it keeps in `info`, and any of them can carry personal data.
            image.info = {key: value for key, value in image.info.items() if key == "transparency"}
            out = io.BytesIO()
            options = {"JPEG": {"quality": 85, "optimize": True}, "PNG": {"optimize": True}, "WEBP": {"quality": 85}}
            image.save(out, format=kind, **options[kind])  # no exif= either: nothing but pixels is written
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(_("This file is not a JPEG, PNG or WebP photo."), code="photo_invalid") from None
    extension, content_type = FORMATS[kind]
    return SimpleUploadedFile(f"{uuid.uuid4().hex}.{extension}", out.getvalue(), content_type=content_type)


class PhotoFormField(forms.FileField):
    """A form field for photos: every new upload goes through clean_photo (size, content, no EXIF).

    A plain file field underneath, so that the messages are ours and the size is checked first.
    """

    widget = forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})

    def clean(self, data, initial=None):
        value = super().clean(data, initial)
        if isinstance(value, UploadedFile):  # a new upload, not the stored file
            return clean_photo(value)
        return value


class PhotoField(models.ImageField):
    """A model photo: any form made from the model (registration, owner edit, admin) checks uploads."""

    def formfield(self, **kwargs):
        return super().formfield(**{**kwargs, "form_class": PhotoFormField})


class PrivateStorage(FileSystemStorage):
    """Files outside MEDIA_ROOT, with no URL: read only through a view that checks and logs."""

    def __init__(self):
        super().__init__(base_url=None)

    base_location = property(lambda self: settings.PRIVATE_MEDIA_ROOT)
    location = property(lambda self: os.path.abspath(self.base_location))

    def url(self, name):
        raise ValueError("private files have no URL")


private_storage = PrivateStorage()
