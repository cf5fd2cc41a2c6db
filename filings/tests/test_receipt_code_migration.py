"""Issue 9 "Bank receipts": the migration that adds the receipt-code uniqueness guarantee
keeps every attachment and settles codes that a race already stored twice (R-FIL-5, R-ECP-2)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("filings", "0003_alter_deferral_options_alter_dutytariff_options_and_more")
AFTER = ("filings", "0005_attachment_receipt_code_unique")


def _attachment(Attachment, filing_id: int, code: str, kind: str = "duty_receipt"):
    return Attachment.objects.create(
        filing_id=filing_id,
        kind=kind,
        title="Чек",
        filename="chek.pdf",
        original_filename="chek.pdf",
        size=1,
        sha256="0" * 64,
        blob="x",
        receipt_code=code,
    )


def test_duplicate_codes_are_renamed_and_the_verified_one_keeps_its_code(court, make_user):
    applicant = make_user("applicant")
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    executor.migrate([BEFORE])
    try:
        old = MigrationExecutor(connection).loader.project_state([BEFORE]).apps
        Filing = old.get_model("filings", "Filing")
        Attachment = old.get_model("filings", "Attachment")
        Payment = old.get_model("filings", "Payment")

        def filing(status: str = "receipt"):
            return Filing.objects.create(
                court_id=court.pk,
                instance="first",
                proceeding="civil",
                kind="claim",
                title="T",
                author_id=applicant.pk,
                duty_amount=Decimal("100.00"),
                duty_status=status,
            )

        # Two bank receipts under one code: the earlier keeps it.
        first, second = filing(), filing()
        kept = _attachment(Attachment, first.pk, "KASPI-1")
        renamed = _attachment(Attachment, second.pk, "KASPI-1")
        # A bank receipt uploaded before the gateway's e-receipt of the same code: the verified
        # e-receipt keeps the code although it is later.
        third, fourth = filing(), filing("paid")
        squatted = _attachment(Attachment, third.pk, "EGOV-9")
        e_receipt = _attachment(Attachment, fourth.pk, "EGOV-9")
        Payment.objects.create(
            filing_id=fourth.pk,
            amount=Decimal("100.00"),
            status="paid",
            reference="r-1",
            receipt_code="EGOV-9",
            payer_id=applicant.pk,
            receipt_attachment_id=e_receipt.pk,
        )
        executor = MigrationExecutor(connection)
        executor.migrate([AFTER])
    finally:
        MigrationExecutor(connection).migrate(leaves)

    from filings.models import Attachment as Current
    from filings.models import Filing as CurrentFiling
    from sotkabinet.core.models import AuditLog

    assert Current.objects.get(pk=kept.pk).receipt_code == "KASPI-1"
    assert Current.objects.get(pk=renamed.pk).receipt_code == f"DUP-{renamed.pk}-KASPI-1"
    assert Current.objects.get(pk=e_receipt.pk).receipt_code == "EGOV-9"
    assert Current.objects.get(pk=squatted.pk).receipt_code == f"DUP-{squatted.pk}-EGOV-9"
    assert Current.objects.count() == 4  # nothing is deleted
    # The filings whose only receipt was a duplicate are unpaid again; the others keep theirs.
    statuses = dict(CurrentFiling.objects.values_list("pk", "duty_status"))
    assert statuses[first.pk] == "receipt" and statuses[fourth.pk] == "paid"
    assert statuses[second.pk] == "missing" and statuses[third.pk] == "missing"
    rows = AuditLog.objects.filter(action="duty.receipt_code_deduplicated")
    assert {row.data["code"] for row in rows} == {"KASPI-1", "EGOV-9"}
    assert {row.object_id for row in rows} == {str(renamed.pk), str(squatted.pk)}
