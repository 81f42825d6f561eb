"""Auditors and supervisors download exports; supervisors also see personal data (0002)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    export = Permission.objects.filter(
        content_type__app_label="registry", codename__in=["export_data", "view_accesslog"]
    )
    for role in ("auditor", "supervisor"):
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.add(*export)


class Migration(migrations.Migration):
    dependencies = [("registry", "0009_access_log")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
