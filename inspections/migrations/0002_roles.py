"""Give the officer, supervisor and auditor groups (registry migration 0002) their
permissions on inspections, flags, sweep runs and warnings."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELS = ["inspection", "complianceflag", "sweeprun", "warningletter"]
VIEW_ALL = [f"view_{m}" for m in MODELS]
OFFICER = [*VIEW_ALL, "add_inspection", "change_complianceflag"]  # change = acknowledge
ROLES = {
    "officer": OFFICER,
    "supervisor": [*OFFICER, "start_sweep", "approve_escalation"],
    "auditor": VIEW_ALL,
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
    dependencies = [
        ("inspections", "0001_initial"),
        ("registry", "0002_reference_data_standard_v1_and_roles"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
