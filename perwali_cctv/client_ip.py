"""The client's address, from the request header that settings.CLIENT_IP_META_KEY names."""

from django.conf import settings


def client_ip(request):
    value = request.META.get(settings.CLIENT_IP_META_KEY) or request.META.get("REMOTE_ADDR", "")
    # X-Forwarded-For style lists: the proxy appends, so the first entry is the client.
    return value.split(",")[0].strip() or None
