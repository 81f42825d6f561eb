"""A read-only viewer account an owner grants the city for one camera, so that the feed probes
(feeds/) can ask a stream that needs credentials whether it answers.

It is the registry's one secret, and follows one rule on every path:
- stored encrypted (Fernet, from the `cryptography` library) with the keys in
  settings.VIEWER_ACCOUNT_KEYS (env `VIEWER_ACCOUNT_KEYS`: the first key encrypts, every key
  decrypts, so a key can be rotated with `rotate()`);
- never shown again after entry: pages, admin and API say only whether one is granted and when;
- never exported, never in the history (the model has none), logs or sessions;
- read only through `reveal()`, which writes an access-log entry naming the cameras.
"""

import json

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .access_log import AccessLog

MAX_LENGTH = 100  # user name and password, each


def available():
    """Can accounts be stored here? (A key is configured.)"""
    return bool(settings.VIEWER_ACCOUNT_KEYS)


@checks.register(checks.Tags.security, deploy=True)
def check_keys(app_configs=None, **kwargs):
    if available():
        return []
    return [
        checks.Warning(
            "VIEWER_ACCOUNT_KEYS is not set: owners cannot grant the city a viewer account for their cameras.",
            hint="Set it to a Fernet key (docs/deployment.md).",
            id="registry.W001",
        )
    ]


def _fernet():
    keys = settings.VIEWER_ACCOUNT_KEYS
    if not keys:
        raise ImproperlyConfigured("VIEWER_ACCOUNT_KEYS is not set: see docs/deployment.md")
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError:
        raise ImproperlyConfigured("VIEWER_ACCOUNT_KEYS holds a key that is not a Fernet key") from None


class ViewerAccount(models.Model):
    camera = models.OneToOneField(
        "registry.Camera", on_delete=models.CASCADE, related_name="viewer_account", verbose_name=_("camera")
    )
    secret = models.BinaryField(_("encrypted account"), editable=False)
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used by a probe at"), null=True, blank=True)

    class Meta:
        verbose_name = _("viewer account")
        verbose_name_plural = _("viewer accounts")

    def __str__(self):
        return str(_("Viewer account of camera %(id)s") % {"id": self.camera_id})

    def __repr__(self):  # never the secret, even in a traceback's locals
        return f"<ViewerAccount camera={self.camera_id}>"


def grant(camera, username, password, *, now=None):
    """Store (or replace) the camera's viewer account, encrypted."""
    token = _fernet().encrypt(json.dumps({"username": username, "password": password}).encode())
    ViewerAccount.objects.update_or_create(
        camera=camera, defaults={"secret": token, "granted_at": now or timezone.now(), "last_used_at": None}
    )


def revoke(camera):
    ViewerAccount.objects.filter(camera=camera).delete()


def reveal(camera_ids, *, purpose, now=None):
    """{camera id: (username, password)} of those cameras that have an account, and one access-log
    entry naming them. An account that no key can read is left out (and logged as such)."""
    now = now or timezone.now()
    fernet = _fernet()
    found, unreadable = {}, []
    for camera_id, secret in ViewerAccount.objects.filter(camera_id__in=camera_ids).values_list("camera_id", "secret"):
        try:
            account = json.loads(fernet.decrypt(bytes(secret)))
        except (InvalidToken, ValueError):
            unreadable.append(camera_id)
            continue
        found[camera_id] = (account["username"], account["password"])
    if found or unreadable:
        AccessLog.objects.create(
            action=AccessLog.Action.USE_VIEWER_ACCOUNT,
            target=purpose[:200],
            filters={"cameras": sorted(found), "unreadable": sorted(unreadable)},
            rows=len(found),
        )
        ViewerAccount.objects.filter(camera_id__in=found).update(last_used_at=now)
    return found


def rotate():
    """Re-encrypt every account with the first key (after a new key was put first)."""
    fernet = _fernet()
    accounts = list(ViewerAccount.objects.all())
    for account in accounts:
        account.secret = fernet.rotate(bytes(account.secret))
    ViewerAccount.objects.bulk_update(accounts, ["secret"], batch_size=500)
    return len(accounts)
