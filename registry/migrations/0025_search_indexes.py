"""Indexes behind the officers' text search and the registration's duplicate check, on PostgreSQL.

The search asks UPPER(name::text) LIKE UPPER('%…%') (Django's icontains), which a trigram index
on that same expression answers (pg_trgm, a trusted extension: a database owner may create it);
the duplicate check asks for the NIB, or UPPER(name) and UPPER(address) equal (iexact). SQLite,
the demo's database, scans: it keeps none of these.
"""

from django.db import migrations

INDEXES = {
    "premises_name_trgm_idx": "USING gin (upper((name)::text) gin_trgm_ops)",
    "premises_address_trgm_idx": "USING gin (upper((address)::text) gin_trgm_ops)",
    "premises_nib_idx": "(nib) WHERE nib <> ''",
    "premises_name_address_upper_idx": "(upper((name)::text), upper((address)::text))",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, definition in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON registry_premises {definition}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("registry", "0024_measured_pixel_density")]

    operations = [migrations.RunPython(create, drop)]
