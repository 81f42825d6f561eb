"""The outbox: every message to an owner, once, with each attempt to deliver it.

A message is written in the same transaction as what caused it (a verification, a warning
letter…), under a key that names that cause, so that it exists exactly once however often the
cause is replayed. Delivery (outbox/delivery.py) runs later through the sender of its channel.
The recipient is personal data (registry/personal_data.py masks it in the admin).
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    WHATSAPP = "whatsapp", _("WhatsApp")
    SMS = "sms", _("SMS")


class Status(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Gave up after every attempt")


class Message(models.Model):
    key = models.CharField(
        _("key"), max_length=200, unique=True, help_text=_("What caused it; one message per key (sent once).")
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    recipient = models.CharField(_("recipient"), max_length=254)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("text"))
    # A secret (a new status link) sent with the text: filled in at sending, then erased.
    secret = models.CharField(max_length=300, blank=True, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), db_index=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("message to an owner")
        verbose_name_plural = _("messages to owners")
        indexes = [
            # deliver_due(): the pending messages whose time has come, oldest first
            models.Index(fields=["next_attempt_at"], condition=Q(status="pending"), name="outbox_due_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(channel__in=Channel.values), name="outbox_channel_valid"),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="outbox_status_valid"),
            models.CheckConstraint(condition=~Q(status="sent") | Q(secret=""), name="outbox_sent_keeps_no_secret"),
        ]

    def __str__(self):
        return self.key

    def text(self):
        """The text as sent: the secret in place of its mark."""
        return self.body.replace(SECRET_MARK, self.secret)


SECRET_MARK = "{secret}"


class DeliveryAttempt(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="deliveries")
    at = models.DateTimeField(_("at"))
    ok = models.BooleanField(_("delivered"))
    error = models.CharField(_("error"), max_length=500, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")

    def __str__(self):
        return f"{self.message_id} · {self.at:%Y-%m-%d %H:%M} · {'ok' if self.ok else self.error}"
