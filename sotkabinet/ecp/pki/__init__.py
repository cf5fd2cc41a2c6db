"""An NCA-shaped PKI builder for tests and the demo mode. Never for real keys.

It builds what Kazakhstan's National Certification Authority (НУЦ РК) issues, in the same shape
(SPEC R-ECP-4): a root and an intermediate CA named like «ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (RSA) TEST»,
user certificates with CN / SURNAME / GIVENNAME / serialNumber ``IIN…`` / C=KZ (and O and
OU ``BIN…`` for legal entities), the Kazakh EKU role OIDs, sign and auth key usages, a CRL
distribution point; CRLs; and CMS signatures, attached or detached, with signed attributes.
RSA, ECDSA (P-256) and GOST 34.10-2015 (NCA byte conventions, via gostcrypto) are supported;
DSA exists only so tests can present an algorithm the verifier refuses.

Everything is built with asn1crypto so that names longer than 64 characters and the GOST OIDs,
which cryptography's builders refuse or warn about, come out exactly as NCA writes them.

Typical use::

    root = build_ca(name="НЕГІЗГІ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (RSA) TEST")
    nca = build_ca(name="ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (RSA) TEST", parent=root)
    person = issue_person(nca, iin=make_iin(1), full_name="ТЕСТОВ ТЕСТ")
    cms = person.sign(b"payload")                       # detached DER CMS
    crl = nca.crl(revoked=[(person, some_time)])        # DER CRL
    trust = TrustStore(anchors=[root.certificate_der], intermediates=[nca.certificate_der],
                       crls=[crl, root.crl()])

Private keys are written unencrypted by ``save_to`` (mode 0600): demo keys only.
"""

from sotkabinet.ecp.pki.authority import CertificateAuthority, build_ca
from sotkabinet.ecp.pki.builders import build_name
from sotkabinet.ecp.pki.holders import ROLE_NAMES, Person, issue_ocsp_responder, issue_person
from sotkabinet.ecp.pki.identity import control_digit, make_bin, make_iin
from sotkabinet.ecp.pki.keys import ALGORITHMS, PrivateKey
from sotkabinet.ecp.pki.signing import sign_cms

__all__ = [
    "ALGORITHMS",
    "ROLE_NAMES",
    "CertificateAuthority",
    "Person",
    "PrivateKey",
    "build_ca",
    "build_name",
    "control_digit",
    "issue_ocsp_responder",
    "issue_person",
    "make_bin",
    "make_iin",
    "sign_cms",
]
