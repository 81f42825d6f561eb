"""What every page's header needs from the settings."""

from django.conf import settings


def city(request):
    """The city's emblem beside the registry's name, when the operator has set one (CITY_EMBLEM_URL)."""
    return {"CITY_EMBLEM_URL": settings.CITY_EMBLEM_URL}
