"""What a warning letter shows, for its printable page (inspections) and its PDF (documents/): one
context, so the two cannot say different things. Always rendered in Bahasa Indonesia."""

from django.conf import settings

from .models import WarningLetter


def office():
    """The letterhead and the signatory, from settings (OFFICE_*, SIGNATORY_*)."""
    return {
        "name": settings.OFFICE_NAME,
        "address": settings.OFFICE_ADDRESS,
        "contact": settings.OFFICE_CONTACT,
        "signatory_title": settings.SIGNATORY_TITLE,
        "signatory_name": settings.SIGNATORY_NAME,
    }


def letter_context(letter):
    letter = WarningLetter.objects.select_related(
        "premises__road", "premises__kelurahan__kecamatan", "approved_by"
    ).get(pk=letter.pk)
    return {
        "letter": letter,
        "premises": letter.premises,
        "persons": letter.premises.responsible_persons.all(),
        "flags": letter.flags.order_by("kind"),
        "office": office(),
        "emblem": settings.CITY_EMBLEM_URL,
    }
