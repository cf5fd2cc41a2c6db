"""The trust store: anchors, intermediates and CRLs, indexed once and reused.

Threat model: anchors, intermediates and imported CRLs are operator input (trusted to be what the
operator meant, still decoded defensively: a bad file raises ``TrustStoreError``). Fetched CRLs
and every certificate inside an uploaded CMS are attacker input; they are only *used* after their
signature was checked against a certificate on a path to an anchor. The caches below hold only
facts that cannot change for given bytes ("this DER decodes to …", "certificate A's signature
verifies under certificate B's key", "CRL C's signature verifies under B's key"), keyed by SHA-256
fingerprints, so a cache hit can never turn a bad signature into a good one.

Anchors need not be self-signed: NCA's test CAs are intermediates that are configured as anchors,
and CRLs they sign are checked with their key. A TrustStore is safe to share between threads.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Iterable
from datetime import datetime

from sotkabinet.ecp.algorithms import (
    UnsupportedAlgorithm,
    digest_algorithm,
    signature_algorithm,
    verify_signature,
)
from sotkabinet.ecp.certificates import (
    Certificate,
    CertificateMalformed,
    load_certificates,
    parse_certificate,
)
from sotkabinet.ecp.crl import CrlMalformed, RevocationList, parse_crl

_CERTIFICATE_CACHE_SIZE = 4096
_SIGNATURE_CACHE_SIZE = 16384


class TrustStoreError(ValueError):
    """A certificate or CRL given to the trust store does not decode."""


class _Lru:
    """A small thread-safe LRU map."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key, value) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def check_signed_by(issuer: Certificate, signature_oid: str, data: bytes, signature: bytes) -> bool:
    """True iff ``issuer``'s key made ``signature`` over ``data`` (cert/CRL signatures).

    Raises UnsupportedAlgorithm when the algorithm or key cannot be verified here.
    """
    algorithm = signature_algorithm(signature_oid)
    if algorithm.digest is None:
        # Certificates and CRLs name the hash in the signature OID (RFC 5280 4.1.1.2).
        raise UnsupportedAlgorithm(f"{signature_oid} names no hash")
    try:
        key = issuer.public_key()
    except ValueError:
        return False
    return verify_signature(key, algorithm, digest_algorithm(algorithm.digest.oid), data, signature)


class TrustStore:
    """Trust anchors, intermediates and CRLs for ``verify_cms``.

    ``anchors``/``intermediates``/``crls`` take DER or PEM bytes (PEM bundles allowed). Build it
    once and reuse it: indexes and caches live here (revoked serials are a dict per CRL; CRLs
    fetched from a distribution point are kept until their nextUpdate).
    """

    def __init__(
        self,
        anchors: Iterable[bytes] = (),
        intermediates: Iterable[bytes] = (),
        crls: Iterable[bytes] = (),
    ) -> None:
        self._lock = threading.RLock()
        self._anchors: dict[str, Certificate] = {}
        self._anchor_keys: set[tuple[str, bytes]] = set()
        self._intermediates: dict[str, Certificate] = {}
        self._by_subject: dict[str, list[Certificate]] = {}
        self._crls: dict[str, RevocationList] = {}
        self._crls_by_issuer: dict[str, list[RevocationList]] = {}
        self._fetched: dict[str, RevocationList] = {}
        self._certificate_cache = _Lru(_CERTIFICATE_CACHE_SIZE)
        self._signature_cache = _Lru(_SIGNATURE_CACHE_SIZE)
        for data in anchors:
            self.add_anchor(data)
        for data in intermediates:
            self.add_intermediate(data)
        for data in crls:
            self.add_crl(data)

    # Loading --------------------------------------------------------------------------------
    def _parse_all(self, data: bytes) -> list[Certificate]:
        try:
            return [parse_certificate(der) for der in load_certificates(data)]
        except CertificateMalformed as exc:
            raise TrustStoreError(str(exc)) from None

    def add_anchor(self, data: bytes) -> list[Certificate]:
        """Trust these certificates as anchors (self-signed or not)."""
        certificates = self._parse_all(data)
        with self._lock:
            for certificate in certificates:
                self._anchors[certificate.fingerprint] = certificate
                self._anchor_keys.add((certificate.subject.key, certificate.spki))
                self._index(certificate)
        return certificates

    def add_intermediate(self, data: bytes) -> list[Certificate]:
        """Offer these certificates for chain building (they are not trusted by themselves)."""
        certificates = self._parse_all(data)
        with self._lock:
            for certificate in certificates:
                self._intermediates[certificate.fingerprint] = certificate
                self._index(certificate)
        return certificates

    def _index(self, certificate: Certificate) -> None:
        bucket = self._by_subject.setdefault(certificate.subject.key, [])
        if all(existing.fingerprint != certificate.fingerprint for existing in bucket):
            bucket.append(certificate)

    def add_crl(self, data: bytes, *, source_url: str | None = None) -> RevocationList:
        """Import a CRL (DER or PEM). Its signature is checked when it is used."""
        try:
            crl = parse_crl(data, source_url=source_url)
        except CrlMalformed as exc:
            raise TrustStoreError(str(exc)) from None
        self._add_parsed_crl(crl)
        return crl

    def _add_parsed_crl(self, crl: RevocationList) -> None:
        with self._lock:
            if crl.fingerprint in self._crls:
                return
            self._crls[crl.fingerprint] = crl
            self._crls_by_issuer.setdefault(crl.issuer.key, []).append(crl)

    def _drop_crl(self, crl: RevocationList) -> None:
        with self._lock:
            self._crls.pop(crl.fingerprint, None)
            bucket = self._crls_by_issuer.get(crl.issuer.key, [])
            self._crls_by_issuer[crl.issuer.key] = [c for c in bucket if c is not crl]

    # Queries --------------------------------------------------------------------------------
    @property
    def anchors(self) -> list[Certificate]:
        return list(self._anchors.values())

    @property
    def intermediates(self) -> list[Certificate]:
        return list(self._intermediates.values())

    @property
    def crls(self) -> list[RevocationList]:
        return list(self._crls.values())

    def is_anchor(self, certificate: Certificate) -> bool:
        """An anchor is a name and a key (RFC 5280 6.1.1 d): a re-encoded copy also counts."""
        return (
            certificate.fingerprint in self._anchors
            or (certificate.subject.key, certificate.spki) in self._anchor_keys
        )

    def issuer_candidates(
        self, certificate: Certificate, extra: Iterable[Certificate] = ()
    ) -> list[Certificate]:
        """Certificates whose subject is ``certificate``'s issuer.

        Anchors come first, then the store's intermediates, then ``extra`` (those embedded in the
        CMS). Candidates whose key identifier contradicts the authority key identifier are skipped.
        """
        found: dict[str, Certificate] = {}
        stored = self._by_subject.get(certificate.issuer.key, [])
        ordered = sorted(stored, key=lambda c: not self.is_anchor(c))
        for candidate in [*ordered, *extra]:
            if candidate.subject.key != certificate.issuer.key:
                continue
            if (
                certificate.authority_key_id
                and candidate.subject_key_id
                and certificate.authority_key_id != candidate.subject_key_id
            ):
                continue
            found.setdefault(candidate.fingerprint, candidate)
        return list(found.values())

    def parse_certificate(self, der: bytes) -> Certificate:
        """Decode a certificate, reusing an earlier decoding of the same bytes."""
        key = hashlib.sha256(der).digest()
        cached = self._certificate_cache.get(key)
        if cached is None:
            cached = parse_certificate(der)
            self._certificate_cache.put(key, cached)
        return cached

    def signed_by(self, certificate: Certificate, issuer: Certificate) -> bool:
        """Does ``issuer``'s key verify ``certificate``'s signature? Cached per fingerprint pair.

        Raises UnsupportedAlgorithm for algorithms we cannot verify.
        """
        key = ("cert", certificate.fingerprint, issuer.fingerprint)
        cached = self._signature_cache.get(key)
        if cached is None:
            cached = check_signed_by(
                issuer, certificate.signature_algorithm, certificate.tbs, certificate.signature
            )
            self._signature_cache.put(key, cached)
        return cached

    def crl_signed_by(self, crl: RevocationList, issuer: Certificate) -> bool:
        """Does ``issuer``'s key verify the CRL's signature? Cached per pair of fingerprints.

        Raises UnsupportedAlgorithm for algorithms we cannot verify.
        """
        key = ("crl", crl.fingerprint, issuer.fingerprint)
        cached = self._signature_cache.get(key)
        if cached is None:
            cached = check_signed_by(issuer, crl.signature_algorithm, crl.tbs, crl.signature)
            self._signature_cache.put(key, cached)
        return cached

    def crls_for(self, issuer: Certificate) -> list[RevocationList]:
        """Usable-looking CRLs named as issued by ``issuer``, newest first (signature unchecked)."""
        candidates = [
            crl
            for crl in self._crls_by_issuer.get(issuer.subject.key, [])
            if not (
                crl.authority_key_id
                and issuer.subject_key_id
                and crl.authority_key_id != issuer.subject_key_id
            )
        ]
        return sorted(
            candidates, key=lambda crl: (crl.this_update, crl.crl_number or 0), reverse=True
        )

    def cached_fetch(self, url: str, at: datetime) -> RevocationList | None:
        """A CRL fetched earlier from ``url`` that is still current at ``at``."""
        crl = self._fetched.get(url)
        if crl is not None and crl.next_update is not None and crl.next_update >= at:
            return crl
        return None

    def remember_fetch(self, url: str, crl: RevocationList) -> None:
        """Keep a fetched CRL (already signature-checked by the caller) until its nextUpdate."""
        with self._lock:
            previous = self._fetched.get(url)
            if previous is not None and previous.fingerprint != crl.fingerprint:
                self._drop_crl(previous)
            self._fetched[url] = crl
        self._add_parsed_crl(crl)
