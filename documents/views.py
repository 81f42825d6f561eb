"""PDF warning letters and building plaques whose QR codes lead to public pages that say whether
they are real and current. The public pages show no personal data: no person, no NIK, no phone
or e-mail, no position finer than the road."""

from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from inspections.filters import COMPLIANCE_CHOICES, compliance_of
from inspections.letters import letter_context, office
from inspections.models import CURRENT, WarningLetter
from registry.models import Premises, ServiceContact
from registry.registration import premises_for_secret

from . import pdf
from .models import PublicCode, code_for, find


def _public_url(view, kind, object_id):
    """The absolute address a document's QR code holds."""
    return settings.SITE_URL + reverse(view, args=[code_for(kind, object_id)])


def _pdf_response(template, context, filename):
    try:
        data = pdf.render_pdf(template, context)
    except pdf.PdfUnavailable:
        return HttpResponse(
            _("PDFs cannot be made on this server: WeasyPrint needs Pango (libpango-1.0-0, libpangoft2-1.0-0)."),
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@login_required
@permission_required("inspections.view_warningletter", raise_exception=True)
def letter_pdf(request, pk):
    letter = get_object_or_404(WarningLetter, pk=pk)
    url = _public_url("documents:verify", PublicCode.Kind.LETTER, letter.pk)
    with translation.override("id"):
        context = {**letter_context(letter), "emblem": pdf.emblem_file_uri(), "qr": pdf.qr_data_uri(url)}
        context["verify_url"] = url
        return _pdf_response("documents/letter_pdf.html", context, f"{letter.letter_number.replace('/', '-')}.pdf")


def verify(request, code):
    """Is this letter real, and is it still in force? Anyone may ask; nothing personal is shown."""
    letter_id = find(PublicCode.Kind.LETTER, code)
    if letter_id is None:
        raise Http404
    letter = get_object_or_404(WarningLetter.objects.select_related("premises"), pk=letter_id)
    in_force = WarningLetter.objects.filter(CURRENT, pk=letter.pk).exists()
    return render(request, "documents/verify.html", {"letter": letter, "in_force": in_force, "office": office()})


def _plaque(request, premises):
    if premises.verification_status != Premises.Verification.VERIFIED:
        raise Http404(_("Only a verified registration has a plaque."))
    url = _public_url("documents:premises-public", PublicCode.Kind.PLAQUE, premises.pk)
    with translation.override("id"):
        context = {
            "premises": premises,
            "office": office(),
            "contact": ServiceContact.current(),
            "qr": pdf.qr_data_uri(url),
            "public_url": url,
            "emblem": pdf.emblem_file_uri(),
        }
        return _pdf_response("documents/plaque_pdf.html", context, f"plakat-cctv-{premises.pk}.pdf")


@login_required
@permission_required("registry.view_premises", raise_exception=True)
def plaque(request, premises_pk):
    return _plaque(request, get_object_or_404(Premises, pk=premises_pk))


@never_cache
def owner_plaque(request, secret):
    premises = premises_for_secret(secret)
    if premises is None:
        raise Http404
    return _plaque(request, premises)


def premises_public(request, code):
    """What a plaque's QR opens: the premises' name and road, whether its registration is verified and
    whether it complies today, in words."""
    premises_id = find(PublicCode.Kind.PLAQUE, code)
    if premises_id is None:
        raise Http404
    today = timezone.localdate()
    premises = get_object_or_404(Premises.objects.select_related("road"), pk=premises_id)
    status = compliance_of(premises, today)
    return render(
        request,
        "documents/premises_public.html",
        {
            "premises": premises,
            "verified": premises.verification_status == Premises.Verification.VERIFIED,
            "status": status,
            "status_label": dict(COMPLIANCE_CHOICES)[status],
            "today": today,
        },
    )
