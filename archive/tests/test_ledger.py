"""The pure hash chain (archive.ledger): no database. SPEC R-ARC-2 (tamper evidence)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from archive.ledger import GENESIS, Entry, canonical_entry, entry_hash, verify_chain

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def chain(length: int, archive: int = 7) -> list[Entry]:
    entries, previous = [], GENESIS
    for seq in range(1, length + 1):
        at = START + timedelta(minutes=seq)
        payload = {"n": seq, "title": "Шешім"}
        digest = entry_hash(previous, archive, seq, at, "read", payload)
        entries.append(Entry(archive, seq, at, "read", payload, previous, digest))
        previous = digest
    return entries


def check(entries, length=None, head=None, archive=7):
    original = chain(5, archive)
    return verify_chain(
        entries,
        archive=archive,
        expected_length=length if length is not None else len(original),
        expected_head=head if head is not None else original[-1].hash,
    )


def test_an_intact_chain_verifies():
    report = check(chain(5))
    assert report.ok and report.break_at is None
    assert report.length == 5 and report.head == chain(5)[-1].hash


def test_hash_covers_every_field_and_the_previous_hash():
    base = entry_hash(GENESIS, 1, 1, START, "read", {"a": 1})
    assert entry_hash("1" * 64, 1, 1, START, "read", {"a": 1}) != base
    assert entry_hash(GENESIS, 2, 1, START, "read", {"a": 1}) != base
    assert entry_hash(GENESIS, 1, 1, START + timedelta(microseconds=1), "read", {"a": 1}) != base
    assert entry_hash(GENESIS, 1, 1, START, "download", {"a": 1}) != base
    assert entry_hash(GENESIS, 1, 1, START, "read", {"a": 2}) != base


def test_canonical_entry_is_sorted_utf8_json_with_utc_microseconds():
    local = START.astimezone(ZoneInfo("Asia/Almaty"))
    data = canonical_entry(3, 1, local, "item", {"б": 1, "a": "Іс"})
    assert (
        data
        == (
            '{"archive":3,"at":"2026-03-02T09:00:00.000000+00:00","kind":"item",'
            '"payload":{"a":"Іс","б":1},"seq":1}'
        ).encode()
    )


def test_an_altered_entry_is_named():
    entries = chain(5)
    entries[2] = replace(entries[2], payload={"n": 3, "title": "өзгертілген"})
    report = check(entries)
    assert not report.ok and report.break_at == 3 and report.problem == "entry altered"


def test_a_deleted_entry_is_named():
    entries = chain(5)
    del entries[1]
    report = check(entries)
    assert not report.ok and report.break_at == 2 and report.problem == "missing entry"


def test_a_cut_tail_is_found_against_the_recorded_head():
    report = check(chain(5)[:4])
    assert not report.ok and report.break_at == 5


def test_a_rewritten_link_is_found():
    entries = chain(5)
    entries[3] = replace(entries[3], prev_hash="f" * 64)
    report = check(entries)
    assert report.break_at == 4 and report.problem == "link to the previous entry broken"


def test_a_recomputed_forgery_still_differs_from_the_recorded_head():
    """GIVEN an attacker who rewrites entry 2 and recomputes every later hash
    THEN the chain is self-consistent, but its head is not the head the archive recorded."""
    entries = chain(5)
    forged, previous = [], GENESIS
    for entry in entries:
        payload = {"n": 99, "title": "x"} if entry.seq == 2 else entry.payload
        digest = entry_hash(previous, entry.archive, entry.seq, entry.at, entry.kind, payload)
        forged.append(replace(entry, payload=payload, prev_hash=previous, hash=digest))
        previous = digest
    report = check(forged)
    assert not report.ok and report.problem == "head differs from the recorded head"


def test_extra_entries_beyond_the_head_and_foreign_entries_are_breaks():
    assert check(chain(6)).break_at == 6
    foreign = chain(5, archive=8)
    assert check(foreign).problem == "entry of another archive"


def test_an_empty_chain_matches_an_empty_head():
    assert verify_chain([], archive=1, expected_length=0, expected_head=GENESIS).ok


def test_naive_times_are_refused():
    with pytest.raises(ValueError):
        entry_hash(GENESIS, 1, 1, datetime(2026, 1, 1), "read", {})
