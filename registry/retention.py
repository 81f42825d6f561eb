"""Personal-data retention (UU 27/2022): rejected registrations do not keep their persons.

A registration rejected more than REJECTED_REGISTRATION_RETENTION_DAYS ago loses its
responsible persons (and every historical copy of them: NIK, phone, e-mail), its camera
photos and its status link. The premises row stays (business data, and flags or letters may
point at it) and says when it was purged; each purge is one access-log entry and one history
record with the reason, so an auditor sees what went and when, not what it was.
"""

import datetime

from django.conf import settings
from django.db import transaction

from .models import AccessLog, Camera, Premises, ResponsiblePerson

REASON = "personal data purged after the retention period"


def due_for_purge(as_of):
    cutoff = as_of - datetime.timedelta(days=settings.REJECTED_REGISTRATION_RETENTION_DAYS)
    return Premises.objects.filter(
        verification_status=Premises.Verification.REJECTED,
        verified_at__lt=cutoff,
        personal_data_purged_at=None,
    ).order_by("pk")


def purge_rejected_registrations(*, as_of, commit=False):
    """Purge every registration due; returns how many premises (dry run unless commit)."""
    ids = list(due_for_purge(as_of).values_list("pk", flat=True))
    if commit:
        for pk in ids:
            purge_premises(pk, as_of=as_of)
    return len(ids)


def purge_premises(pk, *, as_of):
    photos = []
    with transaction.atomic():
        # Claim it: a second run (or a correction by the owner meanwhile) leaves it alone.
        premises = due_for_purge(as_of).select_for_update().filter(pk=pk).first()
        if premises is None:
            return False
        person_ids = list(ResponsiblePerson.objects.filter(premises=premises).values_list("pk", flat=True))
        ResponsiblePerson.objects.filter(pk__in=person_ids).delete()
        ResponsiblePerson.history.model.objects.filter(id__in=person_ids).delete()
        for camera in Camera.objects.filter(premises=premises).exclude(photo=""):
            photos.append(camera.photo.name)
            camera.photo = ""
            camera._change_reason = REASON
            camera.save(update_fields=["photo", "updated_at"])
        premises.personal_data_purged_at = as_of
        premises.status_secret_hash = None
        premises._change_reason = REASON
        premises.save()
        AccessLog.objects.create(
            user=None,
            action=AccessLog.Action.PURGE,
            target=f"premises {premises.pk} {premises.tracking_code}",
            rows=len(person_ids),
            filters={"retention_days": settings.REJECTED_REGISTRATION_RETENTION_DAYS, "photos": len(photos)},
        )
        storage = Camera._meta.get_field("photo").storage
        transaction.on_commit(lambda: [storage.delete(name) for name in photos])
    return True
