"""Ship the violence taxonomy: the forms Veilig Thuis and CBS distinguish."""

from django.db import migrations

# code, Dutch, English, parent code, a form of child abuse
TYPES = [
    ("physical", "Lichamelijk geweld", "Physical violence", None, False),
    ("psychological", "Psychisch geweld", "Psychological violence", None, False),
    ("sexual", "Seksueel geweld", "Sexual violence", None, False),
    ("neglect", "Verwaarlozing", "Neglect", None, False),
    ("economic", "Financiële uitbuiting", "Economic abuse", None, False),
    ("stalking", "Stalking", "Stalking", None, False),
    ("honour_related", "Eergerelateerd geweld", "Honour-related violence", None, False),
    ("forced_marriage", "Huwelijksdwang", "Forced marriage", None, False),
    ("abandonment", "Achterlating", "Abandonment abroad", None, False),
    ("trafficking", "Mensenhandel en uitbuiting", "Human trafficking and exploitation", None, False),
    ("elder_abuse", "Ouderenmishandeling", "Elder abuse", None, False),
    ("child_abuse", "Kindermishandeling", "Child abuse", None, True),
    ("child_physical_abuse", "Lichamelijke mishandeling van een kind", "Physical abuse of a child", "child_abuse", True),
    ("child_psychological_abuse", "Psychische mishandeling van een kind", "Psychological abuse of a child", "child_abuse", True),
    ("child_physical_neglect", "Lichamelijke verwaarlozing van een kind", "Physical neglect of a child", "child_abuse", True),
    ("child_psychological_neglect", "Psychische verwaarlozing van een kind", "Psychological neglect of a child", "child_abuse", True),
    ("child_sexual_abuse", "Seksueel misbruik van een kind", "Sexual abuse of a child", "child_abuse", True),
    ("child_witnessing", "Getuige van huiselijk geweld (kind)", "Child witnessing domestic violence", "child_abuse", True),
    ("female_genital_mutilation", "Vrouwelijke genitale verminking", "Female genital mutilation", "child_abuse", True),
]


def ship(apps, schema_editor):
    ViolenceType = apps.get_model("intake", "ViolenceType")
    by_code = {}
    for order, (code, name_nl, name_en, parent, children) in enumerate(TYPES):
        by_code[code], _ = ViolenceType.objects.update_or_create(
            code=code,
            defaults={
                "name_nl": name_nl,
                "name_en": name_en,
                "parent": by_code.get(parent),
                "involves_children": children,
                "order": order * 10,
            },
        )


def unship(apps, schema_editor):
    apps.get_model("intake", "ViolenceType").objects.filter(parent__isnull=False).delete()
    apps.get_model("intake", "ViolenceType").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("intake", "0001_initial")]

    operations = [migrations.RunPython(ship, unship)]
