"""The access log's own retention: purges (proposal, dry run, decision, progress) and their
tombstones. On PostgreSQL the tombstone table refuses UPDATE, DELETE and TRUNCATE like the log
itself (the trigger function of audit/0002, as audit/0003 left it: its purge exception covers
the log's own tables only)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


PROTECT = """
CREATE TRIGGER retention_accesslogtombstone_append_only
    BEFORE UPDATE OR DELETE OR TRUNCATE ON retention_accesslogtombstone
    FOR EACH STATEMENT EXECUTE FUNCTION haard_refuse_change();
"""
UNPROTECT = "DROP TRIGGER IF EXISTS retention_accesslogtombstone_append_only ON retention_accesslogtombstone;"


def protect_tombstones(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(PROTECT, params=None)


def unprotect_tombstones(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(UNPROTECT, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('retention', '0002_grant_manage_retention'),
        ('audit', '0003_access_log_purge'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='AccessLogPurge',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(choices=[('open', 'awaiting a decision'), ('approved', 'approved: being carried out'), ('purged', 'approved and purged'), ('rejected', 'rejected: nothing purged')], default='open', max_length=10, verbose_name='status')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='proposed at')),
                ('years', models.PositiveSmallIntegerField(verbose_name='retention period (years)')),
                ('cutoff', models.DateTimeField(verbose_name='written before')),
                ('dry_run_at', models.DateTimeField(blank=True, null=True, verbose_name='dry run at')),
                ('dry_run', models.JSONField(blank=True, default=dict, verbose_name='dry run')),
                ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='decided at')),
                ('decision_reason', models.TextField(blank=True, verbose_name='reason for the decision')),
                ('started_at', models.DateTimeField(blank=True, null=True, verbose_name='started at')),
                ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='purged at')),
                ('progress', models.JSONField(blank=True, default=dict, verbose_name='removed so far')),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='decided by')),
                ('proposed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='proposed by')),
            ],
            options={
                'verbose_name': 'access log purge',
                'verbose_name_plural': 'access log purges',
                'ordering': ['-created_at', '-pk'],
            },
        ),
        migrations.CreateModel(
            name='AccessLogTombstone',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('covers_from', models.DateTimeField(blank=True, null=True, verbose_name='oldest entry removed')),
                ('covers_until', models.DateTimeField(blank=True, null=True, verbose_name='newest entry removed')),
                ('cutoff', models.DateTimeField(verbose_name='written before')),
                ('basis_detail', models.CharField(max_length=200, verbose_name='rule')),
                ('entries', models.PositiveBigIntegerField(verbose_name='entries removed')),
                ('subjects', models.PositiveBigIntegerField(verbose_name='people in entries removed')),
                ('grants', models.PositiveIntegerField(verbose_name='emergency-access grants removed')),
                ('counts', models.JSONField(default=dict, verbose_name='entries removed per month and record type')),
                ('started_at', models.DateTimeField(verbose_name='started at')),
                ('purged_at', models.DateTimeField(db_index=True, verbose_name='purged at')),
                ('decided_at', models.DateTimeField(verbose_name='decided at')),
                ('decision_reason', models.TextField(verbose_name='reason for the decision')),
                ('decided_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='decided by')),
                ('purge', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='tombstone', to='retention.accesslogpurge')),
            ],
            options={
                'verbose_name': 'access log tombstone',
                'verbose_name_plural': 'access log tombstones',
                'ordering': ['-purged_at', '-pk'],
                'default_permissions': ('view',),
                'base_manager_name': 'objects',
            },
        ),
        migrations.RunPython(protect_tombstones, unprotect_tombstones),
    ]
