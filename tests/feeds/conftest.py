"""Real servers on loopback for the feed probes: GStreamer's RTSP server with an H.264 test
stream, an RTSP server that answers 401, a listener that never answers, and a closed port."""

import os
import shutil
import socket
import subprocess
import threading
from pathlib import Path

import pytest

from tests.feeds.onvif_responder import OnvifResponder

GST_PACKAGES = "gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-ugly python3-gi"
SYSTEM_PYTHON = "/usr/bin/python3"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _missing(what):
    message = f"needs {what}: apt-get install -y --no-install-recommends {GST_PACKAGES} (.ci/run does)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def gstreamer(*options):
    """(process, rtsp://127.0.0.1:PORT/test) of gst-rtsp-server, with gst_rtsp_server.py's `options`."""
    if not shutil.which(SYSTEM_PYTHON):
        _missing("Debian's python3")
    check = subprocess.run(
        [
            SYSTEM_PYTHON,
            "-c",
            "import gi; gi.require_version('GstRtspServer', '1.0'); from gi.repository import GstRtspServer",
        ],
        capture_output=True,
    )
    if check.returncode:
        _missing("GStreamer's RTSP server for Python")
    port = free_port()
    server = subprocess.Popen(
        [SYSTEM_PYTHON, str(Path(__file__).with_name("gst_rtsp_server.py")), str(port), *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = server.stdout.readline()
    if line.strip() != "ready":
        server.kill()
        _missing(f"a working GStreamer pipeline (x264enc): {server.stderr.read()[-300:]}")
    return server, f"rtsp://127.0.0.1:{port}/test"


def _serving(*options):
    server, url = gstreamer(*options)
    yield url
    server.terminate()
    server.wait(10)


@pytest.fixture(scope="session")
def gstreamer_rtsp():
    """rtsp://127.0.0.1:PORT/test served by gst-rtsp-server (640×480 H.264), for the session."""
    yield from _serving()


VIEWER_ACCOUNT = ("pemantau-7Qx", "lihat-saja-7Qx")


@pytest.fixture(scope="session")
def gstreamer_rtsp_with_account():
    """The same stream, answering only the viewer account VIEWER_ACCOUNT (digest) and 401 to others."""
    yield from _serving("--account", ":".join(VIEWER_ACCOUNT))


@pytest.fixture
def onvif_device():
    """Start small ONVIF devices on loopback (tests/feeds/onvif_responder.py); closed after the test."""
    devices = []

    def start(**options):
        devices.append(OnvifResponder(**options))
        return devices[-1]

    yield start
    for device in devices:
        device.close()


class _Server(threading.Thread):
    """A TCP server on loopback whose connections `handle` serves, in a daemon thread."""

    def __init__(self, handle):
        super().__init__(daemon=True)
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.handle = handle
        self.connections = []

    def run(self):
        while True:
            try:
                conn, _addr = self.sock.accept()
            except OSError:
                return
            self.connections.append(conn)
            threading.Thread(target=self.handle, args=(conn,), daemon=True).start()

    def close(self):
        self.sock.close()
        for conn in self.connections:
            conn.close()


def _answer_401(conn):
    with conn:
        while data := conn.recv(4096):
            cseq = next(
                (line.split(":")[1].strip() for line in data.decode().split("\r\n") if line.startswith("CSeq")), "1"
            )
            conn.sendall(
                f'RTSP/1.0 401 Unauthorized\r\nCSeq: {cseq}\r\nWWW-Authenticate: Digest realm="cam", nonce="1"\r\n\r\n'.encode()
            )


def _never_answer(conn):
    conn.recv(4096)  # reads the request, says nothing; the probe's timeout ends it


@pytest.fixture
def rtsp_401():
    server = _Server(_answer_401)
    server.start()
    yield f"rtsp://127.0.0.1:{server.port}/stream1"
    server.close()


@pytest.fixture
def silent_listener():
    server = _Server(_never_answer)
    server.start()
    yield f"rtsp://127.0.0.1:{server.port}/stream1"
    server.close()


@pytest.fixture
def closed_port():
    return f"rtsp://127.0.0.1:{free_port()}/stream1"


@pytest.fixture
def loopback_allowed(settings):
    settings.FEED_PROBE_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    settings.FEED_PROBE_TIMEOUT_SECONDS = 1.0
