"""An import of the licensing office's list of premises (or of the protocol roads): uploaded by an
officer, previewed, confirmed by a supervisor or cancelled; and the column mapping kept for next
time, since the OSS export's layout is not fixed."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.uploads import private_storage


class ImportMapping(models.Model):
    """Which column of the file holds which field: {field: header as in the file}. One per kind."""

    kind = models.CharField(_("kind"), max_length=10, unique=True)
    columns = models.JSONField(_("columns"), default=dict)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("updated by")
    )

    class Meta:
        verbose_name = _("import column mapping")
        verbose_name_plural = _("import column mappings")

    def __str__(self):
        return self.kind


class ImportBatch(models.Model):
    class Kind(models.TextChoices):
        PREMISES = "premises", _("premises (licensing office)")
        ROADS = "roads", _("protocol roads")

    class Status(models.TextChoices):
        READING = "reading", _("reading the file")
        PREVIEW = "preview", _("waiting for a supervisor")
        REFUSED = "refused", _("file refused")
        WRITING = "writing", _("writing")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PREMISES)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.READING)
    filename = models.CharField(_("file name"), max_length=200)
    file = models.FileField(_("file"), storage=private_storage, upload_to="imports/%Y/%m/")
    mapping = models.JSONField(_("column mapping used"), default=dict)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    done_rows = models.PositiveIntegerField(_("rows written so far"), default=0)
    summary = models.JSONField(_("what it does"), default=dict, help_text=_("Counts, refusal and row errors."))

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        permissions = [("confirm_importbatch", _("Can confirm an import"))]

    def __str__(self):
        return f"{self.pk} · {self.filename}"

    @property
    def progress_percent(self):
        return round(100 * self.done_rows / self.rows) if self.rows else 0
