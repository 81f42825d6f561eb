"""The client's address, from the request header that settings.CLIENT_IP_META_KEY names."""

import ipaddress

from django.conf import settings


def client_ip(request):
    """The first address in the configured header, if it is one; otherwise the peer's address."""
    value = request.META.get(settings.CLIENT_IP_META_KEY) or ""
    # X-Forwarded-For style lists: the proxy appends, so the first entry is the client.
    candidate = value.split(",")[0].strip()
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return request.META.get("REMOTE_ADDR") or None
