"""The codes printed in QR codes: a letter's and a plaque's link to its public page.

A code is a keyed hash (HMAC-SHA256 with settings.DOCUMENT_CODE_KEY) of what it stands for,
not a sequence number: it cannot be guessed from another, and a changed character finds nothing
(404). It is stored the first time a document is printed, so the public page can find it again
even after the key is changed.
"""

import base64
import hashlib
import hmac

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PublicCode(models.Model):
    class Kind(models.TextChoices):
        LETTER = "letter", _("warning letter")
        PLAQUE = "plaque", _("building plaque")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField(_("object"))
    code = models.CharField(_("code"), max_length=32, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("public code")
        verbose_name_plural = _("public codes")
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="one_code_per_document")]

    def __str__(self):
        return f"{self.kind} {self.object_id}"


def _hmac_code(kind, object_id):
    digest = hmac.new(settings.DOCUMENT_CODE_KEY.encode(), f"{kind}:{object_id}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode().lower()[:20]


def code_for(kind, object_id):
    """The code of a document, stored on first use (the same code however often it is printed)."""
    row, _created = PublicCode.objects.get_or_create(
        kind=kind, object_id=object_id, defaults={"code": _hmac_code(kind, object_id)}
    )
    return row.code


def find(kind, code):
    """The id a code stands for, or None."""
    return PublicCode.objects.filter(kind=kind, code=str(code).lower()).values_list("object_id", flat=True).first()
