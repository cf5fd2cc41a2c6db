"""GOST 34.10-2015 (512-bit) and Streebog as Kazakhstan's NCA uses them.

Threat model: public keys, digests and signature values reach this module from uploaded CMS and
certificates, i.e. from an attacker. Every function checks lengths and ranges and returns ``False``
(never raises) for values that cannot be a valid signature; a point that is not on the curve is
refused before any arithmetic. The arithmetic itself is gostcrypto's (pure Python, about 0.1 s per
verification with the faster modular inverse below), so callers must bound how many verifications
one request may cause (see ``sotkabinet.ecp.limits``).

Byte conventions, worked out on NCA's published test certificates, CRL, OCSP responses and a CMS
made by Kalkan (the NCA library), all of which verify with them:

* key algorithm ``1.2.398.3.10.1.1.2.2``, parameters
  ``(1.2.398.3.10.1.1.2.2.1, 1.2.398.3.10.1.3.3)``: the TC26 512-bit curve "paramSetA" with
  Streebog-512;
* public key: an OCTET STRING holding X‖Y, 64 bytes each, little-endian;
* digest ``1.2.398.3.10.1.3.3`` = Streebog-512, used (e.g. in ``messageDigest``) exactly as the hash
  function outputs it; for the signature the integer e is that digest read little-endian;
* signature ``1.2.398.3.10.1.1.2.3.2``: r‖s, 64 bytes each, little-endian (the byte reverse of the
  RFC 4491 big-endian s‖r).

The older GOST 34.310-2004 (``1.2.398.3.10.1.1.1.x``) hashes with GOST 34.311-95 (GOST R 34.11-94),
which no maintained Python library implements; it is reported as an unsupported algorithm.
"""

from __future__ import annotations

import secrets

from gostcrypto import gosthash, gostsignature

KEY_ALGORITHM = "1.2.398.3.10.1.1.2.2"
PARAMSET_512_A = "1.2.398.3.10.1.1.2.2.1"
SIGNATURE_ALGORITHM_512 = "1.2.398.3.10.1.1.2.3.2"
STREEBOG_512 = "1.2.398.3.10.1.3.3"

# The older Kazakh GOST family (34.310-2004 keys, 34.311-95 hash): recognised, never verified.
GOST2004_PREFIX = "1.2.398.3.10.1.1.1"
GOST2004_DIGEST = "1.2.398.3.10.1.3.1"

SIZE = 64  # bytes per coordinate / per signature half for the 512-bit curve
_CURVE = gostsignature.CURVES_R_1323565_1_024_2019["id-tc26-gost-3410-12-512-paramSetA"]


class _Gost512(gostsignature.GOST34102012):
    """gostcrypto's GOST 34.10-2012 with Python's built-in modular inverse.

    gostcrypto inverts with a recursive extended Euclid written in Python; ``pow(x, -1, n)``
    computes the same value in C and halves the verification time. Nothing else is changed.
    """

    @staticmethod
    def _invert(value: int, n_mod: int) -> int:
        return pow(value, -1, n_mod)


_SIGNER = _Gost512(gostsignature.MODE_512, _CURVE)
# Curve constants as gostcrypto holds them (pinned version; read once).
_P: int = _SIGNER._p
_A: int = _SIGNER._a
_B: int = _SIGNER._b
_Q: int = _SIGNER._q


def streebog512(data: bytes) -> bytes:
    """Streebog-512 (GOST 34.11-2012) as the hash function outputs it."""
    return bytes(gosthash.new("streebog512", data=data).digest())


def _on_curve(x: int, y: int) -> bool:
    return 0 <= x < _P and 0 <= y < _P and (y * y - (x * x * x + _A * x + _B)) % _P == 0


def verify_digest(public_key: bytes, digest: bytes, signature: bytes) -> bool:
    """Verify an NCA-convention signature over a Streebog-512 digest. Never raises."""
    if len(public_key) != 2 * SIZE or len(digest) != SIZE or len(signature) != 2 * SIZE:
        return False
    x = int.from_bytes(public_key[:SIZE], "little")
    y = int.from_bytes(public_key[SIZE:], "little")
    if not _on_curve(x, y):
        return False
    r = int.from_bytes(signature[:SIZE], "little")
    s = int.from_bytes(signature[SIZE:], "little")
    if not (0 < r < _Q and 0 < s < _Q):
        return False
    # gostcrypto takes big-endian coordinates, big-endian r||s, and reads e big-endian.
    key_be = bytearray(x.to_bytes(SIZE, "big") + y.to_bytes(SIZE, "big"))
    signature_be = bytearray(r.to_bytes(SIZE, "big") + s.to_bytes(SIZE, "big"))
    try:
        return bool(_SIGNER.verify(key_be, bytearray(digest[::-1]), signature_be))
    except (gostsignature.GOSTSignatureError, ValueError, ZeroDivisionError):
        return False


def verify(public_key: bytes, data: bytes, signature: bytes) -> bool:
    """Verify an NCA GOST 34.10-2015 signature over ``data`` (hashed with Streebog-512)."""
    return verify_digest(public_key, streebog512(data), signature)


def generate_private_key() -> bytes:
    """A random private scalar 0 < d < q, 64 bytes big-endian."""
    while True:
        candidate = secrets.randbelow(_Q)
        if candidate:
            return candidate.to_bytes(SIZE, "big")


def public_key_for(private_key: bytes) -> bytes:
    """X‖Y little-endian (the NCA public-key OCTET STRING content) for a private scalar."""
    point = bytes(_SIGNER.public_key_generate(bytearray(private_key)))
    x, y = point[:SIZE], point[SIZE:]
    return x[::-1] + y[::-1]


def sign_digest(private_key: bytes, digest: bytes) -> bytes:
    """Sign a Streebog-512 digest; returns r‖s little-endian (NCA layout)."""
    signature = bytes(_SIGNER.sign(bytearray(private_key), bytearray(digest[::-1])))
    r, s = signature[:SIZE], signature[SIZE:]
    return r[::-1] + s[::-1]


def sign(private_key: bytes, data: bytes) -> bytes:
    """Sign ``data`` (Streebog-512, then GOST 34.10-2015) in NCA's byte layout."""
    return sign_digest(private_key, streebog512(data))
