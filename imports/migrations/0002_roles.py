"""Officers upload imports and see them; supervisors also confirm them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {
    "officer": ["add_importbatch", "view_importbatch"],
    "supervisor": ["add_importbatch", "view_importbatch", "confirm_importbatch"],
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
        group.permissions.add(*Permission.objects.filter(content_type__app_label="imports", codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [("imports", "0001_initial")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
