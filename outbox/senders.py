"""Senders, one per channel, chosen by settings.OUTBOX_SENDERS ({channel: {"BACKEND": dotted path,
…options}}), like Django's e-mail backends. A sender's `send(message)` delivers or raises
SendError; the outbox records the attempt and tries again later.

- EmailSender: through Django's e-mail, which this project queues with django-mailer (the mail
  queue that sends every minute and retries).
- WebhookSender: a WhatsApp or SMS gateway's HTTP API (JSON POST of recipient and text, with a
  bearer token), the shape Indonesian gateways offer.
- ConsoleSender: the development default for WhatsApp and SMS: the log says it would send.
- MemorySender: the test backend: keeps what it sent; can be told to fail.
"""

import json
import logging
import urllib.error
import urllib.request

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SendError(Exception):
    pass


class EmailSender:
    def __init__(self, **options):
        self.from_email = options.get("FROM", settings.DEFAULT_FROM_EMAIL)

    def send(self, message):
        try:
            send_mail(message.subject, message.text(), self.from_email, [message.recipient])
        except Exception as error:  # a backend's failure, whatever its kind, is a failed attempt
            raise SendError(str(error)[:200]) from error


class WebhookSender:
    def __init__(self, **options):
        self.url, self.token, self.timeout = options["URL"], options.get("TOKEN", ""), options.get("TIMEOUT", 10)

    def send(self, message):
        data = json.dumps({"to": message.recipient, "text": message.text()}).encode()
        request = urllib.request.Request(
            self.url,
            data=data,
            method="POST",
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.token}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 (configured URL)
                if not 200 <= response.status < 300:
                    raise SendError(f"HTTP {response.status}")
        except urllib.error.HTTPError as error:
            raise SendError(f"HTTP {error.code}") from error
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise SendError(str(getattr(error, "reason", error))[:200]) from error


class ConsoleSender:
    def __init__(self, **options):
        pass

    def send(self, message):
        logger.info("%s message %s would be sent (no gateway configured)", message.channel, message.key)


class MemorySender:
    sent = []  # (channel, recipient, text), for tests
    failures = 0  # the next this many sends fail

    def __init__(self, **options):
        pass

    def send(self, message):
        if MemorySender.failures:
            MemorySender.failures -= 1
            raise SendError("gateway unavailable (test)")
        MemorySender.sent.append((message.channel, message.recipient, message.text()))


def sender_for(channel):
    config = dict(settings.OUTBOX_SENDERS[channel])
    return import_string(config.pop("BACKEND"))(**config)
