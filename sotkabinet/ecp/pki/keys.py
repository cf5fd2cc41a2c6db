"""Private keys of the test/demo PKI: RSA, ECDSA P-256, GOST 34.10-2015, and DSA (refusal tests)."""

from __future__ import annotations

from dataclasses import dataclass, field

from asn1crypto import core, pem
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, padding, rsa

from sotkabinet.ecp import _asn1, gost

ALGORITHMS = ("rsa", "ecdsa", "gost2015", "dsa")
_GOST_PEM_LABEL = "KZ GOST2015 PRIVATE KEY"

_DIGEST_OIDS = {"sha256": "2.16.840.1.101.3.4.2.1", "sha384": "2.16.840.1.101.3.4.2.2"}
_HASHES = {"sha256": hashes.SHA256, "sha384": hashes.SHA384}
_SIGNATURE_OIDS = {
    ("rsa", "sha256"): "1.2.840.113549.1.1.11",
    ("rsa", "sha384"): "1.2.840.113549.1.1.12",
    ("ecdsa", "sha256"): "1.2.840.10045.4.3.2",
    ("ecdsa", "sha384"): "1.2.840.10045.4.3.3",
    ("dsa", "sha256"): "2.16.840.1.101.3.4.3.2",
}


@dataclass
class PrivateKey:
    """A private key of one of ``ALGORITHMS``: a cryptography key, or a GOST scalar (bytes)."""

    algorithm: str
    native: object = field(repr=False)

    @classmethod
    def generate(cls, algorithm: str = "rsa", *, key_size: int = 2048) -> PrivateKey:
        if algorithm == "rsa":
            return cls("rsa", rsa.generate_private_key(public_exponent=65537, key_size=key_size))
        if algorithm == "ecdsa":
            return cls("ecdsa", ec.generate_private_key(ec.SECP256R1()))
        if algorithm == "dsa":
            return cls("dsa", dsa.generate_private_key(key_size=2048))
        if algorithm == "gost2015":
            return cls("gost2015", gost.generate_private_key())
        raise ValueError(f"algorithm must be one of {ALGORITHMS}")

    @property
    def digest(self) -> str:
        return "streebog512" if self.algorithm == "gost2015" else "sha256"

    @property
    def digest_oid(self) -> str:
        return gost.STREEBOG_512 if self.algorithm == "gost2015" else _DIGEST_OIDS[self.digest]

    @property
    def signature_oid(self) -> str:
        if self.algorithm == "gost2015":
            return gost.SIGNATURE_ALGORITHM_512
        return _SIGNATURE_OIDS[(self.algorithm, self.digest)]

    def signature_algorithm(self) -> dict:
        # NCA writes NULL parameters for RSA and GOST; ECDSA/DSA take none (RFC 5758).
        null = self.algorithm in ("rsa", "gost2015")
        return {"algorithm": self.signature_oid, "parameters": core.Null() if null else None}

    def public_key_info(self) -> bytes:
        """DER SubjectPublicKeyInfo."""
        if self.algorithm == "gost2015":
            parameters = _asn1.GostPublicKeyParameters(
                {"public_key_param_set": gost.PARAMSET_512_A, "digest_param_set": gost.STREEBOG_512}
            )
            point = core.OctetString(gost.public_key_for(self.native)).dump()
            return _asn1.OpaquePublicKeyInfo(
                {
                    "algorithm": {"algorithm": gost.KEY_ALGORITHM, "parameters": parameters},
                    "public_key": point,
                }
            ).dump()
        return self.native.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    def sign(self, data: bytes) -> bytes:
        """The signature value over ``data`` with this key's algorithm and digest."""
        if self.algorithm == "gost2015":
            return gost.sign(self.native, data)
        digest = _HASHES[self.digest]()
        if self.algorithm == "rsa":
            return self.native.sign(data, padding.PKCS1v15(), digest)
        if self.algorithm == "ecdsa":
            return self.native.sign(data, ec.ECDSA(digest))
        return self.native.sign(data, digest)

    def to_pem(self) -> bytes:
        if self.algorithm == "gost2015":
            return pem.armor(_GOST_PEM_LABEL, core.OctetString(self.native).dump())
        return self.native.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    @classmethod
    def from_pem(cls, data: bytes, algorithm: str) -> PrivateKey:
        if algorithm == "gost2015":
            _, _, der = pem.unarmor(data)
            return cls("gost2015", core.OctetString.load(der).native)
        return cls(algorithm, serialization.load_pem_private_key(data, password=None))
