"""Issue 9 "Bank receipts": a database guarantee that one receipt code is used once (R-FIL-5).

A separate migration from the clean-up (0004), so the data change and the new index are not
in one transaction (PostgreSQL refuses to alter a table with pending trigger events).
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("filings", "0004_receipt_code_deduplicate"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="attachment",
            constraint=models.UniqueConstraint(
                condition=models.Q(("receipt_code", ""), _negated=True),
                fields=("receipt_code",),
                name="filings_attachment_receipt_code_unique",
            ),
        ),
    ]
