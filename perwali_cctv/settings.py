"""Settings for the Perwali CCTV registry: one module, driven by the environment.

With no environment set it runs on an embedded default (SQLite in the project folder,
Celery tasks executed eagerly, e-mail to the console, DEBUG on), so that `make run`
needs no other service. Production is `DJANGO_DEBUG=0` with `DJANGO_SECRET_KEY`,
`DJANGO_ALLOWED_HOSTS`, `DATABASE_URL` and `CELERY_BROKER_URL`; see README.md.
"""

import base64
import datetime
import hashlib
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=True)

if DEBUG:
    SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-insecure-key-do-not-use-in-production")
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
else:
    # No defaults: production refuses to start without them (ImproperlyConfigured).
    SECRET_KEY = env("DJANGO_SECRET_KEY")
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "csp",
    "mailer",
    # The core: outbox ← registry ← inspections. Feature apps use the core and never each other.
    "outbox",
    "registry",
    "inspections",
    "api",
    "dashboard",
    "exports",
    "notifications",
    "feeds",
    "documents",
    "transparency",
    "imports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "perwali_cctv.middleware.RejectNulBytesMiddleware",  # after the language is chosen: its 400 page speaks it
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out username/address pair
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "perwali_cctv.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "notifications.context_processors.unread",
                "perwali_cctv.context_processors.city",
            ],
        },
    },
]

WSGI_APPLICATION = "perwali_cctv.wsgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# Reuse connections in production; a dropped one is detected before use.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Bahasa Indonesia by default, English on request (Accept-Language or the language switch).
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Makassar"  # WITA, UTC+8
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")
# Files never served as media: the pictures of pixel-density measurements (inspections.measurements),
# read only through a staff view that logs each look. Back it up with MEDIA_ROOT.
PRIVATE_MEDIA_ROOT = env.path("DJANGO_PRIVATE_MEDIA_ROOT", default=BASE_DIR / "private_media")

# E-mail is queued in the database (django-mailer) in the same transaction as what caused it,
# and sent by the `registry.send_queued_mail` task (after commit, and every minute by beat), so a
# mail server or broker outage loses nothing. The real transport: the console unless EMAIL_URL
# says otherwise (smtp://user:pass@host:587 …).
EMAIL_BACKEND = "mailer.backend.DbBackend"
if "EMAIL_URL" in env:
    _email = env.email_url("EMAIL_URL")
    MAILER_EMAIL_BACKEND = _email.pop("EMAIL_BACKEND")
    vars().update(_email)
else:
    MAILER_EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
MAILER_USE_FILE_LOCK = False  # rows are claimed with SELECT … FOR UPDATE SKIP LOCKED instead
MAILER_EMAIL_LOG_MESSAGE_DATA = False  # the log keeps who/when, not the body (it holds status links)
MAILER_EMAIL_MAX_RETRIES = 10
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="cctv@bontangkota.go.id")


# The city's emblem in every page's header (a static path such as /static/img/bontang.png, or a URL
# on this site; the content security policy allows images from this site only). Empty: no emblem.
CITY_EMBLEM_URL = env("CITY_EMBLEM_URL", default="")
# The letterhead and signatory of the PDF letters and plaques (documents/).
OFFICE_NAME = env("OFFICE_NAME", default="Dinas Komunikasi dan Informatika Kota Bontang")
OFFICE_ADDRESS = env("OFFICE_ADDRESS", default="Bontang, Kalimantan Timur")
OFFICE_CONTACT = env("OFFICE_CONTACT", default="")
SIGNATORY_TITLE = env("SIGNATORY_TITLE", default="Kepala Dinas Komunikasi dan Informatika")
SIGNATORY_NAME = env("SIGNATORY_NAME", default="")
# Key of the codes in the letters' and plaques' QR codes (documents.models): an HMAC key. A code
# already printed stays valid when it changes.
DOCUMENT_CODE_KEY = env("DOCUMENT_CODE_KEY", default=f"documents:{SECRET_KEY}")
# Imports of the licensing office's list (imports/): files with more rows are refused before parsing.
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=100_000)
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=50 * 1024 * 1024)
# How long the public transparency page and its open data are cached (seconds).
TRANSPARENCY_CACHE_SECONDS = env.int("TRANSPARENCY_CACHE_SECONDS", default=600)


# Messages to owners (outbox/): e-mail through the mail queue above; WhatsApp and SMS through a
# gateway's HTTP API when its URL is set, else the log says what would be sent.
def _gateway(name):
    url = env(f"OUTBOX_{name}_URL", default="")
    if not url:
        return {"BACKEND": "outbox.senders.ConsoleSender"}
    return {"BACKEND": "outbox.senders.WebhookSender", "URL": url, "TOKEN": env(f"OUTBOX_{name}_TOKEN", default="")}


OUTBOX_SENDERS = {
    "email": {"BACKEND": "outbox.senders.EmailSender"},
    "whatsapp": _gateway("WHATSAPP"),
    "sms": _gateway("SMS"),
}
OUTBOX_PHONE_CHANNEL = env("OUTBOX_PHONE_CHANNEL", default="whatsapp")  # or "sms"
OUTBOX_MAX_ATTEMPTS = 8

# Feed probes (feeds/): every camera's stream is asked OPTIONS and DESCRIBE once a day. Probes go
# only to these networks (CIDR, comma-separated; default: the private ranges). Loopback,
# link-local and cloud metadata addresses are refused unless listed here (no server-side
# request forgery through a registered stream address).
FEED_PROBE_ALLOWED_NETWORKS = env.list(
    "FEED_PROBE_ALLOWED_NETWORKS", default=["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]
)
FEED_PROBE_TIMEOUT_SECONDS = env.float("FEED_PROBE_TIMEOUT_SECONDS", default=5.0)
FEED_PROBE_CONCURRENCY = env.int("FEED_PROBE_CONCURRENCY", default=500)
FEED_PROBE_RETENTION_DAYS = env.int("FEED_PROBE_RETENTION_DAYS", default=90)
# Cameras per chunk of the hourly probe: the beat task fans chunks out to the workers.
FEED_PROBE_CHUNK_SIZE = env.int("FEED_PROBE_CHUNK_SIZE", default=10000)
# Keys of the owners' camera viewer accounts (registry.viewer_accounts): Fernet keys, comma-separated,
# the first encrypts and all decrypt. Generate one with
# `python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`.
# Development derives one from SECRET_KEY. In production without it, owners are not offered the
# viewer-account fields and `manage.py check --deploy` warns (registry.W001).
_DEV_VIEWER_KEY = base64.urlsafe_b64encode(hashlib.sha256(f"viewer:{SECRET_KEY}".encode()).digest()).decode()
VIEWER_ACCOUNT_KEYS = env.list("VIEWER_ACCOUNT_KEYS", default=[_DEV_VIEWER_KEY] if DEBUG else [])
# Absolute links in e-mails.
SITE_URL = env("DJANGO_SITE_URL", default="http://127.0.0.1:8000")

# Celery: without a broker, tasks run eagerly in the web process (no service needed).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
if not DEBUG and not CELERY_BROKER_URL and "CELERY_TASK_ALWAYS_EAGER" not in env:
    # Eager tasks in production would run a sweep started from the dashboard inside a gunicorn
    # request. Refuse to start, unless someone asked for exactly that.
    raise ImproperlyConfigured(
        "Set CELERY_BROKER_URL (production runs a Celery worker), or CELERY_TASK_ALWAYS_EAGER=1 to run "
        "tasks inside the web process on purpose."
    )
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_TASK_EAGER_PROPAGATES = True
# No result store: every task records what it did in the database (runs, flags, mail log), and a
# result store on Redis would make each enqueue wait on it, so a broker outage would hang requests.
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=None)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# Times are WITA (CELERY_TIMEZONE). Run beat with: celery -A perwali_cctv beat
CELERY_BEAT_SCHEDULE = {
    "compliance-sweep-nightly": {"task": "inspections.compliance_sweep", "schedule": crontab(hour=1, minute=0)},
    "warning-ladder-daily": {"task": "inspections.warning_ladder", "schedule": crontab(hour=2, minute=0)},
    "officer-digest-daily": {"task": "notifications.daily_digest", "schedule": crontab(hour=7, minute=0)},
    "queued-mail-every-minute": {"task": "registry.send_queued_mail", "schedule": 60.0},
    "owner-messages-every-minute": {"task": "outbox.deliver_due", "schedule": 60.0},
    "feed-probes-hourly": {"task": "feeds.probe_feeds", "schedule": crontab(minute=20)},
    "measurement-pictures-daily": {
        "task": "inspections.delete_old_measurement_images",
        "schedule": crontab(hour=3, minute=40),
    },
    "failed-mail-every-half-hour": {
        "task": "registry.send_queued_mail",
        "schedule": 30 * 60.0,
        "kwargs": {"retry_deferred": True},
    },
    "personal-data-retention-daily": {"task": "registry.purge_rejected_registrations", "schedule": crontab(hour=3)},
}
# A request that enqueues while the broker is down fails fast instead of hanging; what it
# enqueued is either in the database already (mail) or picked up again by beat (sweeps).
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5}

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.auth.ApiTokenAuthentication",  # first: a bad token answers 401 with WWW-Authenticate
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.auth.ModelPermissions"],
    # Count per client address (registry.client_ip), never per a header the client wrote.
    "DEFAULT_THROTTLE_CLASSES": [
        "api.guards.UserRateThrottle",
        "api.guards.AnonRateThrottle",
    ],
    # Hostile JSON (deep nesting, lone surrogates, NUL, NaN, huge numbers, big bodies) is a 400.
    "DEFAULT_PARSER_CLASSES": [
        "api.guards.StrictJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "EXCEPTION_HANDLER": "api.guards.exception_handler",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 100,
    "DEFAULT_THROTTLE_RATES": {
        "spec_check": env("SPEC_CHECK_THROTTLE_RATE", default="120/min"),
        "user": env("API_THROTTLE_RATE", default="600/min"),
        "anon": env("API_ANON_THROTTLE_RATE", default="60/min"),
    },
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Perwali CCTV Registry API",
    "DESCRIPTION": (
        "Registry of buildings on Bontang's protocol roads and their CCTV, under "
        "Perwali Bontang No. 25/2019. Read by the city command centre."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

LOGIN_URL = "login"  # the staff sign-in page (templates/registration/login.html)
LOGIN_REDIRECT_URL = "dashboard:overview"
LOGOUT_REDIRECT_URL = "login"

# Officers' sessions end after 8 hours (a working day) or when the browser closes.
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_SECONDS", default=8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
# The language choice: no script reads it, and it goes only to this site.
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# Which request header carries the client's address. Directly exposed: REMOTE_ADDR. Behind a
# reverse proxy that overwrites X-Real-IP: HTTP_X_REAL_IP (docs/deployment.md). Used by the
# login lockout and the registration rate limit, so that clients behind one proxy are not one.
CLIENT_IP_META_KEY = env("DJANGO_CLIENT_IP_META_KEY", default="REMOTE_ADDR")
RATELIMIT_IP_META_KEY = "registry.client_ip.client_ip"  # never fails on a missing or odd header
# Login lockout (django-axes): 5 failures for one username from one address lock that pair
# for 15 minutes, and 20 failures for one username from any addresses lock that username
# (perwali_cctv/login_limits.py); a success resets the count. Every attempt is in the admin.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_FAILURE_LIMIT_PER_USER = env.int("LOGIN_FAILURE_LIMIT_PER_USER", default=20)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]  # this order: login_limits reads it
AXES_HANDLER = "perwali_cctv.login_limits.LoginLimitsHandler"
AXES_USERNAME_CALLABLE = "perwali_cctv.login_limits.username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "locked_out.html"
AXES_CLIENT_IP_CALLABLE = "registry.client_ip.client_ip"

# Personal data (UU 27/2022): rejected registrations and their persons are purged this many
# days after the rejection by the `registry.purge_rejected_registrations` job (audited).
REJECTED_REGISTRATION_RETENTION_DAYS = env.int("REJECTED_REGISTRATION_RETENTION_DAYS", default=90)

# Content Security Policy (django-csp): scripts only from this site; no framing, no plugins.
# Styles allow inline attributes (the dashboard's bars set a CSS variable; the admin uses them).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "https://tile.openstreetmap.org"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Per-IP limit on the public registration and correction forms (django-ratelimit, counted in the cache).
REGISTRATION_RATE = env("REGISTRATION_RATE", default="20/h")
# Asking for the status link again: per address and per tracking code.
FIND_STATUS_RATE = env("FIND_STATUS_RATE", default="5/h")
CACHES = {"default": env.cache_url("DJANGO_CACHE_URL", default="locmemcache://")}
# Uploaded photos: at most 5 MB each (checked again on the content), and not too many form fields.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Status secrets never reach the log (perwali_cctv/log_redaction.py).
    "filters": {"redact_secrets": {"()": "perwali_cctv.log_redaction.RedactSecretsFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact_secrets"]}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    # Replace Django's own console handler, so that each record is written once.
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "axes": {"level": "WARNING"},  # its banner on every command, a line per successful login; lockouts stay
        # A line per task that succeeded (every write judges its premises); failures are still logged.
        "celery.app.trace": {"level": "WARNING"},
        # WeasyPrint's steps and fontTools' subsetting, a dozen lines per PDF; problems are still logged.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # The ONVIF library logs camera hosts at DEBUG: stream addresses stay out of the log.
        "onvif": {"level": "WARNING"},
        "zeep": {"level": "WARNING"},
    },
}
