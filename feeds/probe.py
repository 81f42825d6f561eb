"""Asking a camera's stream whether it answers: RTSP OPTIONS, then DESCRIBE, over one short TCP
connection that is closed at once (no SETUP, no PLAY: a probe never holds a stream open).

- 200 to both: online; the SDP gives the codec and, when it says, the picture size.
- 401 to either: the camera answers and needs the city's credentials.
- Anything else, a refusal, or no answer within the timeout: offline, with the reason.

Only addresses inside settings.FEED_PROBE_ALLOWED_NETWORKS are probed (registry.network_guard).
"""

import asyncio
import base64
import hashlib
import re
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from registry.choices import FeedStatus
from registry.network_guard import Refused, guarded_address

MAX_HEADER = 16 * 1024
MAX_BODY = 64 * 1024
USER_AGENT = "PerwaliCCTV-probe/1"


@dataclass(frozen=True)
class Result:
    outcome: str
    latency_ms: int | None = None
    detail: str = ""
    codec: str = ""
    width: int | None = None
    height: int | None = None
    onvif: str = ""  # what the ONVIF device service answered, when the camera has an address
    device: str = ""  # manufacturer and model, from ONVIF
    profiles: int | None = None  # media profiles, from ONVIF


async def resolve(url, networks):
    """(address, port, request URL) of an rtsp:// address, or Refused."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "rtsp" or not parts.hostname:
        raise Refused("not an rtsp:// address")
    try:
        port = parts.port or 554
    except ValueError:
        raise Refused("bad port") from None
    return await guarded_address(parts.hostname, port, networks), port, url


async def _response(reader):
    """(status code, headers, body) of one RTSP response, bounded in size."""
    head = await reader.readuntil(b"\r\n\r\n")
    if len(head) > MAX_HEADER:
        raise ValueError("header too long")
    lines = head.decode("latin-1").split("\r\n")
    match = re.match(r"RTSP/1\.\d (\d{3})", lines[0])
    if not match:
        raise ValueError("not an RTSP answer")
    headers = {}
    for line in lines[1:]:
        name, _sep, value = line.partition(":")
        if name:
            headers[name.strip().lower()] = value.strip()
    length = min(int(headers.get("content-length", "0") or 0), MAX_BODY)
    body = await reader.readexactly(length) if length else b""
    return int(match.group(1)), headers, body


def _request(method, url, cseq, extra=""):
    return f"{method} {url} RTSP/1.0\r\nCSeq: {cseq}\r\nUser-Agent: {USER_AGENT}\r\n{extra}\r\n".encode()


def parse_sdp(sdp):
    """(codec, width, height) of the first video stream an SDP describes: the size from an
    a=framesize / a=x-dimensions line, else from H.264's sequence parameter set."""
    codec, width, height, in_video = "", None, None, False
    for line in sdp.splitlines():
        if line.startswith("m="):
            in_video = line.startswith("m=video")
        elif in_video and line.startswith("a=rtpmap:") and not codec:
            codec = line.split(" ", 1)[1].split("/")[0] if " " in line else ""
        elif in_video and (size := re.match(r"a=(?:framesize:\d+ (\d+)-(\d+)|x-dimensions:\s*(\d+),\s*(\d+))", line)):
            numbers = [int(n) for n in size.groups() if n]
            width, height = numbers[0], numbers[1]
        elif in_video and width is None and (sps := re.search(r"sprop-parameter-sets=([A-Za-z0-9+/=]+)", line)):
            width, height = h264_size(sps.group(1))
    return codec[:20], width, height


class _Bits:
    def __init__(self, data):
        self.data, self.pos = data, 0

    def u(self, n):
        value = 0
        for _ in range(n):
            byte = self.data[self.pos // 8]
            value = (value << 1) | ((byte >> (7 - self.pos % 8)) & 1)
            self.pos += 1
        return value

    def ue(self):
        zeros = 0
        while self.u(1) == 0:
            zeros += 1
            if zeros > 31:
                raise ValueError("bad exp-Golomb code")
        return (1 << zeros) - 1 + self.u(zeros)

    def se(self):
        k = self.ue()
        return (k + 1) // 2 if k % 2 else -(k // 2)


def h264_size(sprop):
    """(width, height) from the first sequence parameter set of an SDP's sprop-parameter-sets
    (ITU-T H.264 7.3.2.1.1), or (None, None) when it cannot be read."""
    try:
        nal = base64.b64decode(sprop.split(",")[0])[1:]  # without the NAL header byte
        rbsp = re.sub(b"\x00\x00\x03", b"\x00\x00", nal)  # emulation prevention bytes
        b = _Bits(rbsp)
        profile = b.u(8)
        b.u(16)  # constraint flags, level
        b.ue()  # seq_parameter_set_id
        if profile in (100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135):
            if b.ue() == 3:  # chroma_format_idc
                b.u(1)
            b.ue(), b.ue(), b.u(1)  # bit depths, qpprime
            if b.u(1):  # scaling matrices: not read here
                return None, None
        b.ue()  # log2_max_frame_num_minus4
        poc_type = b.ue()
        if poc_type == 0:
            b.ue()
        elif poc_type == 1:
            b.u(1), b.se(), b.se()
            for _ in range(b.ue()):
                b.se()
        b.ue(), b.u(1)  # max_num_ref_frames, gaps allowed
        width_mbs, height_units = b.ue() + 1, b.ue() + 1
        frame_mbs_only = b.u(1)
        if not frame_mbs_only:
            b.u(1)
        b.u(1)  # direct_8x8_inference
        crop = [b.ue() for _ in range(4)] if b.u(1) else [0, 0, 0, 0]
        width = width_mbs * 16 - 2 * (crop[0] + crop[1])
        height = (2 - frame_mbs_only) * height_units * 16 - 2 * (2 - frame_mbs_only) * (crop[2] + crop[3])
        return width, height
    except (ValueError, IndexError, base64.binascii.Error):
        return None, None


def authorization(challenge, method, url, credentials):
    """The Authorization header answering a 401's WWW-Authenticate (Digest, RFC 2617 as RTSP cameras
    use it, or Basic) with a viewer account, or "" when the challenge cannot be answered."""
    username, password = credentials
    scheme, _sep, rest = challenge.partition(" ")
    if scheme.lower() == "basic":
        return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()
    if scheme.lower() != "digest":
        return ""
    params = dict(re.findall(r'(\w+)="?([^",]*)"?', rest))
    realm, nonce = params.get("realm", ""), params.get("nonce", "")

    def md5(text):
        return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()

    response = md5(f"{md5(f'{username}:{realm}:{password}')}:{nonce}:{md5(f'{method}:{url}')}")
    return f'Digest username="{username}", realm="{realm}", nonce="{nonce}", uri="{url}", response="{response}"' + (
        f', opaque="{params["opaque"]}"' if "opaque" in params else ""
    )


class _Conversation:
    """One RTSP connection's requests; a 401 is answered once with the viewer account, if any, and the
    answer is repeated on the later requests (cameras challenge each one)."""

    def __init__(self, reader, writer, url, credentials):
        self.reader, self.writer, self.url, self.credentials = reader, writer, url, credentials
        self.cseq, self.challenge = 0, ""

    async def ask(self, method, extra=""):
        status, headers, body = await self._send(method, extra)
        if status == 401 and self.credentials and not self.challenge:
            self.challenge = headers.get("www-authenticate", "")
            if self.challenge:
                status, headers, body = await self._send(method, extra)
        return status, body

    async def _send(self, method, extra):
        self.cseq += 1
        if self.challenge:
            extra += f"Authorization: {authorization(self.challenge, method, self.url, self.credentials)}\r\n"
        self.writer.write(_request(method, self.url, self.cseq, extra))
        await self.writer.drain()
        return await _response(self.reader)


async def probe(url, *, networks, timeout, credentials=None):
    """The Result of probing one stream address; `credentials` (user name, password) answer a 401."""
    try:
        address, port, target = await resolve(url, networks)
    except Refused as refused:
        return Result(FeedStatus.OFFLINE, detail=f"refused: {refused}")
    started = time.perf_counter()
    writer = None
    try:
        async with asyncio.timeout(timeout):
            reader, writer = await asyncio.open_connection(address, port)
            talk = _Conversation(reader, writer, target, credentials)
            status, _body = await talk.ask("OPTIONS")
            latency = round((time.perf_counter() - started) * 1000)
            refused = " (viewer account refused)" if talk.challenge else ""
            if status == 401:
                return Result(FeedStatus.NEEDS_CREDENTIALS, latency, "401 to OPTIONS" + refused)
            if status != 200:
                return Result(FeedStatus.OFFLINE, latency, f"RTSP {status} to OPTIONS")
            status, body = await talk.ask("DESCRIBE", "Accept: application/sdp\r\n")
            refused = " (viewer account refused)" if talk.challenge else ""
            if status == 401:
                return Result(FeedStatus.NEEDS_CREDENTIALS, latency, "401 to DESCRIBE" + refused)
            if status != 200:
                return Result(FeedStatus.OFFLINE, latency, f"RTSP {status} to DESCRIBE")
            codec, width, height = parse_sdp(body.decode("utf-8", "replace"))
            return Result(FeedStatus.ONLINE, latency, "", codec, width, height)
    except TimeoutError:
        return Result(FeedStatus.OFFLINE, detail=f"no answer within {timeout:g} s")
    except ConnectionRefusedError:
        return Result(FeedStatus.OFFLINE, detail="connection refused")
    except OSError as error:  # its text can carry the address: keep only what went wrong
        return Result(FeedStatus.OFFLINE, detail=(error.strerror or type(error).__name__)[:200])
    except (ValueError, asyncio.IncompleteReadError, asyncio.LimitOverrunError) as error:
        return Result(FeedStatus.OFFLINE, detail=f"unreadable answer ({type(error).__name__})")
    finally:
        if writer is not None:
            writer.close()
