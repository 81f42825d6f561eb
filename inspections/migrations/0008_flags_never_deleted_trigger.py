"""On PostgreSQL the database itself refuses to delete a compliance flag (whatever the code path:
raw SQL, a cascade, a console). TRUNCATE, used only to reset a test or benchmark database, is
not a row delete and still works. SQLite relies on the queryset's refusal."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION inspections_flag_never_deleted() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'compliance flags are never deleted; resolve them instead (flag %)', OLD.id
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER complianceflag_never_deleted BEFORE DELETE ON inspections_complianceflag
    FOR EACH ROW EXECUTE FUNCTION inspections_flag_never_deleted();
"""
DROP = """
DROP TRIGGER IF EXISTS complianceflag_never_deleted ON inspections_complianceflag;
DROP FUNCTION IF EXISTS inspections_flag_never_deleted();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("inspections", "0007_text_lengths_and_checked_photos")]

    operations = [migrations.RunPython(create, drop)]
