"""Grant the capability to decide on destruction and to answer requests of data subjects
(`manage_retention`) to the privacy officer: the role the brief gives "who saw which file, and
why", and the AVG's data protection officer's part in access and erasure requests."""

from django.db import migrations

ROLES = ("privacy_officer",)


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Role = apps.get_model("accounts", "Role")
    proposal_type, _ = ContentType.objects.get_or_create(app_label="retention", model="destructionproposal")
    capability, _ = Permission.objects.get_or_create(
        content_type=proposal_type,
        codename="manage_retention",
        defaults={"name": "Can decide on destruction and answer requests of data subjects"},
    )
    for role in Role.objects.filter(key__in=ROLES).select_related("group"):
        role.group.permissions.add(capability)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(content_type__app_label="retention", codename="manage_retention").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("retention", "0001_initial"),
        ("accounts", "0002_ship_roles"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
