"""A real RTSP server for the feed tests: GStreamer's gst-rtsp-server serving an H.264 test
stream (640×480) at rtsp://127.0.0.1:PORT/test. Run by Debian's python3 (python3-gi), which the
project's virtualenv does not have:

    python3 gst_rtsp_server.py PORT [--account USER:PASSWORD] [--image PICTURE.png]

With --account, the server answers only that viewer account (digest authentication, as cameras
ask) and 401 to anyone else. With --image, it streams that still picture (at its own size)
instead of the test pattern. Prints "ready" when it listens."""

import argparse

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtsp", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtsp, GstRtspServer  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("port")
parser.add_argument("--account")
parser.add_argument("--image")
args = parser.parse_args()
source = (
    f'filesrc location="{args.image}" ! pngdec ! imagefreeze is-live=true ! videoconvert '
    "! video/x-raw,format=I420,framerate=10/1"
    if args.image
    else "videotestsrc is-live=true ! video/x-raw,width=640,height=480,framerate=10/1"
)
Gst.init(None)
server = GstRtspServer.RTSPServer()
server.set_address("127.0.0.1")
server.set_service(args.port)
factory = GstRtspServer.RTSPMediaFactory()
factory.set_launch(
    f"( {source} ! x264enc tune=zerolatency speed-preset=ultrafast key-int-max=10 ! rtph264pay name=pay0 pt=96 )"
)
factory.set_shared(True)
server.get_mount_points().add_factory("/test", factory)
if args.account:
    user, password = args.account.split(":", 1)
    auth = GstRtspServer.RTSPAuth()
    auth.set_supported_methods(GstRtsp.RTSPAuthMethod.DIGEST)
    viewer = GstRtspServer.RTSPToken()
    viewer.set_string("media.factory.role", "viewer")
    auth.add_digest(user, password, viewer)  # no default token: anyone else gets 401
    server.set_auth(auth)
    role = Gst.Structure.from_string("viewer, media.factory.access=true, media.factory.construct=true")[0]
    factory.add_role_from_structure(role)
server.attach(None)
print("ready", flush=True)
GLib.MainLoop().run()
