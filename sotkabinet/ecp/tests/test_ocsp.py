"""OCSP as a revocation source next to CRLs (SPEC R-ECP-1 "CRL and/or OCSP").

GIVEN a CA whose certificates name an OCSP responder, WHEN the caller passes ``fetch_ocsp``,
THEN a verified OCSP answer counts, a verified "revoked"/"on hold" wins over a CRL's "good", and
the verdict records which source said what.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from sotkabinet.ecp import TrustStore, verify_cms
from sotkabinet.ecp.pki import (
    CertificateAuthority,
    Person,
    PrivateKey,
    build_ca,
    issue_ocsp_responder,
    issue_person,
    make_iin,
)

from .conftest import NOW, PAYLOAD

OCSP_URL = "http://ocsp.test.pki.example.kz/"


@dataclass
class OcspPki:
    root: CertificateAuthority
    nca: CertificateAuthority
    person: Person
    responder: Person
    root_crl: bytes

    def trust(self, *crls: bytes) -> TrustStore:
        return TrustStore(
            anchors=[self.root.certificate_der],
            intermediates=[self.nca.certificate_der],
            crls=[self.root_crl, *crls],
        )


@pytest.fixture(scope="module")
def pki() -> OcspPki:
    root = build_ca(name="OCSP ТЕСТ ROOT", not_before=NOW - timedelta(days=100))
    nca = build_ca(
        name="OCSP ТЕСТ NCA", parent=root, ocsp_url=OCSP_URL, not_before=NOW - timedelta(days=90)
    )
    person = issue_person(
        nca, iin=make_iin(80), full_name="ОКСП ОЛЖАС", not_before=NOW - timedelta(days=5)
    )
    responder = issue_ocsp_responder(nca, not_before=NOW - timedelta(days=5))
    root_crl = root.crl(this_update=NOW - timedelta(hours=1), next_update=NOW + timedelta(days=1))
    return OcspPki(root, nca, person, responder, root_crl)


def _responder(pki: OcspPki, calls: list | None = None, **options):
    def fetch(url: str, request: bytes) -> bytes:
        assert url == OCSP_URL
        if calls is not None:
            calls.append(url)
        options.setdefault("this_update", NOW - timedelta(minutes=1))
        options.setdefault("next_update", NOW + timedelta(hours=1))
        return pki.nca.ocsp_response(request, **options)

    return fetch


def _statuses(verdict, source: str) -> list[str]:
    return [entry["status"] for entry in verdict.revocation if entry["source"] == source]


def test_ocsp_good_is_enough_without_a_crl(pki):
    calls: list[str] = []
    verdict = verify_cms(
        pki.person.sign(PAYLOAD),
        data=PAYLOAD,
        at=NOW,
        trust=pki.trust(),
        fetch_ocsp=_responder(pki, calls),
    )
    assert (verdict.valid, verdict.reason) == (True, None)
    assert calls == [OCSP_URL]
    assert _statuses(verdict, "ocsp") == ["good"]
    assert "unknown" in _statuses(verdict, "crl")  # which source said what


def test_ocsp_revoked_wins_over_a_crl_saying_good(pki):
    crl = pki.nca.crl(this_update=NOW - timedelta(hours=1), next_update=NOW + timedelta(days=1))
    fetch = _responder(pki, revoked=[(pki.person, NOW - timedelta(hours=3), "key_compromise")])
    verdict = verify_cms(
        pki.person.sign(PAYLOAD), data=PAYLOAD, at=NOW, trust=pki.trust(crl), fetch_ocsp=fetch
    )
    assert (verdict.valid, verdict.reason) == (False, "revoked")
    assert _statuses(verdict, "crl") == ["good"]
    assert _statuses(verdict, "ocsp") == ["revoked"]


def test_ocsp_on_hold_is_revoked(pki):
    # NCA's responder reports holds with revocationTime 1970-01-01.
    hold = [(pki.person, datetime(1970, 1, 1, tzinfo=UTC), "certificate_hold")]
    verdict = verify_cms(
        pki.person.sign(PAYLOAD),
        data=PAYLOAD,
        at=NOW,
        trust=pki.trust(),
        fetch_ocsp=_responder(pki, revoked=hold, responder=pki.responder),
    )
    assert (verdict.valid, verdict.reason) == (False, "revoked")
    entry = next(e for e in verdict.revocation if e["source"] == "ocsp")
    assert (entry["reason"], entry["issuer"]) == ("certificate_hold", "OCSP RESPONDER")


def test_delegated_responder_good(pki):
    verdict = verify_cms(
        pki.person.sign(PAYLOAD),
        data=PAYLOAD,
        at=NOW,
        trust=pki.trust(),
        fetch_ocsp=_responder(pki, responder=pki.responder),
    )
    assert (verdict.valid, verdict.reason) == (True, None)


def test_forged_or_replayed_responses_do_not_count(pki):
    cms_der = pki.person.sign(PAYLOAD)
    cases = {
        "does not verify": _responder(pki, signing_key=PrivateKey.generate("rsa")),
        "nonce": _replay(pki),
        "not issued by the CA": _responder(
            pki, responder=issue_ocsp_responder(build_ca(name="OCSP ТЕСТ NCA"))
        ),
        "lacks id-kp-OCSPSigning": _responder(pki, responder=pki.person),
        "not current": _responder(
            pki, this_update=NOW - timedelta(days=3), next_update=NOW - timedelta(days=2)
        ),
    }
    for expected, fetch in cases.items():
        verdict = verify_cms(cms_der, data=PAYLOAD, at=NOW, trust=pki.trust(), fetch_ocsp=fetch)
        assert (verdict.valid, verdict.reason) == (False, "revocation_unknown"), expected
        details = " ".join(e["detail"] for e in verdict.revocation if e["source"] == "ocsp")
        assert expected in details


def _replay(pki: OcspPki):
    """A responder that answers with a response made for an earlier request (another nonce)."""
    from sotkabinet.ecp.certificates import parse_certificate
    from sotkabinet.ecp.ocsp import build_request

    earlier = build_request(
        parse_certificate(pki.person.certificate_der),
        parse_certificate(pki.nca.certificate_der),
        b"earlier-nonce-01",
    )
    stale_answer = pki.nca.ocsp_response(earlier, next_update=NOW + timedelta(hours=1))
    return lambda url, request: stale_answer


def test_ocsp_failure_and_garbage_are_recorded(pki):
    def broken(url: str, request: bytes) -> bytes:
        raise TimeoutError("ocsp timed out")

    for fetch, detail in ((broken, "timed out"), (lambda url, request: b"\x30\x03junk", "decode")):
        verdict = verify_cms(
            pki.person.sign(PAYLOAD), data=PAYLOAD, at=NOW, trust=pki.trust(), fetch_ocsp=fetch
        )
        assert (verdict.valid, verdict.reason) == (False, "revocation_unknown")
        assert _statuses(verdict, "ocsp") == ["error"]
        ocsp_entry = next(e for e in verdict.revocation if e["source"] == "ocsp")
        assert detail in ocsp_entry["detail"]
