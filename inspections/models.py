"""What was checked and what follows: inspections, compliance flags, sweep runs and the
warning ladder of Perwali Bontang No. 25/2019 Pasal 15."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from registry.models import CameraStandard, Premises, in_choices

from .choices import (  # noqa: F401 (the choices are part of this module's names too)
    FlagStatus,
    InspectionCheck,
    InspectionResult,
    Outcome,
    Severity,
    WarningStatus,
    WarningStep,
)
from .rules import RULES_BY_KIND, FlagKind

# ---------------------------------------------------------------------------
# Inspections (Perwali: monitoring and evaluation every 6 months), their checklist and evidence


class InspectionKind(models.TextChoices):
    ROUTINE = "routine", _("Routine")
    FOLLOW_UP = "follow_up", _("Follow-up after a warning")
    VERIFICATION = "verification", _("Verification of a new registration")
    COMPLAINT = "complaint", _("Complaint")


class Inspection(models.Model):
    premises = models.ForeignKey(
        Premises, on_delete=models.PROTECT, related_name="inspections", verbose_name=_("premises")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=InspectionKind.choices, default=InspectionKind.ROUTINE)
    planned_on = models.DateField(_("planned on"), null=True, blank=True)
    performed_on = models.DateField(_("performed on"))
    result = models.CharField(
        _("result"),
        max_length=8,
        choices=InspectionResult.choices,
        help_text=_("Derived from the checklist (inspections.rules.inspection_result), never typed."),
    )
    summary = models.TextField(_("summary"), blank=True, max_length=4000)
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="inspections", blank=True, verbose_name=_("officers")
    )
    corrects = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="correction",
        verbose_name=_("corrects inspection"),
        help_text=_("A recorded inspection is never edited: a correction is a new record that points to it."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-performed_on", "-pk"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        indexes = [
            # The sweep's "latest inspection of this premises" subquery.
            models.Index(fields=["premises", "-performed_on", "-id"], name="inspection_latest_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=in_choices("kind", InspectionKind), name="inspection_kind_valid"),
            models.CheckConstraint(condition=in_choices("result", InspectionResult), name="inspection_result_valid"),
        ]

    def __str__(self):
        return f"{self.premises} · {self.performed_on} · {self.get_result_display()}"

    def clean(self):
        if self.performed_on and self.performed_on > timezone.localdate():
            raise ValidationError({"performed_on": _("An inspection cannot be performed in the future.")})


CAMERA_CHECKS = [c for c in InspectionCheck if c not in (InspectionCheck.SIGNAGE, InspectionCheck.NO_PRIVATE_AREAS)]
PREMISES_CHECKS = [InspectionCheck.SIGNAGE, InspectionCheck.NO_PRIVATE_AREAS]


class InspectionItem(models.Model):
    """One line of the checklist: a camera's check, or a premises-level check (camera empty)."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="items")
    camera = models.ForeignKey(
        "registry.Camera", on_delete=models.PROTECT, null=True, blank=True, related_name="inspection_items"
    )
    item = models.CharField(_("check"), max_length=20, choices=InspectionCheck.choices)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, default=Outcome.NOT_CHECKED)
    note = models.CharField(_("note"), max_length=500, blank=True)
    observed = models.CharField(
        _("observed value"),
        max_length=40,
        blank=True,
        help_text=_("Pan range seen (°) or the oldest recording date seen (YYYY-MM-DD)."),
    )

    class Meta:
        ordering = ["inspection", "camera", "pk"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        constraints = [
            models.UniqueConstraint(fields=["inspection", "camera", "item"], name="inspection_item_once"),
            models.CheckConstraint(condition=in_choices("item", InspectionCheck), name="inspection_item_check_valid"),
            models.CheckConstraint(condition=in_choices("outcome", Outcome), name="inspection_item_outcome_valid"),
        ]

    def __str__(self):
        return f"{self.get_item_display()}: {self.get_outcome_display()}"


class InspectionPhoto(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to="inspections/%Y/%m/")
    caption = models.CharField(_("caption"), max_length=200, blank=True)

    class Meta:
        ordering = ["inspection", "pk"]
        verbose_name = _("evidence photo")
        verbose_name_plural = _("evidence photos")

    def __str__(self):
        return self.caption or self.image.name


# A plan not yet carried out nor cancelled (a premises that no longer owes anything).
OPEN_PLAN = Q(inspection=None, cancelled_at=None)


class InspectionAssignment(models.Model):
    """A planned inspection: which premises, when, by whom. Recording it links the inspection."""

    premises = models.ForeignKey(Premises, on_delete=models.PROTECT, related_name="assignments")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("officer")
    )
    planned_on = models.DateField(_("planned on"))
    kind = models.CharField(_("kind"), max_length=12, choices=InspectionKind.choices, default=InspectionKind.ROUTINE)
    inspection = models.OneToOneField(
        Inspection, on_delete=models.PROTECT, null=True, blank=True, related_name="assignment"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("why it was cancelled"), max_length=300, blank=True)

    class Meta:
        ordering = ["planned_on", "pk"]
        verbose_name = _("planned inspection")
        verbose_name_plural = _("planned inspections")
        constraints = [
            # One open plan per premises: planning twice does not send two officers.
            models.UniqueConstraint(fields=["premises"], condition=OPEN_PLAN, name="one_open_plan_per_premises"),
        ]

    def __str__(self):
        return f"{self.premises} · {self.planned_on} · {self.officer}"


# ---------------------------------------------------------------------------
# Compliance flags: one premises breaks one rule


UNRESOLVED_STATUSES = (FlagStatus.OPEN, FlagStatus.ACKNOWLEDGED)
UNRESOLVED = Q(status__in=UNRESOLVED_STATUSES)


HISTORY_FIELDS = ("history_id", "history_date", "history_change_reason", "history_type", "history_user")


def record_history(model, pks, *, reason, user=None, created=False):
    """History rows for writes made with update() or bulk_create(), which skip the signals that
    django-simple-history listens to. Who did it is explicit: a user, or the reason names the system.

    One INSERT … SELECT per 500 rows, copying the rows as they are now into the history table (the
    same rows django-simple-history would write, without building a Python object for each: a
    city's first sweep records 200,000 of them)."""
    history = model.history.model
    columns = [f.column for f in history._meta.concrete_fields if f.name not in HISTORY_FIELDS]
    quote = connection.ops.quote_name
    copied = ", ".join(quote(c) for c in columns)
    pks = list(pks)
    for i in range(0, len(pks), 500):
        batch = pks[i : i + 500]
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {quote(history._meta.db_table)} ({copied}, history_date, history_change_reason, "
                f"history_type, history_user_id) SELECT {copied}, %s, %s, %s, %s FROM {quote(model._meta.db_table)} "
                f"WHERE {quote(model._meta.pk.column)} IN ({', '.join(['%s'] * len(batch))})",
                [timezone.now(), reason, "+" if created else "~", getattr(user, "pk", None), *batch],
            )


class StampedQuerySet(models.QuerySet):
    """Every bulk write stamps `updated_at` (and `save()` does too), so that API clients polling
    with `?updated_since=` learn of every change, whichever path made it."""

    def update(self, **kwargs):
        kwargs.setdefault("updated_at", timezone.now())
        return super().update(**kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        now = timezone.now()
        for obj in objs:
            obj.updated_at = now
        return super().bulk_update(objs, {*fields, "updated_at"}, *args, **kwargs)


class Stamped(models.Model):
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now, db_index=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.updated_at = timezone.now()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "updated_at"}
        super().save(*args, **kwargs)


class FlagsNeverDeleted(Exception):
    """Flags are evidence for sanctions: they are resolved, never deleted."""

    def __init__(self):
        super().__init__(_("Compliance flags are never deleted; resolve them instead."))


class ComplianceFlagQuerySet(StampedQuerySet):
    """Flags are the audit trail of compliance: never deleted, by a row or in bulk (and on
    PostgreSQL a trigger refuses DELETE too, migration 0008). Resolve them instead."""

    def unresolved(self):
        return self.filter(UNRESOLVED)

    def with_last_confirmed(self):
        """`last_confirmed_at`: when a sweep last found the flag true, derived from the runs (the
        nightly sweep writes nothing for a flag that still holds): the end of the latest successful
        run that started after the flag opened and ended before it was resolved; else its opening."""
        confirming = SweepRun.objects.filter(
            status=SweepStatus.SUCCEEDED,
            started_at__gte=OuterRef("opened_at"),
            finished_at__lte=Coalesce(OuterRef("resolved_at"), Now()),
        ).order_by("-finished_at")
        return self.annotate(last_confirmed_at=Coalesce(Subquery(confirming.values("finished_at")[:1]), F("opened_at")))

    def delete(self):
        raise FlagsNeverDeleted

    delete.queryset_only = True

    def _raw_delete(self, using):
        raise FlagsNeverDeleted


class ComplianceFlag(Stamped):
    premises = models.ForeignKey(Premises, on_delete=models.PROTECT, related_name="flags", verbose_name=_("premises"))
    kind = models.CharField(_("kind"), max_length=24, choices=FlagKind.choices)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    details = models.JSONField(_("details"), default=dict, blank=True)
    standard = models.ForeignKey(
        CameraStandard, on_delete=models.PROTECT, related_name="+", verbose_name=_("judged against standard")
    )
    status = models.CharField(_("status"), max_length=12, choices=FlagStatus.choices, default=FlagStatus.OPEN)
    opened_at = models.DateTimeField(_("opened at"))
    opened_by_run = models.ForeignKey(
        "SweepRun", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("opened by sweep")
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_flags",
        verbose_name=_("assigned to"),
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    resolved_by_run = models.ForeignKey(
        "SweepRun",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by sweep"),
    )
    resolution_reason = models.TextField(_("why it was resolved"), blank=True, max_length=1000)

    objects = ComplianceFlagQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["opened_at", "pk"]
        verbose_name = _("compliance flag")
        verbose_name_plural = _("compliance flags")
        indexes = [
            # The dashboard's "open flag of this kind" filter (premises-led reads use the unique
            # constraint's index below: the sweep's per-chunk read of current flags).
            models.Index(fields=["kind", "premises"], condition=UNRESOLVED, name="flag_unresolved_kind_idx"),
            # The flag queue: open flags oldest first, ties by id (a first night opens them all at once).
            models.Index(fields=["opened_at", "id"], condition=UNRESOLVED, name="flag_queue_idx"),
            # Every flag in the model's order (the admin's list and the auditors' paths): without it, a
            # page of 100 sorted the whole table (160 ms at 182,670 flags, 5 ms with it).
            models.Index(fields=["opened_at", "id"], name="flag_opened_idx"),
        ]
        constraints = [
            # At most one unresolved flag per premises and kind, whatever runs twice.
            models.UniqueConstraint(
                fields=["premises", "kind"], condition=UNRESOLVED, name="one_unresolved_flag_per_kind"
            ),
            models.CheckConstraint(condition=in_choices("kind", FlagKind), name="flag_kind_valid"),
            models.CheckConstraint(condition=in_choices("severity", Severity), name="flag_severity_valid"),
            models.CheckConstraint(condition=in_choices("status", FlagStatus), name="flag_status_valid"),
            models.CheckConstraint(
                condition=Q(status="resolved", resolved_at__isnull=False)
                | (~Q(status="resolved") & Q(resolved_at=None)),
                name="flag_resolved_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.premises} · {self.get_kind_display()}"

    def delete(self, *args, **kwargs):
        raise FlagsNeverDeleted

    def finding_lines(self):
        """The flag in plain words, in the active language: what is wrong, camera by camera."""
        rule = RULES_BY_KIND.get(self.kind)
        return rule.wording(self.details or {}) if rule else [self.get_kind_display()]


# ---------------------------------------------------------------------------
# Sweep runs: every nightly (or manual) evaluation is recorded for the audit trail


class SweepStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Finished with errors")


class SweepRun(models.Model):
    as_of = models.DateField(_("judged as of"))
    standard = models.ForeignKey(CameraStandard, on_delete=models.PROTECT, related_name="+", verbose_name=_("standard"))
    status = models.CharField(_("status"), max_length=10, choices=SweepStatus.choices, default=SweepStatus.RUNNING)
    trigger = models.CharField(_("started by"), max_length=40, help_text=_("schedule, command or a user"))
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by user"),
    )
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    chunks_total = models.PositiveIntegerField(_("chunks"), default=0)
    premises_evaluated = models.PositiveIntegerField(_("premises evaluated"), default=0)
    premises_compliant = models.PositiveIntegerField(
        _("premises compliant"), default=0, help_text=_("Obligated premises without a warnable breach.")
    )
    premises_obligated = models.PositiveIntegerField(_("premises obligated"), default=0)
    flags_opened = models.PositiveIntegerField(_("flags opened"), default=0)
    flags_confirmed = models.PositiveIntegerField(_("flags confirmed"), default=0)
    flags_resolved = models.PositiveIntegerField(_("flags resolved"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("sweep run")
        verbose_name_plural = _("sweep runs")
        permissions = [("start_sweep", _("Can start a compliance sweep"))]
        constraints = [models.CheckConstraint(condition=in_choices("status", SweepStatus), name="sweep_status_valid")]

    def __str__(self):
        return _("Sweep %(pk)s as of %(date)s") % {"pk": self.pk, "date": self.as_of}


class SweepChunk(models.Model):
    """A range of premises ids that one worker evaluates; the last one to finish closes the run."""

    run = models.ForeignKey(SweepRun, on_delete=models.CASCADE, related_name="chunks")
    number = models.PositiveIntegerField()
    first_premises_id = models.BigIntegerField()
    last_premises_id = models.BigIntegerField()
    done = models.BooleanField(default=False)
    premises_evaluated = models.PositiveIntegerField(default=0)
    premises_obligated = models.PositiveIntegerField(default=0)
    premises_compliant = models.PositiveIntegerField(default=0)
    flags_opened = models.PositiveIntegerField(default=0)
    flags_confirmed = models.PositiveIntegerField(default=0)
    flags_resolved = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["run", "number"]
        constraints = [models.UniqueConstraint(fields=["run", "number"], name="sweep_chunk_unique_number")]

    def __str__(self):
        return f"{self.run_id}/{self.number}"


# ---------------------------------------------------------------------------
# The warning ladder (Perwali Pasal 15): SP1 → SP2 → SP3 → permit freeze → revocation


CURRENT = Q(status__in=[WarningStatus.AWAITING_APPROVAL, WarningStatus.ACTIVE])


class WarningLetter(Stamped):
    premises = models.ForeignKey(
        Premises, on_delete=models.PROTECT, related_name="warnings", verbose_name=_("premises")
    )
    step = models.CharField(_("step"), max_length=10, choices=WarningStep.choices)
    status = models.CharField(_("status"), max_length=20, choices=WarningStatus.choices)
    issued_on = models.DateField(_("issued on"))
    due_on = models.DateField(_("falls due on"), null=True, blank=True)
    flags = models.ManyToManyField(ComplianceFlag, related_name="warnings", verbose_name=_("flags covered"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
        help_text=_("Empty when the daily ladder job issued it."),
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closed_reason = models.TextField(_("why it was closed"), blank=True, max_length=1000)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = StampedQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[])

    class Meta:
        ordering = ["-issued_on", "-pk"]
        verbose_name = _("warning")
        verbose_name_plural = _("warnings")
        permissions = [("approve_escalation", _("Can approve a permit freeze recommendation"))]
        indexes = [
            # The daily ladder's read of current warnings and the dashboard's "falling due".
            models.Index(fields=["due_on"], condition=CURRENT, name="warning_current_due_idx"),
        ]
        constraints = [
            # One current step per premises: the ladder cannot fork, whatever runs twice.
            models.UniqueConstraint(fields=["premises"], condition=CURRENT, name="one_current_warning_per_premises"),
            models.CheckConstraint(condition=in_choices("step", WarningStep), name="warning_step_valid"),
            models.CheckConstraint(condition=in_choices("status", WarningStatus), name="warning_status_valid"),
        ]

    def __str__(self):
        return f"{self.premises} · {self.get_step_display()}"

    # The step's part of an official letter number: Indonesian abbreviations, the same in every
    # interface language (a number is an identifier, never translated).
    LETTER_CODES = {"sp1": "SP1", "sp2": "SP2", "sp3": "SP3", "freeze": "REK-BEKU", "revocation": "REK-CABUT"}

    @property
    def letter_number(self):
        return f"{self.pk:05d}/{self.LETTER_CODES[self.step]}/DISKOMINFO/{self.issued_on.year}"


class NotificationCursor(models.Model):
    """When an officer last looked at their notifications: what changed since is new."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField()

    def __str__(self):
        return f"{self.user} · {self.seen_at}"


class FigureTotal(models.Model):
    """The overview's and the flag queue's figures for the premises of one protocol road and category,
    kept rather than counted on every page (inspections.totals). `counts` maps a figure's key to a
    number."""

    road = models.ForeignKey(
        "registry.ProtocolRoad", on_delete=models.CASCADE, related_name="+", verbose_name=_("protocol road")
    )
    category = models.CharField(_("category"), max_length=20)
    as_of = models.DateField(_("counted as of"), null=True)
    counted_at = models.DateTimeField(_("counted at"), null=True)
    counts = models.JSONField(_("counts"), default=dict)
    # Set by a write in its own transaction, cleared by the recount that follows it.
    changed = models.BooleanField(_("changed since counted"), default=False)
    # Raised by every mark: a recount clears `changed` only if no mark came while it counted.
    generation = models.BigIntegerField(_("marks so far"), default=0)

    class Meta:
        verbose_name = _("kept total")
        verbose_name_plural = _("kept totals")
        constraints = [models.UniqueConstraint(fields=["road", "category"], name="one_total_per_road_and_category")]

    def __str__(self):
        return f"{self.road_id} · {self.category} · {self.as_of}"


# The pixel-density measurements live in their own module; imported here so that Django registers them.
from .measurements import PixelDensityMeasurement  # noqa: E402, F401
