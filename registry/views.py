"""Owner self-registration (public), the owner's corrections, and the officers' verification queue."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from . import registration
from .forms import (
    CameraFormSet,
    ConsentForm,
    FindStatusForm,
    PersonForm,
    PremisesForm,
    RejectionForm,
    owner_camera_formset,
)
from .models import Camera, CameraStandard, CatalogueCamera, Premises, ServiceContact


def _error_summary(forms_by_title):
    """(text, anchor) for every error, for the summary at the top of the page (GOV.UK pattern)."""
    summary = []
    for title, form in forms_by_title:
        for name, errors in form.errors.items():
            anchor = f"#{form[name].id_for_label}" if name in form.fields else f"#{form.prefix or 'form'}-errors"
            label = form.fields[name].label if name in form.fields else ""
            prefix = " · ".join(str(p) for p in (title, label) if p)
            summary.extend((f"{prefix}: {error}" if prefix else error, anchor) for error in errors)
    return summary


def _with_one_more_row(data, prefix):
    data = data.copy()
    key = f"{prefix}-TOTAL_FORMS"
    try:
        data[key] = str(min(int(data.get(key, 0)) + 1, 50))
    except ValueError:
        data[key] = "1"
    return data


def registration_rate(group, request):
    """Read at request time, so that operators (and tests) can change it without a restart of the code."""
    return settings.REGISTRATION_RATE


def _catalogue():
    """The camera catalogue for the form's search and fill-in (static/js/register.js)."""
    entries = []
    for entry in CatalogueCamera.objects.filter(active=True):
        specs = {k: v for k, v in entry.specs().items() if not k.startswith("onvif_profile_")}
        onvif = sorted(entry.onvif_profiles)
        label = f"{entry.brand} {entry.model}"
        entries.append(
            {"id": entry.pk, "label": label, "brand": entry.brand, "model": entry.model, "specs": specs, "onvif": onvif}
        )
    return entries


def _verdicts(cameras):
    standard = CameraStandard.objects.in_force(timezone.localdate())
    return [(camera, camera.check_against(standard) if standard else None) for camera in cameras]


@never_cache  # a form shown again with its errors carries the owner's NIK, phone and e-mail
@sensitive_post_parameters()  # and error reports never carry them, nor a viewer account's password
@ratelimit(key="ip", rate=registration_rate, method="POST", block=False)
def register(request):
    """The public form: premises, responsible person, consent and any number of camera rows."""
    if request.method == "POST" and getattr(request, "limited", False):
        return render(request, "429.html", status=429)
    data = request.POST if request.method == "POST" else None
    adding_row = data is not None and "add_camera" in data
    if adding_row:  # without JavaScript: one more empty camera row, nothing saved
        data = _with_one_more_row(data, "cameras")
    premises_form = PremisesForm(data, prefix="premises")
    person_form = PersonForm(data, prefix="person")
    consent_form = ConsentForm(data, prefix="consent")
    camera_formset = CameraFormSet(data, request.FILES or None, prefix="cameras")
    context = {
        "premises_form": premises_form,
        "person_form": person_form,
        "consent_form": consent_form,
        "camera_formset": camera_formset,
        "show_errors": data is not None and not adding_row,
    }
    if data is not None and not adding_row:
        forms = [premises_form, person_form, consent_form, camera_formset]
        if all(form.is_valid() for form in forms):
            camera_forms = [f for f in camera_formset.forms if f.has_changed()]
            premises, secret = registration.register(
                premises_form=premises_form,
                person_form=person_form,
                camera_forms=camera_forms,
                language=get_language(),
            )
            request.session["registration"] = {"premises_id": premises.pk, "secret": secret}
            return redirect("register-done")
        titled = [(_("Building"), premises_form), (_("Responsible person"), person_form), ("", consent_form)]
        titled += [(_("Camera %(n)s") % {"n": i}, f) for i, f in enumerate(camera_formset.forms, 1) if f.errors]
        context["error_summary"] = _error_summary(titled) + [
            (e, "#cameras-errors") for e in camera_formset.non_form_errors()
        ]
    context["catalogue"] = _catalogue()  # only for a form shown, not for a saved registration
    return render(request, "registry/register.html", context)


@never_cache
def register_done(request):
    """The confirmation: tracking code, secret status link, and each camera's verdict.

    The status link is shown once: the secret leaves the session as soon as it is on the page
    (the database keeps only its hash), and a reload shows the tracking code without it."""
    stored = request.session.get("registration")
    if not stored:
        return redirect("register")
    premises = get_object_or_404(Premises, pk=stored["premises_id"])
    secret = stored.get("secret")
    if secret:
        request.session["registration"] = {"premises_id": premises.pk}
    status_url = request.build_absolute_uri(reverse("owner-status", args=[secret])) if secret else None
    return render(
        request,
        "registry/register_done.html",
        {
            "premises": premises,
            "status_url": status_url,
            "whatsapp_text": _("Status link of %(name)s (%(code)s), CCTV Registry Bontang: %(url)s")
            % {"name": premises.name, "code": premises.tracking_code, "url": status_url},
            "verdicts": _verdicts(premises.cameras.order_by("pk")),
        },
    )


@never_cache
@sensitive_post_parameters()
@ratelimit(key="ip", rate=registration_rate, method="POST", block=False)
def owner_edit(request, secret):
    """From the status link: correct the data, add or retire cameras. Goes back to verification."""
    premises = registration.premises_for_secret(secret)
    if premises is None:
        raise Http404
    if request.method == "POST" and getattr(request, "limited", False):
        return render(request, "429.html", status=429)
    person = premises.responsible_persons.order_by("pk").first()
    data = request.POST if request.method == "POST" else None
    adding_row = data is not None and "add_camera" in data
    if adding_row:
        data = _with_one_more_row(data, "cameras")
    premises_form = PremisesForm(data, instance=premises, prefix="premises")
    person_form = PersonForm(data, instance=person, prefix="person")
    camera_formset = owner_camera_formset(premises, data, request.FILES or None)
    context = {
        "premises": premises,
        "premises_form": premises_form,
        "person_form": person_form,
        "camera_formset": camera_formset,
        "secret": secret,
        "show_errors": data is not None and not adding_row,
        "catalogue": _catalogue(),
    }
    if data is not None and not adding_row:
        if premises_form.is_valid() and person_form.is_valid() and camera_formset.is_valid():
            registration.owner_update(
                premises=premises, premises_form=premises_form, person_form=person_form, camera_formset=camera_formset
            )
            messages.success(request, _("Your changes are saved. An officer will check them again."))
            return redirect("owner-status", secret=secret)
        titled = [(_("Building"), premises_form), (_("Responsible person"), person_form)]
        titled += [(_("Camera %(n)s") % {"n": i}, f) for i, f in enumerate(camera_formset.forms, 1) if f.errors]
        context["error_summary"] = _error_summary(titled) + [
            (e, "#cameras-errors") for e in camera_formset.non_form_errors()
        ]
    return render(request, "registry/owner_edit.html", context)


@login_required
@permission_required("registry.verify_premises", raise_exception=True)
def verification_queue(request):
    """Pending registrations, oldest first, possible duplicates marked."""
    pending = (
        Premises.objects.filter(verification_status=Premises.Verification.PENDING)
        .select_related("road", "kelurahan__kecamatan", "possible_duplicate_of")
        .annotate(camera_count=Count("cameras", filter=~Q(cameras__status=Camera.Status.REMOVED)))
        .order_by("created_at", "pk")
    )
    return render(request, "registry/verification_queue.html", {"pending": pending, "rejection_form": RejectionForm()})


@require_POST
@login_required
@permission_required("registry.verify_premises", raise_exception=True)
def verify(request, pk):
    premises = get_object_or_404(Premises, pk=pk, verification_status=Premises.Verification.PENDING)
    registration.verify_registration(premises, officer=request.user)
    messages.success(request, _("%(name)s is verified and now an obligated premises.") % {"name": premises.name})
    return redirect("verification-queue")


@require_POST
@login_required
@permission_required("registry.verify_premises", raise_exception=True)
def reject(request, pk):
    premises = get_object_or_404(Premises, pk=pk, verification_status=Premises.Verification.PENDING)
    form = RejectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for the rejection: the owner reads it."))
        return redirect("verification-queue")
    registration.reject_registration(premises, officer=request.user, reason=form.cleaned_data["reason"])
    messages.success(request, _("%(name)s is rejected; the owner sees the reason.") % {"name": premises.name})
    return redirect("verification-queue")


def find_status_rate(group, request):
    return settings.FIND_STATUS_RATE


def tracking_code_key(group, request):
    """The tracking code as the form reads it: "k7qd 3mxa" and "K7QD-3MXA" share one limit."""
    return "".join(ch for ch in request.POST.get("tracking_code", "").upper() if ch.isalnum())[:20]


@never_cache
@ratelimit(key="ip", rate=find_status_rate, method="POST", block=False)
@ratelimit(key=tracking_code_key, rate=find_status_rate, method="POST", block=False)
def find_status(request):
    """The way back: the tracking code and the phone or e-mail; the status link is sent there again.

    The answer is the same whether or not the pair matched (nobody learns who registered), and
    both the address and the tracking code are rate-limited."""
    if request.method == "POST" and getattr(request, "limited", False):
        return render(request, "429.html", status=429)
    form = FindStatusForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not form.cleaned_data["website"]:
            registration.send_status_link_again(form.cleaned_data["tracking_code"], form.cleaned_data["contact"])
        return redirect("find-status-sent")
    return render(request, "registry/find_status.html", {"form": form, "contact": ServiceContact.current()})


def find_status_sent(request):
    return render(request, "registry/find_status_sent.html", {"contact": ServiceContact.current()})
