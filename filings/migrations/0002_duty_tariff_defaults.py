"""Default state-duty tariff and the MCI for 2026 (SPEC R-FIL-5). Data only; edit in the admin.

MCI (МРП/АЕК) 2026 = 4 325 ₸: Law of the Republic of Kazakhstan "On the republican budget for
2026–2028", signed 8 December 2025 (up from 3 932 ₸ in 2025).

Rates: Tax Code of the Republic of Kazakhstan, state duty in the courts (art. 610 of the 2017
edition): property claims 1% of the claim (individuals) / 3% (legal entities); non-property
claims 0.5 MCI / 5 MCI; special proceedings (statements) 0.5 MCI; appeals and cassation
complaints 50% of the first-instance rate. Administrative claims are charged as non-property
claims. Criminal and administrative-offence matters, motions, responses, withdrawals and
hearing-record applications carry no duty (no row = not required). The table is a reasonable
default for the demo and tests: operators check it against the Tax Code in force and edit it in
the admin, never in code.
"""

from decimal import Decimal

from django.db import migrations

ART = "ҚР Салық кодексі, 610-бап (2017 ж. ред.)"

# (proceeding, kind, applicant_kind, percent_of_claim, fixed_mci, basis)
TARIFFS = (
    [
        ("civil", kind, "individual", Decimal("1"), 0, f"{ART}: жеке тұлға, мүліктік талап — 1%")
        for kind in ("claim", "counterclaim")
    ]
    + [
        ("civil", kind, "legal_entity", Decimal("3"), 0, f"{ART}: заңды тұлға, мүліктік талап — 3%")
        for kind in ("claim", "counterclaim")
    ]
    + [
        (
            "civil",
            kind,
            "individual",
            0,
            Decimal("0.5"),
            f"{ART}: жеке тұлға, мүліктік емес — 0,5 АЕК",
        )
        for kind in ("claim", "counterclaim")
    ]
    + [
        (
            "civil",
            kind,
            "legal_entity",
            0,
            Decimal("5"),
            f"{ART}: заңды тұлға, мүліктік емес — 5 АЕК",
        )
        for kind in ("claim", "counterclaim")
    ]
    + [
        ("civil", "statement", "", 0, Decimal("0.5"), f"{ART}: ерекше іс жүргізу — 0,5 АЕК"),
    ]
    + [
        (
            "civil",
            kind,
            applicant,
            percent,
            fixed,
            f"{ART}: шағым — бірінші сатыдағы ставканың 50%",
        )
        for kind in ("appeal", "cassation")
        for applicant, percent, fixed in (
            ("individual", Decimal("0.5"), 0),
            ("legal_entity", Decimal("1.5"), 0),
            ("individual", 0, Decimal("0.25")),
            ("legal_entity", 0, Decimal("2.5")),
        )
    ]
    + [
        (
            "administrative",
            "claim",
            "individual",
            0,
            Decimal("0.5"),
            f"{ART}: әкімшілік талап, жеке тұлға — 0,5 АЕК",
        ),
        (
            "administrative",
            "claim",
            "legal_entity",
            0,
            Decimal("5"),
            f"{ART}: әкімшілік талап, заңды тұлға — 5 АЕК",
        ),
        ("administrative", "statement", "", 0, Decimal("0.5"), f"{ART}: өтініш — 0,5 АЕК"),
    ]
    + [
        (
            "administrative",
            kind,
            applicant,
            0,
            fixed,
            f"{ART}: шағым — бірінші сатыдағы ставканың 50%",
        )
        for kind in ("appeal", "cassation")
        for applicant, fixed in (("individual", Decimal("0.25")), ("legal_entity", Decimal("2.5")))
    ]
)

MCI = [(2025, Decimal("3932")), (2026, Decimal("4325"))]


def load(apps, schema_editor):
    DutyTariff = apps.get_model("filings", "DutyTariff")
    MciValue = apps.get_model("filings", "MciValue")
    for year, amount in MCI:
        MciValue.objects.get_or_create(year=year, defaults={"amount": amount})
    if DutyTariff.objects.exists():
        return  # an operator's table is never overwritten
    DutyTariff.objects.bulk_create(
        DutyTariff(
            proceeding=proceeding,
            kind=kind,
            applicant_kind=applicant_kind,
            percent_of_claim=percent,
            fixed_mci=fixed,
            basis=basis,
        )
        for proceeding, kind, applicant_kind, percent, fixed, basis in TARIFFS
    )


def unload(apps, schema_editor):
    DutyTariff = apps.get_model("filings", "DutyTariff")
    MciValue = apps.get_model("filings", "MciValue")
    DutyTariff.objects.filter(basis__startswith=ART).delete()
    MciValue.objects.filter(year__in=[year for year, _amount in MCI]).delete()


class Migration(migrations.Migration):
    dependencies = [("filings", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
