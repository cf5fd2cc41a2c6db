"""The archive's tamper-evident ledger: pure hash-chain logic (no Django).

SPEC R-ARC-2 ("protect documents from unauthorised ... alteration", "prove each document's
authenticity for the whole retention period"). Every archive (one transferred case) has its own
append-only chain of entries. Entry `n` holds the hash of entry `n - 1`:

    hash_n = sha256(prev_hash_n + canonical(entry_n)),   prev_hash_1 = GENESIS

where `canonical(entry)` is the UTF-8 JSON (sorted keys, no whitespace, raw UTF-8) of
`{"archive", "seq", "at", "kind", "payload"}`. Changing any field of an entry changes its hash
and breaks the link from the next entry; deleting an entry leaves a gap in `seq`; cutting the
tail makes the chain shorter than the head recorded on the archive. `verify_chain` names the
first sequence number where any of that happens (`break_at`).

One chain per archive (not one for the whole portal) keeps appends for different cases from
queueing on a single lock at national load, and lets `integrity_audit --archive <id>` check one
case without reading everyone else's history. The storage layer (`archive.services`) serialises
appends to one chain with a row lock on the archive's head; this module only computes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64


def timestamp(moment: datetime) -> str:
    """The one textual form of an entry's time: UTC, microseconds, ISO 8601 with offset."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("ledger times must be timezone-aware")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def canonical_entry(archive: int, seq: int, at: datetime, kind: str, payload: Any) -> bytes:
    """The bytes an entry's hash covers (canonical JSON: docs/conventions.md "Signing")."""
    body = {"archive": archive, "seq": seq, "at": timestamp(at), "kind": kind, "payload": payload}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def entry_hash(prev_hash: str, archive: int, seq: int, at: datetime, kind: str, payload) -> str:
    """sha256(prev_hash + canonical entry), lower-case hex."""
    digest = hashlib.sha256(prev_hash.encode("ascii"))
    digest.update(canonical_entry(archive, seq, at, kind, payload))
    return digest.hexdigest()


@dataclass(frozen=True)
class Entry:
    """One stored entry as read back from the database."""

    archive: int
    seq: int
    at: datetime
    kind: str
    payload: Any
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class ChainReport:
    """The verdict on one chain (the `verify` answer's "ledger" object, plus `problem`)."""

    ok: bool
    length: int
    head: str
    break_at: int | None
    problem: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "length": self.length,
            "head": self.head,
            "break_at": self.break_at,
            "problem": self.problem,
        }


def verify_chain(
    entries: Iterable[Entry], *, archive: int, expected_length: int, expected_head: str
) -> ChainReport:
    """Walk `entries` (ordered by seq) and check every link against the recorded head.

    Reports the first break: an entry whose stored hash is not the hash of its content
    (altered), whose `prev_hash` is not its predecessor's hash (altered or re-linked), a missing
    sequence number (deleted), an entry of another archive, or a chain that ends before or after
    the head recorded on the archive (tail cut, or appended outside the service). `length` and
    `head` describe what was actually found (count of entries, hash of the last one).
    """
    previous_hash = GENESIS
    expected_seq = 1
    count = 0
    break_at: int | None = None
    problem: str | None = None
    for entry in entries:
        count += 1
        if problem is None:
            if entry.archive != archive:
                break_at, problem = entry.seq, "entry of another archive"
            elif entry.seq != expected_seq:
                # A gap: the entry numbered `expected_seq` is gone (or numbering was rewritten).
                break_at, problem = expected_seq, "missing entry"
            elif entry.prev_hash != previous_hash:
                break_at, problem = entry.seq, "link to the previous entry broken"
            elif (
                entry_hash(
                    entry.prev_hash, entry.archive, entry.seq, entry.at, entry.kind, entry.payload
                )
                != entry.hash
            ):
                break_at, problem = entry.seq, "entry altered"
        previous_hash = entry.hash
        expected_seq = entry.seq + 1
    head = previous_hash
    if problem is None:
        if count < expected_length:
            break_at, problem = count + 1, "entries missing at the end"
        elif count > expected_length:
            break_at, problem = expected_length + 1, "entries beyond the recorded head"
        elif head != expected_head:
            break_at, problem = count or None, "head differs from the recorded head"
    return ChainReport(
        ok=problem is None, length=count, head=head, break_at=break_at, problem=problem
    )
