"""What the city tells an owner, in Indonesian, once per cause, by WhatsApp (or SMS) and e-mail.

Every message to owners is composed here from `templates/registry/messages/<event>.txt` and
posted to the outbox (outbox/delivery.py) in the transaction of its cause, under a key naming the
cause and the recipient: replaying a cause sends nothing twice. Each responsible person gets it
on the phone channel (settings.OUTBOX_PHONE_CHANNEL: their phone is always known) and by e-mail
when they gave one. Events: a registration verified or rejected (registry/registration.py), a
new status link (registry/views.py), a warning letter (inspections/ladder.py), an inspection
that found the building short (inspections/recording.py), a feed gone dark (inspections/sweep.py),
an invitation to premises brought in from the licensing office's list (imports/).
"""

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from outbox import tasks as outbox_tasks
from outbox.delivery import post_many
from outbox.models import SECRET_MARK, Channel, Message

from .jobs import enqueue
from .models import ResponsiblePerson, ServiceContact

SUBJECTS = {
    "verified": gettext_noop("Your building %(code)s is registered and verified"),
    "rejected": gettext_noop("Your registration %(code)s was not accepted"),
    "status_link": gettext_noop("Your status link for %(code)s"),
    "warning": gettext_noop("Warning letter for %(name)s"),
    "inspection_failed": gettext_noop("Inspection of %(name)s: what needs putting right"),
    "feed_dark": gettext_noop("The CCTV stream of %(name)s does not answer"),
    "invitation": gettext_noop("%(name)s must run CCTV: register your cameras"),
}


def _subject(event, premises):
    return _(SUBJECTS[event]) % {"code": premises.tracking_code or premises.pk, "name": premises.name}


def _channels(person):
    """(channel, address) pairs for one person: the phone always, e-mail when given."""
    pairs = [(settings.OUTBOX_PHONE_CHANNEL, person.phone)] if person.phone else []
    if person.email:
        pairs.append((Channel.EMAIL, person.email))
    return pairs


_ASK = object()


def compose(event, premises, cause, persons, context=None, secret="", contact=_ASK):
    """Unsaved outbox messages for `event` at `premises`, one per person and channel; `cause`
    names the event's occurrence (a letter's id, a verification's time) in the key."""
    contact = ServiceContact.current() if contact is _ASK else contact
    with translation.override("id"):
        text = render_to_string(
            f"registry/messages/{event}.txt",
            {
                "premises": premises,
                "contact": contact,
                "find_status_url": settings.SITE_URL + reverse("find-status"),
                "status_link": SECRET_MARK if secret else "",
                **(context or {}),
            },
        ).strip()
        subject = _subject(event, premises)
    return [
        Message(
            key=f"{event}:{cause}:person-{person.pk}:{channel}",
            channel=channel,
            recipient=address,
            subject=subject,
            body=text,
            secret=secret,
        )
        for person in persons
        for channel, address in _channels(person)
    ]


def post_and_send(messages):
    """Post composed messages (inside the cause's transaction); the outbox sends them once it commits."""
    post_many(messages)
    if messages:
        transaction.on_commit(lambda: enqueue(outbox_tasks.deliver_due))
    return len(messages)


def tell(event, premises, cause, context=None):
    """Post `event`'s message to every responsible person of `premises`."""
    return post_and_send(compose(event, premises, cause, list(premises.responsible_persons.order_by("pk")), context))


def tell_many(event, items):
    """Post `event` for many premises at once: `items` are (premises, cause, context). Two
    queries and one insert per batch, for the daily ladder."""
    items = list(items)
    persons = {}
    for person in ResponsiblePerson.objects.filter(premises__in=[p.pk for p, _c, _x in items]).order_by("pk"):
        persons.setdefault(person.premises_id, []).append(person)
    messages, contact = [], ServiceContact.current()
    for premises, cause, context in items:
        messages += compose(event, premises, cause, persons.get(premises.pk, []), context, contact=contact)
    return post_and_send(messages)
