"""Append-only archive records (SPEC R-ARC-2): the ORM refuses to change or delete them."""

from __future__ import annotations

import pytest
from django.db.models import ProtectedError

from archive.models import ArchiveItem, LedgerEntry, SignatureRecord
from sotkabinet.errors import Conflict


def test_ledger_entries_cannot_be_changed_or_deleted(archived):
    entry = LedgerEntry.objects.filter(transfer=archived).first()
    entry.payload = {"forged": True}
    with pytest.raises(Conflict) as error:
        entry.save()
    assert error.value.code == "append_only"
    with pytest.raises(Conflict):
        entry.delete()
    with pytest.raises(Conflict):
        LedgerEntry.objects.filter(transfer=archived).update(kind="read")
    with pytest.raises(Conflict):
        LedgerEntry.objects.filter(transfer=archived).delete()
    assert LedgerEntry.objects.get(pk=entry.pk).payload != {"forged": True}


def test_items_are_immutable_but_for_disposal(archived):
    item = ArchiveItem.objects.filter(transfer=archived).first()
    item.sha256 = "0" * 64
    with pytest.raises(Conflict):
        item.save()
    with pytest.raises(Conflict):
        item.save(update_fields=["sha256"])
    with pytest.raises(Conflict):
        item.delete()
    with pytest.raises(Conflict):
        ArchiveItem.objects.filter(transfer=archived).update(title="x")


def test_signature_records_are_immutable(archived):
    record = SignatureRecord.objects.filter(transfer=archived).first()
    with pytest.raises(Conflict):
        record.save()
    with pytest.raises(Conflict):
        SignatureRecord.objects.all().delete()


def test_the_archive_cannot_be_deleted_under_its_items(archived):
    with pytest.raises(ProtectedError):
        archived.delete()
