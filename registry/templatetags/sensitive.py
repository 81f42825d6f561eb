"""`{% shown person "phone" %}`: a sensitive value as the signed-in user may see it (registry/personal_data.py)."""

from django import template

from registry import personal_data

register = template.Library()


@register.simple_tag(takes_context=True)
def shown(context, obj, field):
    return personal_data.shown(context["request"].user, type(obj), field, getattr(obj, field))
