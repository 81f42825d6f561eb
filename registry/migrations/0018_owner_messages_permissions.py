"""Officers and supervisors read what the city told owners (the outbox, in the admin), and
maintain the contact owners are given; auditors read both. Nobody edits a sent message."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {
    "officer": [
        "view_message",
        "view_deliveryattempt",
        "view_servicecontact",
        "change_servicecontact",
        "add_servicecontact",
    ],
    "supervisor": [
        "view_message",
        "view_deliveryattempt",
        "view_servicecontact",
        "change_servicecontact",
        "add_servicecontact",
    ],
    "auditor": ["view_message", "view_deliveryattempt", "view_servicecontact"],
}


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label__in=["outbox", "registry"], codename__in=codenames)
        )


class Migration(migrations.Migration):
    dependencies = [("registry", "0017_servicecontact"), ("outbox", "0001_initial")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
