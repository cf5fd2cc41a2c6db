"""Issue 9 "Bank receipts": make existing receipt codes unique before the constraint (0005).

Before the constraint, a race could store one receipt code on two attachments. For each code
used more than once, the verified gateway e-receipt (an attachment a paid Payment points to)
keeps the code, or else the earliest upload. Every other copy is renamed to
`DUP-<attachment id>-<code>` (nothing the applicant sent is deleted, R-ECP-2), an audit row
`duty.receipt_code_deduplicated` records the original code, and a filing whose duty status was
`receipt` only because of the renamed copy goes back to `missing`, so the clerk sees it unpaid.
Also adds the payment status `mismatch` (a gateway confirmation of another amount).
"""

from django.db import migrations, models
from django.db.models import Count

DUPLICATE_PREFIX = "DUP-"


def _free_code(Attachment, code: str, pk: int) -> str:
    prefix = f"{DUPLICATE_PREFIX}{pk}-"
    candidate = (prefix + code)[:64]
    counter = 1
    while Attachment.objects.filter(receipt_code=candidate).exists():
        suffix = f"-{counter}"
        candidate = (prefix + code)[: 64 - len(suffix)] + suffix
        counter += 1
    return candidate


def deduplicate_receipt_codes(apps, schema_editor):
    Attachment = apps.get_model("filings", "Attachment")
    Payment = apps.get_model("filings", "Payment")
    AuditLog = apps.get_model("core", "AuditLog")
    codes = (
        Attachment.objects.exclude(receipt_code="")
        .values("receipt_code")
        .annotate(uses=Count("id"))
        .filter(uses__gt=1)
        .values_list("receipt_code", flat=True)
    )
    for code in list(codes):
        group = list(
            Attachment.objects.filter(receipt_code=code).select_related("filing").order_by("id")
        )
        verified = set(
            Payment.objects.filter(receipt_attachment__in=group, status="paid").values_list(
                "receipt_attachment_id", flat=True
            )
        )
        keep = next((item for item in group if item.pk in verified), group[0])
        for item in group:
            if item.pk == keep.pk:
                continue
            renamed = _free_code(Attachment, code, item.pk)
            item.receipt_code = renamed
            item.save(update_fields=["receipt_code"])
            filing = item.filing
            reopened = False
            if filing.duty_status == "receipt":
                other_receipts = (
                    Attachment.objects.filter(filing=filing, kind="duty_receipt")
                    .exclude(receipt_code="")
                    .exclude(receipt_code__startswith=DUPLICATE_PREFIX)
                )
                if not other_receipts.exists():
                    filing.duty_status = "missing" if filing.duty_amount else "not_required"
                    filing.save(update_fields=["duty_status"])
                    reopened = True
            AuditLog.objects.create(
                action="duty.receipt_code_deduplicated",
                object_type="filings.Attachment",
                object_id=str(item.pk),
                data={
                    "code": code,
                    "renamed_to": renamed,
                    "filing": filing.pk,
                    "kept_on_attachment": keep.pk,
                    "kept_on_filing": keep.filing_id,
                    "duty_reopened": reopened,
                },
            )


class Migration(migrations.Migration):
    dependencies = [
        ("filings", "0003_alter_deferral_options_alter_dutytariff_options_and_more"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="payment",
            name="status",
            field=models.CharField(
                choices=[
                    ("pending", "Pending"),
                    ("paid", "Paid"),
                    ("failed", "Failed"),
                    ("mismatch", "Amount mismatch (not counted)"),
                ],
                default="pending",
                max_length=8,
            ),
        ),
        migrations.RunPython(deduplicate_receipt_codes, migrations.RunPython.noop),
    ]
