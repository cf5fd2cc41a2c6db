"""A sane default retention schedule (SPEC R-ARC-1, 000 п.60: as long as the paper file).

Archivists adjust it in the admin (RetentionRule). Periods follow the usual court-file
nomenclature: civil and administrative cases 5 years, administrative-offence cases 3 years,
criminal cases 25 years; adoption and other personal-status matters are kept permanently (and
go to the state archive, R-ARC-4). A case no rule matches is kept permanently.
"""

from django.db import migrations

DEFAULT_RULES = (
    ("civil", "", 5, "Civil cases: 5 years after the year the case ended."),
    ("administrative", "", 5, "Administrative cases: 5 years after the year the case ended."),
    (
        "administrative_offense",
        "",
        3,
        "Administrative-offence cases: 3 years after the year the case ended.",
    ),
    ("criminal", "", 25, "Criminal cases: 25 years after the year the case ended."),
    ("civil", "adoption", None, "Adoption: permanent storage (state archive, R-ARC-4)."),
    ("civil", "paternity", None, "Establishing paternity: permanent storage."),
    ("civil", "land", None, "Land and real-estate title disputes: permanent storage."),
)


def add_rules(apps, schema_editor):
    RetentionRule = apps.get_model("archive", "RetentionRule")
    for proceeding, category, years, basis in DEFAULT_RULES:
        RetentionRule.objects.get_or_create(
            proceeding=proceeding,
            category=category,
            is_active=True,
            defaults={"years": years, "basis": basis},
        )


def remove_rules(apps, schema_editor):
    RetentionRule = apps.get_model("archive", "RetentionRule")
    for proceeding, category, _years, basis in DEFAULT_RULES:
        RetentionRule.objects.filter(proceeding=proceeding, category=category, basis=basis).delete()


class Migration(migrations.Migration):
    dependencies = [("archive", "0001_initial")]

    operations = [migrations.RunPython(add_rules, remove_rules)]
