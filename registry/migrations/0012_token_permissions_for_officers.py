"""Officers and supervisors create and revoke API tokens for other city systems."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perms = Permission.objects.filter(
        content_type__app_label="registry", codename__in=["add_apitoken", "change_apitoken", "view_apitoken"]
    )
    for role in ("officer", "supervisor"):
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.add(*perms)


class Migration(migrations.Migration):
    dependencies = [("registry", "0011_api_token")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
