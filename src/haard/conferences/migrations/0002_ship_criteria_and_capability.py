"""Ship the documented agenda criteria (a region edits them as data) and grant the capability
to chair case conferences.

Who chairs: case managers (the casusregisseur or process coordinator who leads the family's
plan, as in MDA++ where the case director comes from the local team) and safety assessors of
Veilig Thuis (who bring the most unsafe families to the Veiligheidshuis table). Other roles take
part as participants when a chair invites them; they need no capability beyond seeing personal
data."""

from django.db import migrations

CHAIR_ROLES = ("case_manager", "safety_assessor")

# code, label (Dutch, English), description (Dutch, English)
CRITERIA = [
    (
        "severe_long_lasting",
        ("Ernstig of langdurig geweld", "Severe or long-lasting violence"),
        (
            "Ernstig lichamelijk, seksueel of psychisch geweld, of geweld dat al lang duurt.",
            "Serious physical, sexual or psychological violence, or violence that has lasted a long time.",
        ),
    ),
    (
        "repeat_after_help",
        ("Geweld gaat door ondanks hulp", "Violence continues despite help"),
        (
            "Nieuwe meldingen of incidenten terwijl er al hulp is, of nadat eerdere hulp stopte.",
            "New reports or incidents while help is already given, or after earlier help ended.",
        ),
    ),
    (
        "children_unsafe",
        ("Kinderen structureel onveilig", "Children are structurally unsafe"),
        (
            "Kinderen zijn slachtoffer of getuige en het huidige plan borgt hun veiligheid niet.",
            "Children are victims or witnesses and their safety is not secured by the current plan.",
        ),
    ),
    (
        "care_and_justice",
        ("Zorg en justitie beide betrokken", "Care and justice both involved"),
        (
            "Naast zorg zijn politie, Openbaar Ministerie of reclassering betrokken.",
            "Police, the Public Prosecution Service or probation are involved next to care.",
        ),
    ),
    (
        "multiple_problems",
        ("Problemen op meerdere leefgebieden", "Problems in several areas of life"),
        (
            "Geweld samen met bijvoorbeeld verslaving, psychische problemen, schulden of huisvesting.",
            "Violence together with, for example, addiction, mental illness, debts or housing.",
        ),
    ),
    (
        "stagnating_help",
        ("Hulpverlening stagneert", "Help has stalled"),
        (
            "De partners komen alleen niet verder: hulp wordt geweigerd, loopt vast of is niet afgestemd.",
            "The partners cannot make progress alone: help is refused, stuck or not coordinated.",
        ),
    ),
    (
        "high_risk_perpetrator",
        ("Pleger met hoog risico", "High-risk perpetrator"),
        (
            "Ernstige dreiging, stalking, overtreding van een huisverbod of toegang tot wapens.",
            "Serious threat, stalking, breach of a restraining order or access to weapons.",
        ),
    ),
    (
        "specific_group",
        ("Specifieke vorm van geweld", "Specific form of violence"),
        (
            "Eergerelateerd geweld, huwelijksdwang of achterlating, uitbuiting of mensenhandel.",
            "Honour-related violence, forced marriage or abandonment, exploitation or human trafficking.",
        ),
    ),
]


def ship(apps, schema_editor):
    AgendaCriterion = apps.get_model("conferences", "AgendaCriterion")
    for order, (code, (label_nl, label_en), (description_nl, description_en)) in enumerate(CRITERIA):
        AgendaCriterion.objects.update_or_create(
            code=code,
            defaults={
                "label_nl": label_nl,
                "label_en": label_en,
                "description_nl": description_nl,
                "description_en": description_en,
                "order": order,
            },
        )
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Role = apps.get_model("accounts", "Role")
    conference_type, _ = ContentType.objects.get_or_create(app_label="conferences", model="conference")
    capability, _ = Permission.objects.get_or_create(
        content_type=conference_type,
        codename="chair_conferences",
        defaults={"name": "Can chair case conferences"},
    )
    for role in Role.objects.filter(key__in=CHAIR_ROLES).select_related("group"):
        role.group.permissions.add(capability)


def unship(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(content_type__app_label="conferences", codename="chair_conferences").delete()
    apps.get_model("conferences", "AgendaCriterion").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("conferences", "0001_initial"),
        ("accounts", "0002_ship_roles"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(ship, unship)]
