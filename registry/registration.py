"""Owner self-registration and officer verification: writes that touch several registry models.

Each write runs in one transaction (everything is stored or nothing) and records who did it in
the change history (`django-simple-history`): an officer, or "owner via status link".
"""

import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from simple_history.utils import bulk_create_with_history

from outbox.models import Channel
from registry.jobs import enqueue

from . import owner_messages
from .models import Camera, Premises
from .tasks import send_queued_mail
from .validators import normalise_phone

# Easy to read aloud: no 0/O, 1/I/L, U.
TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
OWNER = "owner via status link"


def new_tracking_code():
    raw = "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def hash_secret(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


def premises_for_secret(secret):
    """The premises a status link opens, or None. Only the hash of the secret is stored."""
    if not secret or len(secret) > 100:
        return None
    return Premises.objects.filter(status_secret_hash=hash_secret(secret)).first()


def find_possible_duplicate(premises):
    """Same NIB, or same name and address, among premises that are not rejected."""
    same = Q(name__iexact=premises.name.strip(), address__iexact=premises.address.strip())
    if premises.nib:
        same |= Q(nib=premises.nib)
    return (
        Premises.objects.filter(same)
        .exclude(pk=premises.pk)
        .exclude(verification_status=Premises.Verification.REJECTED)
        .order_by("pk")
        .first()
    )


def register(*, premises_form, person_form, camera_forms, language=None):
    """Store a self-registration from validated forms; returns (premises, status secret)."""
    secret = secrets.token_urlsafe(24)
    with transaction.atomic():
        premises = premises_form.save(commit=False)
        premises.source = Premises.Source.SELF_REGISTRATION
        premises.verification_status = Premises.Verification.PENDING
        premises.status_secret_hash = hash_secret(secret)
        premises.possible_duplicate_of = find_possible_duplicate(premises)
        premises._change_reason = OWNER
        premises.tracking_code = new_tracking_code()
        while Premises.objects.filter(tracking_code=premises.tracking_code).exists():  # 1 in 650 billion
            premises.tracking_code = new_tracking_code()
        premises.save()
        person = person_form.save(commit=False)
        person.premises = premises
        person.consent_at = timezone.now()
        person._change_reason = OWNER
        person.save()
        cameras = []
        for form in camera_forms:
            camera = form.save(commit=False)
            camera.premises = premises
            cameras.append(camera)
        # One INSERT for the cameras and one for their history rows. No signal per camera: the new
        # premises' save above already marked its totals and queued its judgement, which reads
        # the cameras after the commit.
        bulk_create_with_history(cameras, Camera, default_change_reason=OWNER)
        for form, camera in zip(camera_forms, cameras, strict=True):
            form.save_viewer_account(camera)
        if person.email:
            # Queued in this transaction (django-mailer), sent by a task once committed.
            send_registration_email(premises, person, secret, language)
            transaction.on_commit(lambda: enqueue(send_queued_mail))
    return premises, secret


def status_url(secret):
    return settings.SITE_URL + reverse("owner-status", args=[secret])


def send_registration_email(premises, person, secret, language=None):
    """Queue the confirmation with the status link: the one time the secret leaves the server."""
    context = {"premises": premises, "person": person, "status_url": status_url(secret)}
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = render_to_string("registry/email/registration_subject.txt", context).strip()
        text = render_to_string("registry/email/registration.txt", context)
        html = render_to_string("registry/email/registration.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [person.email])
    message.attach_alternative(html, "text/html")
    message.send()


def send_status_link_again(tracking_code, contact):
    """The way back for an owner who lost the status link: when the tracking code and the phone or
    e-mail of one of its responsible persons match, a new link replaces the old one and is sent
    there (WhatsApp or SMS to a phone, e-mail to an address). Returns nothing either way: the
    page says the same whether or not the pair exists."""
    try:
        phone = normalise_phone(contact) if "@" not in contact else None
    except ValidationError:
        phone = None
    match = Q(email__iexact=contact.strip()) if "@" in contact else Q(phone=phone) if phone else None
    premises = Premises.objects.filter(tracking_code=tracking_code).first() if match is not None else None
    person = premises.responsible_persons.filter(match).order_by("pk").first() if premises else None
    if person is None:
        return
    secret = secrets.token_urlsafe(24)
    with transaction.atomic():
        premises.status_secret_hash = hash_secret(secret)
        premises._change_reason = "status link sent again"
        premises.save(update_fields=["status_secret_hash", "updated_at"])
        channel = Channel.EMAIL if "@" in contact else settings.OUTBOX_PHONE_CHANNEL
        messages = owner_messages.compose(
            "status_link", premises, f"{premises.pk}:{timezone.now().isoformat()}", [person], secret=status_url(secret)
        )
        owner_messages.post_and_send([m for m in messages if m.channel == channel])


def owner_update(*, premises, premises_form, person_form, camera_formset):
    """The owner corrects data from the status link: recorded, and back to the officers."""
    with transaction.atomic():
        changed = premises_form.has_changed() or person_form.has_changed()
        premises = premises_form.save(commit=False)
        if premises.verification_status != Premises.Verification.PENDING:
            changed = True
        premises.verification_status = Premises.Verification.PENDING
        premises.rejection_reason = ""
        premises.possible_duplicate_of = find_possible_duplicate(premises)
        premises._change_reason = OWNER
        premises.save()
        person = person_form.save(commit=False)
        person._change_reason = OWNER
        person.save()
        for form in camera_formset.forms:
            if form.instance.pk and form.cleaned_data.get("retire"):
                camera = form.instance
                camera.status = Camera.Status.REMOVED
            elif form.camera_changed:
                camera = form.save(commit=False)
                camera.premises = premises
            else:
                if form.instance.pk:  # the viewer account alone is not a change for the officers to verify
                    form.save_viewer_account(form.instance)
                continue
            camera._change_reason = OWNER
            camera.save()
            form.save_viewer_account(camera)
            changed = True
    return changed


def verify_registration(premises, *, officer):
    """A verified registration becomes an obligated premises (designated today if not yet)."""
    with transaction.atomic():
        premises = Premises.objects.select_for_update().get(pk=premises.pk)
        premises.verification_status = Premises.Verification.VERIFIED
        premises.rejection_reason = ""
        premises.verified_at = timezone.now()
        premises.verified_by = officer
        if premises.designated_on is None:
            premises.designated_on = timezone.localdate()
        premises._history_user = officer
        premises._change_reason = "verified"
        premises.save()
        owner_messages.tell("verified", premises, f"{premises.pk}:{premises.verified_at.isoformat()}")
    return premises


def reject_registration(premises, *, officer, reason):
    with transaction.atomic():
        premises = Premises.objects.select_for_update().get(pk=premises.pk)
        premises.verification_status = Premises.Verification.REJECTED
        premises.rejection_reason = reason.strip()
        premises.verified_at = timezone.now()
        premises.verified_by = officer
        premises._history_user = officer
        premises._change_reason = "rejected"
        premises.save()
        owner_messages.tell("rejected", premises, f"{premises.pk}:{premises.verified_at.isoformat()}")
    return premises
