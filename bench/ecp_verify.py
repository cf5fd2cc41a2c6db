"""ЭЦҚ verification throughput against the raw cryptographic floor (no Django).

Run: .venv/bin/python bench/ecp_verify.py [--seconds N]

Setup: RSA-2048 root → intermediate → user, a 100,000-entry CRL of the intermediate plus the
root's CRL, a detached CMS (signed attributes) over a small canonical payload, one TrustStore
built once and reused, as callers do.

Figures printed:
* "steady state": the TrustStore caches already hold the facts that cannot change for given bytes
  (decoded certificates; "certificate A verifies under B"; "CRL C verifies under B"). Per call we
  still decode the CMS, hash the content, check messageDigest, verify the signature over the
  signed attributes (one RSA verification), walk the chain, check validity, key usage and both
  CRL lookups (dict). Floor: one RSA verification + the content digest.
* "no caches": the caches are emptied before every call, so each call also decodes the
  certificates and verifies the user certificate, the intermediate certificate, the intermediate's
  100,000-entry CRL (hashing its ~3 MB body) and the root's CRL. Floor: those five RSA
  verifications with cryptography, on the same bytes.
* GOST 34.10-2015 (pure-Python gostcrypto): CMS + user certificate + CRL with the intermediate as
  anchor, steady state (one GOST verification) and without caches (three).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from asn1crypto import cms
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from sotkabinet.ecp import TrustStore, verify_cms
from sotkabinet.ecp.pki import build_ca, issue_person, make_iin

PAYLOAD = '{"filing":1,"sha256":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08","title":"Талап арыз"}'.encode()  # noqa: E501


def rate(function, seconds: float) -> tuple[float, int]:
    """Calls per second of ``function`` over about ``seconds`` (after one warm-up call)."""
    function()
    count = 0
    started = time.perf_counter()
    deadline = started + seconds
    while True:
        function()
        count += 1
        if time.perf_counter() >= deadline:
            break
    return count / (time.perf_counter() - started), count


def clear_caches(trust: TrustStore) -> None:
    trust._certificate_cache.clear()
    trust._signature_cache.clear()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="per measurement")
    arguments = parser.parse_args()
    seconds = arguments.seconds
    now = datetime.now(UTC)

    started = time.perf_counter()
    root = build_ca(name="НЕГІЗГІ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (RSA) TEST")
    nca = build_ca(name="ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (RSA) TEST", parent=root)
    person = issue_person(nca, iin=make_iin(1), full_name="ТЕСТОВ ТЕСТ")
    revoked_at = now - timedelta(days=1)
    big_crl = nca.crl(
        revoked=[((1 << 150) + index * 7919, revoked_at) for index in range(100_000)],
        this_update=now - timedelta(hours=1),
        next_update=now + timedelta(days=1),
    )
    root_crl = root.crl(this_update=now - timedelta(hours=1), next_update=now + timedelta(days=30))
    cms_der = person.sign(PAYLOAD)
    print(f"PKI + 100,000-entry CRL built in {time.perf_counter() - started:.2f} s")

    started = time.perf_counter()
    trust = TrustStore(
        anchors=[root.certificate_der],
        intermediates=[nca.certificate_der],
        crls=[big_crl, root_crl],
    )
    print(f"TrustStore built (CRL decoded and indexed) in {time.perf_counter() - started:.2f} s")

    def verify():
        verdict = verify_cms(cms_der, data=PAYLOAD, at=now, trust=trust)
        assert verdict.valid, verdict.message

    def verify_uncached():
        clear_caches(trust)
        verify()

    # Raw primitives, on the very same bytes.
    signer_info = cms.ContentInfo.load(cms_der)["content"]["signer_infos"][0]
    signed_attributes = signer_info["signed_attrs"].untag().dump()
    signature = signer_info["signature"].native
    user = x509.load_der_x509_certificate(person.certificate_der)
    intermediate = x509.load_der_x509_certificate(nca.certificate_der)
    root_key = x509.load_der_x509_certificate(root.certificate_der).public_key()
    user_key, nca_key = user.public_key(), intermediate.public_key()
    # (signature, signed bytes, key) computed once: the floor is the primitives alone.
    crl_object = x509.load_der_x509_crl(big_crl)
    root_crl_object = x509.load_der_x509_crl(root_crl)
    checks = [
        (user.signature, user.tbs_certificate_bytes, nca_key),
        (intermediate.signature, intermediate.tbs_certificate_bytes, root_key),
        (crl_object.signature, crl_object.tbs_certlist_bytes, nca_key),
        (root_crl_object.signature, root_crl_object.tbs_certlist_bytes, root_key),
    ]

    def floor_steady():
        hashlib.sha256(PAYLOAD).digest()
        user_key.verify(signature, signed_attributes, padding.PKCS1v15(), hashes.SHA256())

    def floor_uncached():
        floor_steady()
        for check_signature, signed_bytes, key in checks:
            key.verify(check_signature, signed_bytes, padding.PKCS1v15(), hashes.SHA256())

    print("\nRSA-2048, root → intermediate → user, 100,000-entry CRL, detached CMS")
    ours, count = rate(verify, seconds)
    floor, _ = rate(floor_steady, seconds)
    print(f"  steady state : {ours:9.0f} verifications/s  ({count} runs)")
    print(f"    floor      : {floor:9.0f} /s  (1 RSA verify + SHA-256 of the payload)")
    print(f"    ratio      : {floor / ours:9.1f} x")
    ours_cold, count = rate(verify_uncached, seconds)
    floor_cold, _ = rate(floor_uncached, seconds)
    print(f"  no caches    : {ours_cold:9.0f} verifications/s  ({count} runs)")
    print(f"    floor      : {floor_cold:9.0f} /s  (5 RSA verifies: attrs, 2 certs, 2 CRLs)")
    print(f"    ratio      : {floor_cold / ours_cold:9.1f} x")

    print("\nGOST 34.10-2015 (512), intermediate as anchor, detached CMS (pure Python)")
    gost_root = build_ca(name="НЕГІЗГІ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (GOST) TEST 2022", algorithm="gost2015")
    gost_nca = build_ca(
        name="ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (GOST) TEST 2022", algorithm="gost2015", parent=gost_root
    )
    gost_person = issue_person(gost_nca, iin=make_iin(2), full_name="ГОСТОВ ГОСТ")
    gost_trust = TrustStore(
        anchors=[gost_nca.certificate_der],
        crls=[gost_nca.crl(this_update=now - timedelta(hours=1))],
    )
    gost_cms = gost_person.sign(PAYLOAD)

    def verify_gost():
        verdict = verify_cms(gost_cms, data=PAYLOAD, at=now, trust=gost_trust)
        assert verdict.valid, verdict.message

    def verify_gost_uncached():
        clear_caches(gost_trust)
        verify_gost()

    gost_rate, count = rate(verify_gost, seconds)
    print(f"  steady state : {gost_rate:9.2f} verifications/s  ({count} runs, 1 GOST verify each)")
    gost_cold, count = rate(verify_gost_uncached, seconds)
    print(f"  no caches    : {gost_cold:9.2f} verifications/s  ({count} runs, 3 GOST verifies)")


if __name__ == "__main__":
    main()
