"""Status secrets never reach a log: the owner's link /status/<secret>/ is written /status/[redacted]/.

The database keeps only the secret's hash; a log line with the raw path (a 404 for a mistyped
link, an error, gunicorn's access log, a Referer header) would undo that. Two places write
request paths: Django's loggers (the filter below, on the console handler in settings.LOGGING)
and gunicorn's access log (`--logger-class perwali_cctv.log_redaction.RedactingGunicornLogger`,
docs/deployment.md). The guide's nginx log format does the same for nginx.
"""

import logging
import re

from gunicorn.glogging import Logger as GunicornLogger

STATUS_SECRET_RE = re.compile(r"(/status/)[^/\s?#\"'&]+")
REDACTED = r"\1[redacted]"


def redact(text):
    return STATUS_SECRET_RE.sub(REDACTED, text) if isinstance(text, str) and "/status/" in text else text


class RedactSecretsFilter(logging.Filter):
    """On a handler: the record's message (arguments filled in) with status secrets redacted."""

    def filter(self, record):
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


class RedactingGunicornLogger(GunicornLogger):
    """gunicorn's access log with status secrets redacted in the request line, path, query and referer."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {key: redact(value) for key, value in atoms.items()}
