"""Shared NCA-shaped PKI for the ЭЦҚ library tests, built once per session.

Times are fixed (``NOW``) so that verdicts do not depend on the wall clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from sotkabinet.ecp import TrustStore
from sotkabinet.ecp.pki import (
    CertificateAuthority,
    Person,
    build_ca,
    issue_person,
    make_bin,
    make_iin,
)

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
PAYLOAD = '{"filing":42,"sha256":"ab12","title":"Талап арыз"}'.encode()


@dataclass
class RsaPki:
    root: CertificateAuthority
    nca: CertificateAuthority
    alice: Person  # individual, SIGN key
    bob: Person  # individual, SIGN key
    alice_auth: Person  # individual, AUTH key
    head: Person  # legal entity's first head, SIGN key
    expired: Person
    future: Person
    revoked: Person
    root_crl: bytes
    nca_crl: bytes

    def trust(self, **overrides) -> TrustStore:
        """A fresh store: root as anchor, NCA as intermediate, current CRLs (overridable)."""
        arguments = {
            "anchors": [self.root.certificate_der],
            "intermediates": [self.nca.certificate_der],
            "crls": [self.root_crl, self.nca_crl],
        }
        arguments.update(overrides)
        return TrustStore(**arguments)


@pytest.fixture(scope="session")
def rsa_pki() -> RsaPki:
    root = build_ca(
        name="НЕГІЗГІ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (RSA) TEST",
        not_before=NOW - timedelta(days=400),
    )
    nca = build_ca(
        name="ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (RSA) TEST",
        parent=root,
        not_before=NOW - timedelta(days=300),
    )
    valid_from = NOW - timedelta(days=10)
    alice = issue_person(nca, iin=make_iin(1), full_name="ӘЛИЕВА ӘЛИЯ", not_before=valid_from)
    bob = issue_person(nca, iin=make_iin(2), full_name="БОРИСОВ БОРИС", not_before=valid_from)
    alice_auth = issue_person(
        nca, iin=make_iin(1), full_name="ӘЛИЕВА ӘЛИЯ", purpose="auth", not_before=valid_from
    )
    head = issue_person(
        nca,
        iin=make_iin(3),
        full_name="ДИРЕКТОРОВ ДАНИЯР",
        bin=make_bin(1),
        organization="«Жетісу Құрылыс» жауапкершілігі шектеулі серіктестігі",
        roles=["head"],
        not_before=valid_from,
    )
    expired = issue_person(
        nca,
        iin=make_iin(4),
        full_name="ЕСКІ ЕРЛАН",
        not_before=NOW - timedelta(days=400),
        not_after=NOW - timedelta(days=35),
    )
    future = issue_person(
        nca,
        iin=make_iin(5),
        full_name="КЕЛЕШЕК ҚАНАТ",
        not_before=NOW + timedelta(days=2),
    )
    revoked = issue_person(
        nca, iin=make_iin(6), full_name="ҚАЙТАРЫЛҒАН ҚАЙРАТ", not_before=valid_from
    )
    nca_crl = nca.crl(
        revoked=[(revoked, NOW - timedelta(days=1), "key_compromise")],
        this_update=NOW - timedelta(hours=6),
        next_update=NOW + timedelta(hours=18),
        number=7,
    )
    root_crl = root.crl(this_update=NOW - timedelta(days=1), next_update=NOW + timedelta(days=30))
    return RsaPki(
        root, nca, alice, bob, alice_auth, head, expired, future, revoked, root_crl, nca_crl
    )


@pytest.fixture(scope="session")
def rsa_trust(rsa_pki: RsaPki) -> TrustStore:
    return rsa_pki.trust()
