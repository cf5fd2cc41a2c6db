"""Concurrent ledger appends never fork the chain (SPEC R-ARC-2), on PostgreSQL.

Threads each hold their own database connection and append to one archive's ledger at once;
the row lock on the archive's head queues them. These tests need row locks that SQLite does not
have (it serialises whole-database writes instead), so they run on PostgreSQL only, like the
registry's concurrency tests; CI runs them there.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from archive.audit import audit_transfer
from archive.models import LedgerEntry, LedgerKind
from archive.services import record_access

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row-level locking needs PostgreSQL"
    ),
]

READERS = 8


def test_concurrent_reads_append_one_unbroken_chain(archived, judge):
    """GIVEN one archive WHEN eight reads are logged at the same moment
    THEN the ledger holds eight new entries with consecutive seq and the chain verifies."""
    before = LedgerEntry.objects.filter(transfer=archived).count()
    barrier = threading.Barrier(READERS)

    def read(number: int) -> None:
        try:
            barrier.wait(timeout=30)
            record_access(judge, archived, LedgerKind.READ, what=f"reader {number}")
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=READERS) as pool:
        list(pool.map(read, range(READERS)))

    seqs = list(
        LedgerEntry.objects.filter(transfer=archived).order_by("seq").values_list("seq", flat=True)
    )
    assert seqs == list(range(1, before + READERS + 1))
    report = audit_transfer(archived, trigger="test", record=False)
    assert report["ledger"]["ok"] is True
    assert report["ledger"]["length"] == before + READERS
