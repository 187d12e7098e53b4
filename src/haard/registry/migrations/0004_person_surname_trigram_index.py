"""A trigram index on the surname key for typo-tolerant name search (PostgreSQL only)."""

from django.db import migrations


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS person_surname_key_trgm "
        "ON registry_person USING gin (surname_key gin_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS person_surname_key_trgm")


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_fill_person_surname_keys")]

    operations = [migrations.RunPython(create_index, drop_index)]
