"""The census codes on a person, and the LA child identifier the returns use (issue 8)."""

from django.db import migrations, models

import mash.people.models


def give_child_ids(apps, schema_editor):  # type: ignore[no-untyped-def]
    Person = apps.get_model("people", "Person")
    for pk in Person.objects.filter(child_id__isnull=True).values_list("pk", flat=True).iterator():
        Person.objects.filter(pk=pk).update(child_id=mash.people.models.new_child_id())


class Migration(migrations.Migration):
    dependencies = [("people", "0002_person_merged_into")]

    operations = [
        migrations.AddField(
            model_name="person",
            name="ethnicity_code",
            field=models.CharField(
                blank=True,
                choices=[
                    ("WBRI", "White British"), ("WIRI", "White Irish"),
                    ("WIRT", "Traveller of Irish heritage"), ("WOTH", "Any other White background"),
                    ("WROM", "Gypsy or Roma"), ("MWBC", "White and Black Caribbean"),
                    ("MWBA", "White and Black African"), ("MWAS", "White and Asian"),
                    ("MOTH", "Any other mixed background"), ("AIND", "Indian"),
                    ("APKN", "Pakistani"), ("ABAN", "Bangladeshi"),
                    ("AOTH", "Any other Asian background"), ("BCRB", "Caribbean"),
                    ("BAFR", "African"), ("BOTH", "Any other Black background"),
                    ("CHNE", "Chinese"), ("OOTH", "Any other ethnic group"),
                    ("REFU", "Refused"), ("NOBT", "Information not yet obtained"),
                ],
                max_length=4,
                verbose_name="Ethnicity (census code)",
            ),
        ),
        migrations.AddField(
            model_name="person",
            name="disabilities",
            field=models.JSONField(
                blank=True, default=list, help_text="Census disability codes; ['NONE'] for none."
            ),
        ),
        migrations.AddField(
            model_name="person",
            name="upn_unknown",
            field=models.CharField(
                blank=True,
                choices=[
                    ("UN1", "Not of school age or not yet given a UPN"),
                    ("UN2", "Never attended a maintained school in England"),
                    ("UN3", "Educated outside England"),
                    ("UN4", "UPN not yet obtained"),
                    ("UN5", "Sources collating UPNs disagree"),
                    ("UN6", "Child with no UPN for another reason"),
                    ("UN7", "Referral with no further action"),
                ],
                max_length=3,
                verbose_name="Why there is no UPN",
            ),
        ),
        migrations.AddField(
            model_name="person",
            name="expected_date_of_birth",
            field=models.DateField(blank=True, help_text="Unborn children.", null=True),
        ),
        migrations.AddField(
            model_name="person",
            name="child_id",
            field=models.CharField(max_length=20, null=True, editable=False),
        ),
        migrations.RunPython(give_child_ids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="person",
            name="child_id",
            field=models.CharField(
                default=mash.people.models.new_child_id, editable=False, max_length=20, unique=True
            ),
        ),
    ]
