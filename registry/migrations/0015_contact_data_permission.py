"""Owners' phone and e-mail are personal data too: officers and supervisors, who contact owners,
may see them in full; auditors see them masked (registry/personal_data.py)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    contact = Permission.objects.filter(content_type__app_label="registry", codename="view_contact_data")
    for role in ("officer", "supervisor"):
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.add(*contact)


class Migration(migrations.Migration):
    dependencies = [("registry", "0014_text_lengths_and_checked_photos")]

    operations = [
        migrations.AlterModelOptions(
            name="responsibleperson",
            options={
                "ordering": ["premises", "name"],
                "permissions": [
                    ("view_personal_data", "Can see unmasked personal data (NIK)"),
                    ("view_contact_data", "Can see owners' phone numbers and e-mail addresses"),
                ],
                "verbose_name": "responsible person",
                "verbose_name_plural": "responsible persons",
            },
        ),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
