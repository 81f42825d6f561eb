"""Seed the camera catalogue with models commonly sold in Indonesia.

The figures were entered from the manufacturers' published data sheets named in each row, from
the text of those data sheets as known to the developer, without a network to re-read them here:
`checked_on` stays empty until an officer has compared every figure with the data sheet (the
admin lists unchecked models first). Officers add, correct and withdraw models in the admin.
"""

from django.db import migrations

# brand, model, type, pan°, hfov wide°, hfov tele°, zoom×, width px, height px, IR m (None: no IR),
# ONVIF profiles, data sheet
MODELS = [
    (
        "Hikvision",
        "DS-2DE4425IW-DE",
        "ptz",
        360,
        57.6,
        2.5,
        25,
        2560,
        1440,
        100,
        "STG",
        "Hikvision DS-2DE4425IW-DE(T5) 4-inch 4 MP 25X DarkFighter IR Network Speed Dome, data sheet; hikvision.com",
    ),
    (
        "Hikvision",
        "DS-2DE2A404IW-DE3",
        "ptz",
        360,
        95.8,
        31.7,
        4,
        2560,
        1440,
        20,
        "STG",
        "Hikvision DS-2DE2A404IW-DE3 2-inch 4 MP 4X IR Network Speed Dome, data sheet; hikvision.com",
    ),
    (
        "Hikvision",
        "DS-2CD1023G0E-I (2.8 mm)",
        "fixed",
        0,
        103.0,
        None,
        None,
        1920,
        1080,
        30,
        "STG",
        "Hikvision DS-2CD1023G0E-I 2 MP Fixed Bullet Network Camera, data sheet; hikvision.com",
    ),
    (
        "Hikvision",
        "DS-2CD1123G0E-I (2.8 mm)",
        "dome",
        0,
        103.0,
        None,
        None,
        1920,
        1080,
        30,
        "STG",
        "Hikvision DS-2CD1123G0E-I 2 MP Fixed Dome Network Camera, data sheet; hikvision.com",
    ),
    (
        "Dahua",
        "SD49225XA-HNR",
        "ptz",
        360,
        58.4,
        2.6,
        25,
        1920,
        1080,
        100,
        "STG",
        "Dahua SD49225XA-HNR 2MP 25x Starlight IR WizSense Network PTZ Camera, data sheet; dahuasecurity.com",
    ),
    (
        "Dahua",
        "IPC-HDW1230T1-S5 (2.8 mm)",
        "dome",
        0,
        102.0,
        None,
        None,
        1920,
        1080,
        30,
        "SG",
        "Dahua IPC-HDW1230T1-S5 2MP Entry IR Fixed-focal Eyeball Network Camera, data sheet; dahuasecurity.com",
    ),
    (
        "Dahua",
        "IPC-HFW1230S-S5 (2.8 mm)",
        "fixed",
        0,
        102.0,
        None,
        None,
        1920,
        1080,
        30,
        "SG",
        "Dahua IPC-HFW1230S-S5 2MP Entry IR Fixed-focal Bullet Network Camera, data sheet; dahuasecurity.com",
    ),
    (
        "EZVIZ",
        "C6N",
        "dome",
        340,
        85.0,
        None,
        None,
        1920,
        1080,
        10,
        "",
        "EZVIZ C6N Smart Wi-Fi Pan & Tilt Camera, data sheet; ezviz.com",
    ),
    (
        "EZVIZ",
        "H8c",
        "dome",
        350,
        89.0,
        None,
        None,
        1920,
        1080,
        30,
        "",
        "EZVIZ H8c Outdoor Pan & Tilt Wi-Fi Camera, data sheet; ezviz.com",
    ),
    (
        "Imou",
        "Ranger 2 (IPC-A22EP)",
        "dome",
        355,
        83.0,
        None,
        None,
        1920,
        1080,
        10,
        "",
        "Imou Ranger 2 IPC-A22EP data sheet; imoulife.com",
    ),
    (
        "Imou",
        "Cruiser SE (IPC-S21FP)",
        "dome",
        355,
        87.0,
        None,
        None,
        1920,
        1080,
        30,
        "",
        "Imou Cruiser SE IPC-S21FP data sheet; imoulife.com",
    ),
    (
        "TP-Link",
        "Tapo C200",
        "dome",
        360,
        82.0,
        None,
        None,
        1920,
        1080,
        9,
        "S",
        "TP-Link Tapo C200 Pan/Tilt Home Security Wi-Fi Camera, specifications; tp-link.com",
    ),
    (
        "TP-Link",
        "VIGI C540 (4 mm)",
        "dome",
        355,
        87.0,
        None,
        None,
        2560,
        1440,
        30,
        "ST",
        "TP-Link VIGI C540 4MP Outdoor Full-Color Pan/Tilt Network Camera, data sheet; tp-link.com",
    ),
    (
        "Uniview",
        "IPC6322SR-X22P-C",
        "ptz",
        360,
        58.9,
        3.0,
        22,
        1920,
        1080,
        150,
        "STG",
        "Uniview IPC6322SR-X22P-C 2MP 22x Starlight IR Network PTZ Dome Camera, data sheet; uniview.com",
    ),
    (
        "Uniview",
        "IPC2122LB-SF28-A",
        "fixed",
        0,
        102.0,
        None,
        None,
        1920,
        1080,
        30,
        "STG",
        "Uniview IPC2122LB-SF28-A 2MP Mini Fixed Bullet Network Camera, data sheet; uniview.com",
    ),
    (
        "Hanwha Vision",
        "XNP-6400R",
        "ptz",
        360,
        61.8,
        1.7,
        40,
        1920,
        1080,
        200,
        "STG",
        "Hanwha Vision XNP-6400R 2MP 40x IR PTZ Camera, data sheet; hanwhavision.com",
    ),
    (
        "Axis",
        "Q6075-E",
        "ptz",
        360,
        63.7,
        1.7,
        40,
        1920,
        1080,
        None,
        "STG",
        "AXIS Q6075-E PTZ Camera, data sheet; axis.com",
    ),
    (
        "Axis",
        "M3106-LVE Mk II",
        "dome",
        0,
        100.0,
        None,
        None,
        2688,
        1512,
        15,
        "STGM",
        "AXIS M3106-LVE Mk II Network Camera, data sheet; axis.com",
    ),
]


def seed(apps, schema_editor):
    CatalogueCamera = apps.get_model("registry", "CatalogueCamera")
    for brand, model, kind, pan, wide, tele, zoom, width, height, ir, profiles, sheet in MODELS:
        CatalogueCamera.objects.update_or_create(
            brand=brand,
            model=model,
            defaults={
                "camera_type": kind,
                "pan_range_deg": pan,
                "hfov_wide_deg": wide,
                "hfov_tele_deg": tele,
                "optical_zoom": zoom,
                "resolution_h_px": width,
                "resolution_v_px": height,
                "night_vision": ir is not None,
                "night_vision_range_m": ir,
                **{f"onvif_profile_{p}": p.upper() in profiles for p in "stgm"},
                "datasheet": sheet,
            },
        )


def grant(apps, schema_editor):
    """Officers and supervisors curate the catalogue; auditors read it."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codes = {
        "officer": ["view", "add", "change"],
        "supervisor": ["view", "add", "change", "delete"],
        "auditor": ["view"],
    }
    for role, actions in codes.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="registry", codename__in=[f"{a}_cataloguecamera" for a in actions]
            )
        )


class Migration(migrations.Migration):
    dependencies = [("registry", "0019_camera_catalogue")]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
