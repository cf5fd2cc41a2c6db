"""asn1crypto specs for certificates whose public key asn1crypto does not know.

Threat model: the bytes parsed with these specs come from uploaded CMS, i.e. from an attacker.
These classes only change *which* spec asn1crypto uses for the SubjectPublicKeyInfo; all DER
decoding is still asn1crypto's. asn1crypto's own ``PublicKeyInfo`` raises ``KeyError`` for any
algorithm it does not list (every Kazakh GOST OID), so the key is kept here as an opaque
algorithm identifier plus bit string, and ``sotkabinet.ecp.algorithms`` interprets it.
"""

from __future__ import annotations

from asn1crypto import core, x509


class AlgorithmIdentifier(core.Sequence):
    """AlgorithmIdentifier with raw parameters (RFC 5280 4.1.1.2)."""

    _fields = [
        ("algorithm", core.ObjectIdentifier),
        ("parameters", core.Any, {"optional": True}),
    ]


class OpaquePublicKeyInfo(core.Sequence):
    """SubjectPublicKeyInfo whose key bits are not interpreted (RFC 5280 4.1.2.7)."""

    _fields = [
        ("algorithm", AlgorithmIdentifier),
        ("public_key", core.OctetBitString),
    ]


def _with_field(fields: list, name: str, spec: type) -> list:
    replaced = []
    for field in fields:
        if field[0] == name:
            replaced.append((name, spec, *field[2:]))
        else:
            replaced.append(field)
    return replaced


class TbsCertificate(x509.TbsCertificate):
    _fields = _with_field(
        x509.TbsCertificate._fields, "subject_public_key_info", OpaquePublicKeyInfo
    )


class Certificate(x509.Certificate):
    """An X.509 certificate with an opaque public key; every other helper of asn1crypto works."""

    _fields = _with_field(x509.Certificate._fields, "tbs_certificate", TbsCertificate)


class GostPublicKeyParameters(core.Sequence):
    """Parameters of an NCA GOST 34.10-2015 key: (curve parameter set, digest) OIDs."""

    _fields = [
        ("public_key_param_set", core.ObjectIdentifier),
        ("digest_param_set", core.ObjectIdentifier, {"optional": True}),
        ("encryption_param_set", core.ObjectIdentifier, {"optional": True}),
    ]
