"""Whom owners call: Diskominfo's contact for the CCTV registry, set by officers in the admin.

One row (the latest saved is the one shown). The status page, the messages to owners and the
confirmation show it, with how long a verification usually takes.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .validators import normalise_phone


class ServiceContact(models.Model):
    unit = models.CharField(
        _("unit"), max_length=150, default="Diskominfo Kota Bontang, Bidang Persandian dan Statistik"
    )
    phone = models.CharField(_("phone"), max_length=20, help_text=_("The office's number, for example (0548) 21234."))
    whatsapp = models.CharField(_("WhatsApp"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=200, default="Jl. Moch. Roem, Bontang Lestari")
    hours = models.CharField(_("office hours"), max_length=100, default="Senin–Jumat 08.00–16.00 WITA")
    verification_days = models.PositiveSmallIntegerField(
        _("working days to verify a registration"),
        default=5,
        help_text=_("Shown to owners as the usual time until an officer has checked their registration."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("contact for owners")
        verbose_name_plural = _("contact for owners")

    def __str__(self):
        return f"{self.unit} · {self.phone}"

    def clean(self):
        for field in ("phone", "whatsapp"):
            if getattr(self, field):
                setattr(self, field, normalise_phone(getattr(self, field)))

    @classmethod
    def current(cls):
        """The contact to show, or None before an officer has set one."""
        return cls.objects.order_by("-updated_at", "-pk").first()
