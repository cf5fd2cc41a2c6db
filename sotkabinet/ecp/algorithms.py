"""Digest and signature algorithms: which OIDs we verify, and how.

Threat model: algorithm identifiers and key bits come from uploaded CMS and certificates. An
unknown or refused OID raises ``UnsupportedAlgorithm`` (reported as ``unsupported_algorithm``); a
signature that does not verify returns ``False``. Nothing here raises anything else on bad input.

Supported (R-ECP-4): RSA PKCS#1 v1.5 with SHA-1/224/256/384/512 (keys of 2048 bits or more),
ECDSA on P-256/P-384/P-521 with SHA-1/2, and GOST 34.10-2015 (512) under the Kazakh OIDs.
Refused with a clear message: GOST 34.310-2004 (its hash, GOST 34.311-95, has no maintained
implementation), DSA, RSASSA-PSS and anything else.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from asn1crypto import core
from cryptography.exceptions import InvalidSignature
from cryptography.exceptions import UnsupportedAlgorithm as _CryptoUnsupported
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from sotkabinet.ecp import gost
from sotkabinet.ecp._asn1 import GostPublicKeyParameters

MIN_RSA_BITS = 2048


class UnsupportedAlgorithm(Exception):
    """An algorithm we recognise as not verifiable here, or do not know at all."""


@dataclass(frozen=True)
class DigestAlgorithm:
    oid: str
    name: str
    compute: Callable[[bytes], bytes]
    crypto_hash: hashes.HashAlgorithm | None  # for cryptography's verify(); None for Streebog


def _hashlib(name: str) -> Callable[[bytes], bytes]:
    return lambda data: hashlib.new(name, data).digest()


SHA1 = DigestAlgorithm("1.3.14.3.2.26", "SHA1", _hashlib("sha1"), hashes.SHA1())  # noqa: S303
SHA224 = DigestAlgorithm("2.16.840.1.101.3.4.2.4", "SHA224", _hashlib("sha224"), hashes.SHA224())
SHA256 = DigestAlgorithm("2.16.840.1.101.3.4.2.1", "SHA256", _hashlib("sha256"), hashes.SHA256())
SHA384 = DigestAlgorithm("2.16.840.1.101.3.4.2.2", "SHA384", _hashlib("sha384"), hashes.SHA384())
SHA512 = DigestAlgorithm("2.16.840.1.101.3.4.2.3", "SHA512", _hashlib("sha512"), hashes.SHA512())
STREEBOG512 = DigestAlgorithm(gost.STREEBOG_512, "STREEBOG512", gost.streebog512, None)

DIGESTS: dict[str, DigestAlgorithm] = {
    d.oid: d for d in (SHA1, SHA224, SHA256, SHA384, SHA512, STREEBOG512)
}
# TC26's Streebog-512 OID means the same function.
DIGESTS["1.2.643.7.1.1.2.3"] = STREEBOG512

_REFUSED_DIGESTS = {
    gost.GOST2004_DIGEST: "GOST 34.311-95 (GOST R 34.11-94) has no maintained implementation",
    "1.2.643.2.2.9": "GOST R 34.11-94 has no maintained implementation",
    "1.2.840.113549.2.5": "MD5 is not accepted",
}


def digest_algorithm(oid: str) -> DigestAlgorithm:
    try:
        return DIGESTS[oid]
    except KeyError:
        reason = _REFUSED_DIGESTS.get(oid, "unknown digest algorithm")
        raise UnsupportedAlgorithm(f"{reason} ({oid})") from None


@dataclass(frozen=True)
class SignatureAlgorithm:
    oid: str
    family: str  # "rsa" | "ecdsa" | "gost2015"
    digest: DigestAlgorithm | None  # None: the digest comes from the CMS digestAlgorithm

    def display_name(self, digest: DigestAlgorithm) -> str:
        if self.family == "gost2015":
            return "GOST34.10-2015-512"
        return f"{self.family.upper()}-{(self.digest or digest).name}"


_SIGNATURES: dict[str, SignatureAlgorithm] = {
    s.oid: s
    for s in (
        SignatureAlgorithm("1.2.840.113549.1.1.1", "rsa", None),  # rsaEncryption in SignerInfo
        SignatureAlgorithm("1.2.840.113549.1.1.5", "rsa", SHA1),
        SignatureAlgorithm("1.2.840.113549.1.1.14", "rsa", SHA224),
        SignatureAlgorithm("1.2.840.113549.1.1.11", "rsa", SHA256),
        SignatureAlgorithm("1.2.840.113549.1.1.12", "rsa", SHA384),
        SignatureAlgorithm("1.2.840.113549.1.1.13", "rsa", SHA512),
        SignatureAlgorithm("1.2.840.10045.2.1", "ecdsa", None),  # id-ecPublicKey in SignerInfo
        SignatureAlgorithm("1.2.840.10045.4.1", "ecdsa", SHA1),
        SignatureAlgorithm("1.2.840.10045.4.3.1", "ecdsa", SHA224),
        SignatureAlgorithm("1.2.840.10045.4.3.2", "ecdsa", SHA256),
        SignatureAlgorithm("1.2.840.10045.4.3.3", "ecdsa", SHA384),
        SignatureAlgorithm("1.2.840.10045.4.3.4", "ecdsa", SHA512),
        SignatureAlgorithm(gost.SIGNATURE_ALGORITHM_512, "gost2015", STREEBOG512),
        # NCA's key OID sometimes stands in for the signature OID in SignerInfo.
        SignatureAlgorithm(gost.KEY_ALGORITHM, "gost2015", STREEBOG512),
    )
}

_REFUSED_SIGNATURES = {
    "1.2.840.10040.4.1": "DSA is not accepted",
    "1.2.840.10040.4.3": "DSA is not accepted",
    "2.16.840.1.101.3.4.3.1": "DSA is not accepted",
    "2.16.840.1.101.3.4.3.2": "DSA is not accepted",
    "1.2.840.113549.1.1.10": "RSASSA-PSS is not accepted",
    "1.2.840.113549.1.1.4": "MD5 with RSA is not accepted",
}


def signature_algorithm(oid: str) -> SignatureAlgorithm:
    found = _SIGNATURES.get(oid)
    if found is not None:
        return found
    if oid.startswith(gost.GOST2004_PREFIX + "."):
        raise UnsupportedAlgorithm(
            f"GOST 34.310-2004 ({oid}) hashes with GOST 34.311-95, which no maintained library "
            "implements; only RSA and GOST 34.10-2015 keys can be verified"
        )
    if oid.startswith("1.2.398.3.10.1.1.2."):
        raise UnsupportedAlgorithm(f"GOST 34.10-2015 variant {oid} is not supported (only 512-bit)")
    reason = _REFUSED_SIGNATURES.get(oid, "unknown signature algorithm")
    raise UnsupportedAlgorithm(f"{reason} ({oid})")


@dataclass(frozen=True)
class PublicKey:
    """A verified-loadable public key: a cryptography key, or NCA GOST X‖Y little-endian bytes."""

    family: str  # "rsa" | "ecdsa" | "gost2015"
    key: Any


def load_public_key(algorithm_oid: str, parameters: bytes | None, key_bits: bytes, spki: bytes):
    """Interpret a SubjectPublicKeyInfo. Raises UnsupportedAlgorithm or ValueError (malformed)."""
    if algorithm_oid == gost.KEY_ALGORITHM:
        _check_gost_parameters(parameters)
        point = core.OctetString.load(key_bits).native
        if len(point) != 2 * gost.SIZE:
            raise ValueError("GOST 34.10-2015 public key must be 128 bytes")
        return PublicKey("gost2015", point)
    if algorithm_oid.startswith(gost.GOST2004_PREFIX + "."):
        raise UnsupportedAlgorithm(f"GOST 34.310-2004 keys ({algorithm_oid}) cannot be verified")
    if algorithm_oid in ("1.2.840.113549.1.1.1", "1.2.840.10045.2.1"):
        try:
            key = serialization.load_der_public_key(spki)
        except _CryptoUnsupported as exc:
            raise UnsupportedAlgorithm(f"unsupported key parameters ({exc})") from None
        if isinstance(key, rsa.RSAPublicKey):
            if key.key_size < MIN_RSA_BITS:
                raise UnsupportedAlgorithm(f"RSA keys under {MIN_RSA_BITS} bits are not accepted")
            return PublicKey("rsa", key)
        if isinstance(key, ec.EllipticCurvePublicKey):
            return PublicKey("ecdsa", key)
    raise signature_algorithm_error_for_key(algorithm_oid)


def signature_algorithm_error_for_key(algorithm_oid: str) -> UnsupportedAlgorithm:
    if algorithm_oid in ("1.2.840.10040.4.1",):
        return UnsupportedAlgorithm("DSA keys are not accepted")
    return UnsupportedAlgorithm(f"unknown public key algorithm ({algorithm_oid})")


def _check_gost_parameters(parameters: bytes | None) -> None:
    # Parameters: SEQUENCE { paramSet OID, digest OID }. Only what has been checked against
    # NCA's real certificates is accepted.
    if not parameters:
        raise UnsupportedAlgorithm("GOST 34.10-2015 key without curve parameters")
    curve = GostPublicKeyParameters.load(parameters)["public_key_param_set"].dotted
    if curve != gost.PARAMSET_512_A:
        raise UnsupportedAlgorithm(f"GOST 34.10-2015 curve {curve} is not supported")


def verify_signature(
    key: PublicKey,
    algorithm: SignatureAlgorithm,
    digest: DigestAlgorithm,
    data: bytes,
    signature: bytes,
) -> bool:
    """True iff ``signature`` is ``key``'s signature over ``data``.

    ``digest`` is used when the signature OID names no hash of its own (rsaEncryption in a
    SignerInfo). Raises UnsupportedAlgorithm when key and algorithm do not belong together.
    """
    used_digest = algorithm.digest or digest
    if algorithm.family != key.family:
        raise UnsupportedAlgorithm(
            f"a {key.family} key cannot make a {algorithm.family} signature ({algorithm.oid})"
        )
    if key.family == "gost2015":
        if used_digest is not STREEBOG512:
            raise UnsupportedAlgorithm("GOST 34.10-2015 signatures must use Streebog-512")
        return gost.verify(key.key, data, signature)
    if used_digest.crypto_hash is None:
        raise UnsupportedAlgorithm(f"{used_digest.name} cannot be used with {key.family}")
    try:
        if key.family == "rsa":
            key.key.verify(signature, data, padding.PKCS1v15(), used_digest.crypto_hash)
        else:
            key.key.verify(signature, data, ec.ECDSA(used_digest.crypto_hash))
    except InvalidSignature:
        return False
    return True
