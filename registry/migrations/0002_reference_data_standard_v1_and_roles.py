"""Reference data that every installation needs: Bontang's kecamatan and kelurahan
(Kemendagri 64.74, DOMAIN.md section 7), version 1 of the camera standard (the policy
defaults of DOMAIN.md section 3) and the officer, supervisor and auditor groups."""

import datetime

from django.contrib.auth.management import create_permissions
from django.db import migrations

AREAS = {
    ("64.74.01", "Bontang Utara"): ["Bontang Kuala", "Bontang Baru", "Lok Tuan", "Guntung", "Gunung Elai", "Api-Api"],
    ("64.74.02", "Bontang Selatan"): [
        "Tanjung Laut",
        "Berbas Tengah",
        "Berbas Pantai",
        "Satimpo",
        "Bontang Lestari",
        "Tanjung Laut Indah",
    ],
    ("64.74.03", "Bontang Barat"): ["Belimbing", "Gunung Telihan", "Kanaan"],
}

REGISTRY_MODELS = [
    "kecamatan",
    "kelurahan",
    "protocolroad",
    "premises",
    "responsibleperson",
    "camera",
    "camerastandard",
]
VIEW_ALL = [f"view_{m}" for m in REGISTRY_MODELS]
OFFICER = [
    *VIEW_ALL,
    *(
        f"{action}_{m}"
        for action in ("add", "change")
        for m in ("protocolroad", "premises", "responsibleperson", "camera")
    ),
    "verify_premises",
    "view_stream_address",
]
ROLES = {
    "officer": OFFICER,
    # Supervisors approve escalations and change the standard's settings (DOMAIN.md section 4).
    "supervisor": [
        *OFFICER,
        "add_camerastandard",
        "change_camerastandard",
        "delete_camerastandard",
        "view_personal_data",
    ],
    # Auditors read everything, masked: personal data only by an explicit grant.
    "auditor": VIEW_ALL,
}


def load(apps, schema_editor):
    Kecamatan = apps.get_model("registry", "Kecamatan")
    Kelurahan = apps.get_model("registry", "Kelurahan")
    for (code, name), kelurahan in AREAS.items():
        kecamatan, _ = Kecamatan.objects.get_or_create(code=code, defaults={"name": name})
        for kelurahan_name in kelurahan:
            Kelurahan.objects.get_or_create(kecamatan=kecamatan, name=kelurahan_name)

    CameraStandard = apps.get_model("registry", "CameraStandard")
    if not CameraStandard.objects.exists():
        CameraStandard.objects.create(
            version=1,
            effective_from=datetime.date(2019, 10, 1),
            notes=(
                "Version 1: Perwali Bontang No. 25/2019 (pan 360° or at least 90°, zoom on a face, "
                "connectable) with the policy defaults of the registry's domain reference, section 3."
            ),
        )

    # Permissions are normally created after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.add(*Permission.objects.filter(content_type__app_label="registry", codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
