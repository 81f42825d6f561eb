"""Officers and supervisors measure pixel density at inspections and see the pictures; auditors see
the figures only (the pictures can show people: staff who inspect open them, and each look is logged)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {
    "officer": ["add_pixeldensitymeasurement", "view_pixeldensitymeasurement"],
    "supervisor": ["add_pixeldensitymeasurement", "view_pixeldensitymeasurement"],
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
        group.permissions.add(*Permission.objects.filter(content_type__app_label="inspections", codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [("inspections", "0011_pixel_density_measurements")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
