"""A small ONVIF device on loopback for the feed tests: an HTTP server answering the SOAP calls the
probe makes (GetServices, GetDeviceInformation, GetProfiles, GetStreamUri) and a SOAP fault to
anything else, as a camera does.

- `account=(user, password)`: every call needs a WS-Security UsernameToken with that user
  name and its password digest; otherwise a ter:NotAuthorized fault (HTTP 400).
- `lists_services=False`: GetServices and GetCapabilities fault (an old camera); the probe then
  asks for media at the device service address.
- GetServices advertises the media service at 169.254.169.254 (as a camera behind NAT or a
  hostile one might): the probe must not go there.
"""

import base64
import hashlib
import http.server
import re
import threading

ENVELOPE = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:tt="http://www.onvif.org/ver10/schema" '
    'xmlns:tds="http://www.onvif.org/ver10/device/wsdl" xmlns:trt="http://www.onvif.org/ver10/media/wsdl" '
    'xmlns:ter="http://www.onvif.org/ver10/error"><s:Body>{}</s:Body></s:Envelope>'
)
FAULT = (
    "<s:Fault><s:Code><s:Value>s:Sender</s:Value><s:Subcode><s:Value>{}</s:Value></s:Subcode></s:Code>"
    '<s:Reason><s:Text xml:lang="en">{}</s:Text></s:Reason></s:Fault>'
)
ANSWERS = {
    "GetServices": (
        "<tds:GetServicesResponse>"
        "<tds:Service><tds:Namespace>http://www.onvif.org/ver10/device/wsdl</tds:Namespace>"
        "<tds:XAddr>http://169.254.169.254/onvif/device_service</tds:XAddr>"
        "<tds:Version><tt:Major>2</tt:Major><tt:Minor>60</tt:Minor></tds:Version></tds:Service>"
        "<tds:Service><tds:Namespace>http://www.onvif.org/ver10/media/wsdl</tds:Namespace>"
        "<tds:XAddr>http://169.254.169.254/onvif/media_service</tds:XAddr>"
        "<tds:Version><tt:Major>2</tt:Major><tt:Minor>60</tt:Minor></tds:Version></tds:Service>"
        "</tds:GetServicesResponse>"
    ),
    "GetDeviceInformation": (
        "<tds:GetDeviceInformationResponse><tds:Manufacturer>Hikvision</tds:Manufacturer>"
        "<tds:Model>DS-2DE4425IW-DE</tds:Model><tds:FirmwareVersion>V5.7.3</tds:FirmwareVersion>"
        "<tds:SerialNumber>SN0001</tds:SerialNumber><tds:HardwareId>88</tds:HardwareId>"
        "</tds:GetDeviceInformationResponse>"
    ),
    "GetProfiles": (
        "<trt:GetProfilesResponse>"
        '<trt:Profiles token="main" fixed="true"><tt:Name>mainStream</tt:Name></trt:Profiles>'
        '<trt:Profiles token="sub" fixed="true"><tt:Name>subStream</tt:Name></trt:Profiles>'
        "</trt:GetProfilesResponse>"
    ),
    "GetStreamUri": (
        "<trt:GetStreamUriResponse><trt:MediaUri><tt:Uri>{stream_uri}</tt:Uri>"
        "<tt:InvalidAfterConnect>false</tt:InvalidAfterConnect><tt:InvalidAfterReboot>false</tt:InvalidAfterReboot>"
        "<tt:Timeout>PT0S</tt:Timeout></trt:MediaUri></trt:GetStreamUriResponse>"
    ),
}


def _password_digest(nonce_b64, created, password):
    raw = base64.b64decode(nonce_b64) + created.encode() + password.encode()
    return base64.b64encode(hashlib.sha1(raw).digest()).decode()


class OnvifResponder:
    def __init__(self, *, stream_uri="rtsp://127.0.0.1:1/none", account=None, lists_services=True):
        self.calls, self.paths = [], []
        responder = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                operation = re.search(r"<(?:[\w-]+:)?Body[^>]*>\s*<(?:[\w-]+:)?(\w+)", body).group(1)
                responder.calls.append(operation)
                responder.paths.append(self.path)
                status, answer = responder.answer(operation, body)
                data = ENVELOPE.format(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/soap+xml; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.stream_uri, self.account, self.lists_services = stream_uri, account, lists_services
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.address = f"http://127.0.0.1:{self.port}/onvif/device_service"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def authorised(self, body):
        if self.account is None:
            return True
        user, password = self.account
        found = {
            name: re.search(rf"<(?:[\w-]+:)?{name}(?:\s[^>]*)?>([^<]*)<", body)
            for name in ("Username", "Password", "Nonce", "Created")
        }
        if not all(found.values()):
            return False
        values = {name: match.group(1) for name, match in found.items()}
        return values["Username"] == user and values["Password"] == _password_digest(
            values["Nonce"], values["Created"], password
        )

    def answer(self, operation, body):
        if not self.authorised(body):
            return 400, FAULT.format("ter:NotAuthorized", "Sender not authorized")
        if operation not in ANSWERS or (operation == "GetServices" and not self.lists_services):
            return 400, FAULT.format("ter:ActionNotSupported", "Optional action not implemented")
        return 200, ANSWERS[operation].format(stream_uri=self.stream_uri)

    def close(self):
        self.server.shutdown()
        self.server.server_close()
