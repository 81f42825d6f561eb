"""One frame from a camera's stream (PyAV), for a pixel-density measurement at an inspection.

The stream address must be inside FEED_PROBE_ALLOWED_NETWORKS (registry.network_guard); the
connection goes to the address that was checked. When the owner granted the city a viewer account,
it is used (registry.viewer_accounts.reveal, which logs the use). The stream is closed as soon as
one picture is decoded. Errors never carry the address or the account.
"""

from urllib.parse import quote, urlsplit, urlunsplit

import av
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from registry import viewer_accounts
from registry.network_guard import Refused, guarded_address_now

from .pixel_density import MeasurementError

MAX_PACKETS = 600  # about 20 s of a 30 fps stream: a keyframe comes long before


class GrabFailed(MeasurementError):
    code = "grab_failed"


def grab_frame(camera, *, timeout=None):
    """The first decodable picture of the camera's stream, as an RGB array; or GrabFailed."""
    if not camera.rtsp_url:
        raise GrabFailed(_("This camera has no stream address: upload a picture of the recorder's screen instead."))
    parts = urlsplit(camera.rtsp_url)
    try:
        port = parts.port or 554
        address = guarded_address_now(parts.hostname, port, settings.FEED_PROBE_ALLOWED_NETWORKS)
    except (Refused, ValueError):
        raise GrabFailed(
            _("The server may not connect to this stream address (outside the allowed networks).")
        ) from None
    netloc = f"[{address}]:{port}" if ":" in address else f"{address}:{port}"
    account = viewer_accounts.reveal([camera.pk], purpose="frame grab") if viewer_accounts.available() else {}
    if camera.pk in account:
        user, password = account[camera.pk]
        netloc = f"{quote(user, safe='')}:{quote(password, safe='')}@{netloc}"
    url = urlunsplit(parts._replace(netloc=netloc))
    seconds = timeout or settings.FEED_PROBE_TIMEOUT_SECONDS
    try:
        with av.open(url, options={"rtsp_transport": "tcp"}, timeout=seconds) as container:
            stream = container.streams.video[0]
            for count, packet in enumerate(container.demux(stream)):
                for frame in packet.decode():
                    return frame.to_ndarray(format="rgb24")
                if count > MAX_PACKETS:
                    break
    except (av.FFmpegError, IndexError, OSError):
        pass  # its text carries the address and perhaps the account: never shown nor logged
    raise GrabFailed(
        _("No picture could be taken from the stream. Check that it answers, or upload a picture instead.")
    )
