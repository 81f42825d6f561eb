"""Who may see which sensitive value: one rule per field, the same on every path (UU 27/2022).

A value is shown in full only to a user who holds the field's permission; everyone else gets
its masked form, and cannot reach it through filters, search or sorting either (the admin
refuses such lookups). Pages, admin forms, admin history and its diffs, the API and every
export (changes included) ask this module; logs and sessions never hold these values.

| field                      | permission                     | who holds it        | masked as          |
|----------------------------|--------------------------------|---------------------|--------------------|
| person NIK                 | registry.view_personal_data    | supervisors         | 6474••••••••0001   |
| person phone               | registry.view_contact_data     | officers, superv.   | +62•••••••7890     |
| person e-mail              | registry.view_contact_data     | officers, superv.   | s•••@example.id    |
| camera stream address      | registry.view_stream_address   | officers, superv.   | •••                |
| camera ONVIF address       | registry.view_stream_address   | officers, superv.   | •••                |
| outbox message recipient   | registry.view_contact_data     | officers, superv.   | as phone or e-mail |
| camera viewer account      | nobody                         | (the probes only)   | granted or not     |
| pixel-density pictures     | inspections.view_pixeldensitymeasurement | officers, superv. | not listed: a link, each look logged; deleted after the standard's retention |

Camera credentials never sit in an address: the database refuses a stream or ONVIF address that
carries a user name or password. The one place they are kept is the viewer account an owner may
grant the city (registry.viewer_accounts): encrypted, never shown, read only by the probes
through `reveal()`, which logs it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.db.models.constants import LOOKUP_SEP

from outbox.models import Message as OutboxMessage

from .models import AccessLog, Camera, ResponsiblePerson, log_access
from .validators import mask_nik


def mask_phone(phone):
    """+62•••••••7890: the country code and the last 4 digits."""
    if not phone:
        return ""
    return phone[:3] + "•" * max(len(phone) - 7, 1) + phone[-4:]


def mask_email(email):
    """s•••@example.id: the first letter and the domain."""
    if not email:
        return ""
    local, at, domain = email.partition("@")
    return f"{local[:1]}•••{at}{domain}" if at else "•••"


def mask_recipient(address):
    """A message's recipient: an e-mail address or a phone number, masked as such."""
    return mask_email(address) if "@" in (address or "") else mask_phone(address)


def mask_stream_address(url):
    """Nothing of the address: only that there is one."""
    return "•••" if url else ""


@dataclass(frozen=True)
class Rule:
    permission: str
    mask: Callable[[str], str]
    access_action: str  # what the access log records when a permitted user sees the value


NIK = Rule("registry.view_personal_data", mask_nik, AccessLog.Action.VIEW_PERSONAL_DATA)
PHONE = Rule("registry.view_contact_data", mask_phone, AccessLog.Action.VIEW_PERSONAL_DATA)
EMAIL = Rule("registry.view_contact_data", mask_email, AccessLog.Action.VIEW_PERSONAL_DATA)
RECIPIENT = Rule("registry.view_contact_data", mask_recipient, AccessLog.Action.VIEW_PERSONAL_DATA)
STREAM_ADDRESS = Rule("registry.view_stream_address", mask_stream_address, AccessLog.Action.VIEW_STREAM_ADDRESS)

SENSITIVE_FIELDS = {
    ResponsiblePerson: {"nik": NIK, "phone": PHONE, "email": EMAIL},
    Camera: {"rtsp_url": STREAM_ADDRESS, "onvif_address": STREAM_ADDRESS},
    OutboxMessage: {"recipient": RECIPIENT},
}


def _concrete(model):
    """The tracked model for a simple-history historical model, else the model itself."""
    return getattr(model, "instance_type", model)


def rules_for(model):
    """{field name: Rule} of a model (or of its history model)."""
    return SENSITIVE_FIELDS.get(_concrete(model), {})


def can_see(user, model, field):
    rule = rules_for(model).get(field)
    return rule is None or user.has_perm(rule.permission)


def hidden_fields(user, model):
    """{field name: Rule} of the fields this user sees only masked."""
    return {field: rule for field, rule in rules_for(model).items() if not user.has_perm(rule.permission)}


def shown(user, model, field, value):
    """The value as this user may see it: in full, or masked."""
    rule = rules_for(model).get(field)
    if rule is None or user.has_perm(rule.permission):
        return value
    return rule.mask(value or "")


def masked(model, field, value):
    return rules_for(model)[field].mask(value or "")


def lookup_touches_hidden_field(user, model, lookup):
    """Does a query-string lookup (`nik__startswith`, `premises__responsible_persons__phone`)
    reach a field this user may not see? Follows relations; transforms end the walk."""
    for part in lookup.split(LOOKUP_SEP):
        try:
            field = _concrete(model)._meta.get_field(part)
        except FieldDoesNotExist:
            return False
        if part in hidden_fields(user, model):
            return True
        if not field.is_relation or field.related_model is None:
            return False
        model = field.related_model
    return False


def unmasked_views(user, values_by_model):
    """The access-log actions for showing these values in full to `user`.

    `values_by_model` maps a model to an iterable of objects; an action is due when a permitted
    user is shown a non-empty sensitive value."""
    actions = set()
    for model, objects in values_by_model.items():
        visible = {f: r for f, r in rules_for(model).items() if user.has_perm(r.permission)}
        for obj in objects:
            actions.update(r.access_action for f, r in visible.items() if getattr(obj, f, ""))
    return sorted(actions)


def log_unmasked_views(request, objects_by_model, target):
    """A user allowed to see NIK, contact data or stream addresses saw them: record it (UU 27/2022)."""
    for action in unmasked_views(request.user, objects_by_model):
        log_access(request, action, target)
