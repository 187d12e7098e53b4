"""Ship the roles of the brief as groups with their capabilities."""

from django.db import migrations

CAPABILITIES = {
    "intake_worker": ["view_personal_data", "search_people", "register_reports", "break_glass"],
    "safety_assessor": [
        "view_personal_data",
        "search_people",
        "register_reports",
        "assess_safety",
        "view_cases",
        "manage_cases",
        "break_glass",
    ],
    "case_manager": ["view_personal_data", "view_cases", "manage_cases", "break_glass"],
    "professional": ["view_personal_data", "file_meldcode"],
    "police_officer": ["view_personal_data", "send_police_reports", "manage_restraining_orders"],
    "mayors_office": ["view_personal_data", "manage_restraining_orders"],
    "shelter_coordinator": ["view_personal_data", "manage_shelter"],
    "policy_officer": ["view_figures"],
    "privacy_officer": ["view_personal_data", "view_access_log", "review_emergency_access"],
    "administrator": ["administer"],
}
GROUP_NAMES = {
    "intake_worker": "Intake worker",
    "safety_assessor": "Safety assessor",
    "case_manager": "Case manager",
    "professional": "Professional",
    "police_officer": "Police officer",
    "mayors_office": "Mayor's office",
    "shelter_coordinator": "Shelter coordinator",
    "policy_officer": "Policy officer",
    "privacy_officer": "Privacy officer",
    "administrator": "Administrator",
}
# The administrator manages the organisation structure in the admin, not client data.
ADMIN_MODEL_PERMISSIONS = {
    "accounts": ["organisation", "team", "user", "membership", "apiclient", "apitoken", "role"],
    "core": ["region", "municipality", "district", "neighbourhood"],
}


def ship_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Role = apps.get_model("accounts", "Role")

    role_type, _ = ContentType.objects.get_or_create(app_label="accounts", model="role")
    capability_names = dict(Role._meta.permissions)
    capability = {
        codename: Permission.objects.get_or_create(
            content_type=role_type, codename=codename, defaults={"name": name}
        )[0]
        for codename, name in capability_names.items()
    }
    admin_permissions = []
    for app_label, models in ADMIN_MODEL_PERMISSIONS.items():
        for model in models:
            model_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
            for action in ("add", "change", "delete", "view"):
                permission, _ = Permission.objects.get_or_create(
                    content_type=model_type,
                    codename=f"{action}_{model}",
                    defaults={"name": f"Can {action} {model}"},
                )
                admin_permissions.append(permission)

    for order, (key, codenames) in enumerate(CAPABILITIES.items()):
        group, _ = Group.objects.get_or_create(name=GROUP_NAMES[key])
        group.permissions.set([capability[c] for c in codenames])
        if key == "administrator":
            group.permissions.add(*admin_permissions)
        Role.objects.update_or_create(
            key=key,
            defaults={
                "group": group,
                "sees_personal_data": "view_personal_data" in codenames,
                "order": order,
            },
        )


def remove_roles(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=GROUP_NAMES.values()).delete()
    Role.objects.filter(key__in=CAPABILITIES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("core", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(ship_roles, remove_roles)]
