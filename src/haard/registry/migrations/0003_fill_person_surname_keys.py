"""Fill Person.surname_key for people registered before the column existed."""

from django.db import migrations

BATCH = 2000


def fill_keys(apps, schema_editor):
    from haard.registry.matching import surname_key

    Person = apps.get_model("registry", "Person")
    batch = []
    for person in Person.objects.filter(surname_key="").only("pk", "surname_prefix", "surname").iterator(BATCH):
        person.surname_key = surname_key(person.surname_prefix, person.surname)
        batch.append(person)
        if len(batch) >= BATCH:
            Person.objects.bulk_update(batch, ["surname_key"])
            batch = []
    if batch:
        Person.objects.bulk_update(batch, ["surname_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0002_person_matching_and_merges"),
    ]

    operations = [migrations.RunPython(fill_keys, migrations.RunPython.noop)]
