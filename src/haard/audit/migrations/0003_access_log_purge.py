"""The controlled purge of the access log, and Django's base manager of the log refusing
changes too.

On PostgreSQL the database still refuses every UPDATE, and every DELETE except one: inside a
transaction in which `haard.audit.purge` has set `haard.access_log_purge` to 'on' (with
set_config(..., true), so for that transaction only), a DELETE goes through for rows written
before the retention limit, which the database computes itself from the region setting
`audit.access_log_years` (15 years when the region has not set it, as the declared default in
`haard.audit.purge`). A row inside its retention period is refused even then. TRUNCATE stays
refused outside the test runner (see 0002)."""

from django.db import migrations

REFUSE_CHANGE = """
CREATE OR REPLACE FUNCTION haard_refuse_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' AND current_setting('haard.allow_log_truncate', true) = 'on' THEN
        RETURN NULL;
    END IF;
    -- The controlled purge: every row is checked by the row trigger before it goes.
    IF TG_OP = 'DELETE' AND TG_TABLE_NAME IN ('audit_accesslogentry', 'audit_accesslogsubject')
            AND current_setting('haard.access_log_purge', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'The access log is append-only: % on % is refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""

# 15: the default of `audit.access_log_years` (haard.audit.purge.DEFAULT_YEARS).
LIMIT = """
CREATE OR REPLACE FUNCTION haard_access_log_limit() RETURNS timestamptz AS $$
DECLARE
    stored jsonb;
    years integer;
BEGIN
    SELECT value INTO stored FROM core_regionsetting WHERE key = 'audit.access_log_years';
    IF stored IS NULL THEN
        years := 15;
    ELSIF jsonb_typeof(stored) = 'number' THEN
        years := (stored #>> '{}')::integer;
    END IF;
    IF years IS NULL OR years < 1 THEN
        RAISE EXCEPTION 'The access log is append-only: audit.access_log_years (%) is no valid period', stored
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN now() - make_interval(years => years);
END;
$$ LANGUAGE plpgsql STABLE;
"""

PURGE_ENTRY = """
CREATE OR REPLACE FUNCTION haard_access_log_purge_entry() RETURNS trigger AS $$
BEGIN
    IF current_setting('haard.access_log_purge', true) IS DISTINCT FROM 'on' THEN
        RAISE EXCEPTION 'The access log is append-only: DELETE on % is refused', TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF OLD.at >= haard_access_log_limit() THEN
        RAISE EXCEPTION 'The access log is append-only: entry % is within its retention period', OLD.id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN OLD;
END;
$$ LANGUAGE plpgsql;
"""

PURGE_SUBJECT = """
CREATE OR REPLACE FUNCTION haard_access_log_purge_subject() RETURNS trigger AS $$
DECLARE
    written timestamptz;
BEGIN
    IF current_setting('haard.access_log_purge', true) IS DISTINCT FROM 'on' THEN
        RAISE EXCEPTION 'The access log is append-only: DELETE on % is refused', TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT at INTO written FROM audit_accesslogentry WHERE id = OLD.entry_id;
    IF written IS NULL OR written >= haard_access_log_limit() THEN
        RAISE EXCEPTION 'The access log is append-only: entry % is within its retention period', OLD.entry_id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN OLD;
END;
$$ LANGUAGE plpgsql;
"""

# The function as migration 0002 made it, for going back.
REFUSE_CHANGE_BEFORE = """
CREATE OR REPLACE FUNCTION haard_refuse_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' AND current_setting('haard.allow_log_truncate', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'The access log is append-only: % on % is refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""

ROW_TRIGGERS = """
CREATE TRIGGER audit_accesslogentry_purge_row BEFORE DELETE ON audit_accesslogentry
    FOR EACH ROW EXECUTE FUNCTION haard_access_log_purge_entry();
CREATE TRIGGER audit_accesslogsubject_purge_row BEFORE DELETE ON audit_accesslogsubject
    FOR EACH ROW EXECUTE FUNCTION haard_access_log_purge_subject();
"""

DROP_ROW_TRIGGERS = """
DROP TRIGGER IF EXISTS audit_accesslogentry_purge_row ON audit_accesslogentry;
DROP TRIGGER IF EXISTS audit_accesslogsubject_purge_row ON audit_accesslogsubject;
DROP FUNCTION IF EXISTS haard_access_log_purge_entry();
DROP FUNCTION IF EXISTS haard_access_log_purge_subject();
DROP FUNCTION IF EXISTS haard_access_log_limit();
"""


def allow_controlled_purge(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in (LIMIT, PURGE_ENTRY, PURGE_SUBJECT, REFUSE_CHANGE, ROW_TRIGGERS):
        schema_editor.execute(statement, params=None)


def refuse_every_purge(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in (REFUSE_CHANGE_BEFORE, DROP_ROW_TRIGGERS):
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_append_only_trigger"),
        ("core", "0002_add_region_setting"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="accesslogentry",
            options={
                "base_manager_name": "objects",
                "default_permissions": ("view",),
                "ordering": ["-at", "-id"],
                "verbose_name": "access log entry",
                "verbose_name_plural": "access log",
            },
        ),
        migrations.AlterModelOptions(
            name="accesslogsubject",
            options={
                "base_manager_name": "objects",
                "default_permissions": ("view",),
                "verbose_name": "person in access log entry",
                "verbose_name_plural": "people in access log entries",
            },
        ),
        migrations.RunPython(allow_controlled_purge, refuse_every_purge),
    ]
