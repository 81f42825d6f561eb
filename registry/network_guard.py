"""Where the server may connect to a camera: only inside settings.FEED_PROBE_ALLOWED_NETWORKS (a
guard against server-side request forgery through an address an owner registers). The feed probes
(feeds/) and the frame grab of a pixel-density measurement (inspections/) both ask here. A host
name is resolved once, every address it resolves to must be allowed, and the caller connects to
the address returned (a name cannot resolve to one address for the check and another for the
connection)."""

import asyncio
import ipaddress
import socket


class Refused(Exception):
    """The address may not be connected to (not in the allowed networks) or cannot be read."""


def allowed(address, networks):
    ip = ipaddress.ip_address(address)
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return any(ip in ipaddress.ip_network(net, strict=False) for net in networks)


def _checked(infos, networks):
    addresses = [info[4][0] for info in infos]
    if not addresses or not all(allowed(a, networks) for a in addresses):
        raise Refused("address outside FEED_PROBE_ALLOWED_NETWORKS")
    return addresses[0]


async def guarded_address(hostname, port, networks):
    """The one address a host name resolves to, if every address it resolves to is allowed; else Refused."""
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(hostname, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise Refused("host name not found") from None
    return _checked(infos, networks)


def guarded_address_now(hostname, port, networks):
    """guarded_address, for code that does not run an event loop."""
    try:
        infos = socket.getaddrinfo(hostname, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise Refused("host name not found") from None
    return _checked(infos, networks)
