"""Asking a camera's ONVIF device service (onvif-zeep-async): GetDeviceInformation, GetProfiles and
GetStreamUri of the first profile, within the probe's timeout and address guard.

The device address must be inside FEED_PROBE_ALLOWED_NETWORKS, and the addresses the device
advertises for its other services are rewritten to that same host and port, so a device cannot
send the probe anywhere else. The device service is at /onvif/device_service, as ONVIF fixes it;
the path of the address the owner gives is not used. A device that does not
list its services is asked for media at its device service address, as many cameras serve both.
"""

import asyncio
import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from onvif import ONVIFCamera
from onvif.exceptions import ONVIFError
from zeep.exceptions import Fault, TransportError

from registry.choices import FeedStatus
from registry.network_guard import Refused, guarded_address

MEDIA_NAMESPACE = "http://www.onvif.org/ver10/media/wsdl"
STREAM_SETUP = {"Stream": "RTP-Unicast", "Transport": {"Protocol": "RTSP"}}


@dataclass(frozen=True)
class OnvifResult:
    outcome: str  # a FeedStatus: online, needs_credentials or offline
    device: str = ""  # manufacturer and model, as the camera reports them
    profiles: int | None = None
    stream_uri: str = ""  # not stored: probed when the owner gave no stream address
    detail: str = ""


def _is_auth_failure(error):
    if isinstance(error, TransportError):
        return error.status_code == 401
    if isinstance(error, Fault):
        codes = " ".join(str(c) for c in [error.code, error.message, *(error.subcodes or [])])
        return "NotAuthorized" in codes or "FailedAuthentication" in codes
    return "401" in str(error) or "NotAuthorized" in str(error)


async def ask_device(address, *, networks, timeout, credentials=None):
    """The OnvifResult of one device address (http://host[:port][/…])."""
    parts = urlsplit(address)
    try:
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            raise Refused("not an http:// address")
        try:
            port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
        except ValueError:
            raise Refused("bad port") from None
        ip = await guarded_address(parts.hostname, port, networks)
    except Refused as refused:
        return OnvifResult(FeedStatus.OFFLINE, detail=f"refused: {refused}")
    scheme = parts.scheme.lower()
    netloc = (f"[{ip}]" if ipaddress.ip_address(ip).version == 6 else ip) + f":{port}"
    user, password = credentials or ("", "")
    camera = ONVIFCamera(f"{scheme}://{netloc.rsplit(':', 1)[0]}", port, user, password, no_cache=True)
    try:
        async with asyncio.timeout(timeout):
            try:
                await camera.update_xaddrs()  # GetServices, or GetCapabilities
            except (Fault, ONVIFError) as error:
                if _is_auth_failure(error):
                    raise
            # What the device advertises goes to the one address that was checked, whatever host it names.
            for namespace, xaddr in camera.xaddrs.items():
                camera.xaddrs[namespace] = urlunsplit(urlsplit(xaddr)._replace(scheme=scheme, netloc=netloc))
            camera.xaddrs.setdefault(MEDIA_NAMESPACE, f"{scheme}://{netloc}/onvif/device_service")
            device = await (await camera.create_devicemgmt_service()).GetDeviceInformation()
            media = await camera.create_media_service()
            profiles = await media.GetProfiles()
            uri = ""
            if profiles:
                answer = await media.GetStreamUri({"StreamSetup": STREAM_SETUP, "ProfileToken": profiles[0].token})
                uri = answer.Uri or ""
            name = " ".join(part for part in (device.Manufacturer, device.Model) if part)[:100]
            return OnvifResult(FeedStatus.ONLINE, name, len(profiles or []), uri)
    except TimeoutError:
        return OnvifResult(FeedStatus.OFFLINE, detail=f"ONVIF: no answer within {timeout:g} s")
    except Exception as error:  # the library raises zeep's, aiohttp's and its own errors
        if _is_auth_failure(error):
            refused = " (viewer account refused)" if credentials else ""
            return OnvifResult(FeedStatus.NEEDS_CREDENTIALS, detail="ONVIF: not authorised" + refused)
        return OnvifResult(FeedStatus.OFFLINE, detail=f"ONVIF: {type(error).__name__}")
    finally:
        await camera.close()
