"""A 100,000-entry CRL is indexed once and looked up in O(1) (SPEC R-ECP-1 revocation).

Speed itself is measured in bench/ecp_verify.py; here the big CRL must simply work.
"""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from sotkabinet.ecp import verify_cms
from sotkabinet.ecp.crl import parse_crl

from .conftest import NOW, PAYLOAD

ENTRIES = 100_000


@pytest.fixture(scope="module")
def big_crl(rsa_pki) -> bytes:
    generator = random.Random(20260601)
    revoked_at = NOW - timedelta(days=3)
    serials = {generator.getrandbits(159) | (1 << 150) for _ in range(ENTRIES - 1)}
    entries = [(serial, revoked_at) for serial in serials]
    entries.append((rsa_pki.revoked, NOW - timedelta(days=1), "key_compromise"))
    return rsa_pki.nca.crl(
        revoked=entries,
        this_update=NOW - timedelta(hours=2),
        next_update=NOW + timedelta(hours=22),
        number=100,
    )


def test_big_crl_index(big_crl, rsa_pki):
    crl = parse_crl(big_crl)
    assert len(crl) == ENTRIES
    assert crl.lookup(rsa_pki.revoked.serial_number).reason == "key_compromise"
    assert crl.lookup(rsa_pki.alice.serial_number) is None


def test_big_crl_verdicts(big_crl, rsa_pki):
    trust = rsa_pki.trust(crls=[rsa_pki.root_crl, big_crl])
    good = verify_cms(rsa_pki.alice.sign(PAYLOAD), data=PAYLOAD, at=NOW, trust=trust)
    assert (good.valid, good.reason) == (True, None)
    assert any(entry["crl_number"] == 100 for entry in good.revocation)
    bad = verify_cms(rsa_pki.revoked.sign(PAYLOAD), data=PAYLOAD, at=NOW, trust=trust)
    assert (bad.valid, bad.reason) == (False, "revoked")
