"""The admin's search asks for each word in the name, the NIB or the address (icontains on all three):
the NIB had no trigram index, so every search read the whole premises table (111 ms at 100,000
premises, under 1 ms with it). PostgreSQL only, as in 0025."""

from django.db import migrations

INDEX = "premises_nib_trgm_idx"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON registry_premises USING gin (upper((nib)::text) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("registry", "0026_premises_road_category_index")]

    operations = [migrations.RunPython(create, drop)]
