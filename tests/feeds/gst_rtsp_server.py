"""A real RTSP server for the feed tests: GStreamer's gst-rtsp-server serving an H.264 test
stream (640×480) at rtsp://127.0.0.1:PORT/test. Run by Debian's python3 (python3-gi), which the
project's virtualenv does not have: `python3 gst_rtsp_server.py PORT`. Prints "ready" when it
listens."""

import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

Gst.init(None)
server = GstRtspServer.RTSPServer()
server.set_address("127.0.0.1")
server.set_service(sys.argv[1])
factory = GstRtspServer.RTSPMediaFactory()
factory.set_launch(
    "( videotestsrc is-live=true ! video/x-raw,width=640,height=480,framerate=10/1 "
    "! x264enc tune=zerolatency speed-preset=ultrafast ! rtph264pay name=pay0 pt=96 )"
)
factory.set_shared(True)
server.get_mount_points().add_factory("/test", factory)
server.attach(None)
print("ready", flush=True)
GLib.MainLoop().run()
