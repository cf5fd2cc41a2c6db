"""Key holders (people) of the test/demo PKI: NCA-shaped user certificates (SPEC R-ECP-4)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from asn1crypto import pem

from sotkabinet.ecp import _asn1
from sotkabinet.ecp.model import (
    EKU_EMPLOYEE,
    EKU_FIRST_HEAD,
    EKU_HR,
    EKU_INDIVIDUAL,
    EKU_LEGAL_ENTITY,
    EKU_MAY_SIGN,
    EKU_MAY_SIGN_FINANCIAL,
)
from sotkabinet.ecp.pki.authority import CertificateAuthority
from sotkabinet.ecp.pki.builders import _to_pem, _write_private, build_name
from sotkabinet.ecp.pki.keys import PrivateKey
from sotkabinet.ecp.pki.signing import sign_cms

ROLE_NAMES = {
    "head": EKU_FIRST_HEAD,
    "signer": EKU_MAY_SIGN,
    "finance": EKU_MAY_SIGN_FINANCIAL,
    "hr": EKU_HR,
    "employee": EKU_EMPLOYEE,
}


@dataclass(eq=False)
class Person:
    """A key holder: certificate, private key and the CA that issued it."""

    certificate_der: bytes = field(repr=False)
    private_key: PrivateKey = field(repr=False)
    ca: CertificateAuthority
    iin: str
    full_name: str
    purpose: str
    bin: str | None = None
    organization: str | None = None

    @property
    def serial_number(self) -> int:
        return _asn1.Certificate.load(self.certificate_der)["tbs_certificate"][
            "serial_number"
        ].native

    @property
    def certificate_pem(self) -> bytes:
        return _to_pem(self.certificate_der)

    @property
    def identity(self) -> str:
        """The login a portal derives from this key: BIN for a legal-entity key, else IIN."""
        return self.bin or self.iin

    def sign(
        self,
        payload: bytes,
        detached: bool = True,
        signing_time: datetime | None = None,
        include_chain: bool = True,
    ) -> bytes:
        """A DER CMS SignedData over ``payload`` with contentType, signingTime, messageDigest."""
        return sign_cms(
            payload,
            [self],
            detached=detached,
            signing_time=signing_time,
            include_chain=include_chain,
        )

    def save_to(self, directory: str | os.PathLike) -> Path:
        """Write certificate.pem, private_key.pem (0600), meta.json and the CA chain in ca/."""
        path = Path(directory)
        path.mkdir(parents=True, exist_ok=True)
        (path / "certificate.pem").write_bytes(self.certificate_pem)
        _write_private(path / "private_key.pem", self.private_key.to_pem())
        meta = {
            "kind": "person",
            "algorithm": self.private_key.algorithm,
            "iin": self.iin,
            "bin": self.bin,
            "full_name": self.full_name,
            "organization": self.organization,
            "purpose": self.purpose,
        }
        (path / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2))
        self.ca.save_to(path / "ca")
        return path

    @classmethod
    def load_from(
        cls, directory: str | os.PathLike, ca: CertificateAuthority | None = None
    ) -> Person:
        path = Path(directory)
        meta = json.loads((path / "meta.json").read_text())
        _, _, der = pem.unarmor((path / "certificate.pem").read_bytes())
        key = PrivateKey.from_pem((path / "private_key.pem").read_bytes(), meta["algorithm"])
        issuer = ca or CertificateAuthority.load_from(path / "ca")
        return cls(
            der,
            key,
            issuer,
            meta["iin"],
            meta["full_name"],
            meta["purpose"],
            meta["bin"],
            meta["organization"],
        )


def issue_person(
    ca: CertificateAuthority,
    *,
    iin: str,
    full_name: str,
    purpose: str = "sign",
    bin: str | None = None,
    organization: str | None = None,
    roles: Iterable[str] = (),
    not_before: datetime | None = None,
    not_after: datetime | None = None,
    surname: str | None = None,
    given_name: str | None = None,
    email: str | None = None,
    algorithm: str | None = None,
    crl_url: str | None = None,
    key: PrivateKey | None = None,
    extra_extensions: Sequence[dict] = (),
) -> Person:
    """Issue an NCA-shaped user certificate (SPEC R-ECP-4).

    ``purpose`` "sign" gives nonRepudiation + digitalSignature and EKU emailProtection; "auth"
    gives digitalSignature + keyEncipherment and EKU clientAuth (as NCA's real certificates do).
    With ``bin`` the holder is a legal entity's employee (EKU 1.2.398.3.3.4.1.2, O, OU=BIN…) and
    ``roles`` adds role OIDs, given as OIDs or as "head" (.2.1), "signer" (.2.2), "finance" (.2.3),
    "hr" (.2.4) or "employee" (.2.5), as NCA issues them.
    ``algorithm`` defaults to the CA's.
    """
    if purpose not in ("sign", "auth"):
        raise ValueError("purpose must be 'sign' or 'auth'")
    names = full_name.split(maxsplit=1)
    surname = surname or names[0]
    given_name = given_name or (names[1] if len(names) > 1 else names[0])
    attributes = [
        ("common_name", full_name),
        ("surname", surname),
        ("serial_number", f"IIN{iin}"),
        ("country_name", "KZ"),
    ]
    if bin is not None:
        attributes.append(("organization_name", organization or f"ТОО «{bin}»"))
        attributes.append(("organizational_unit_name", f"BIN{bin}"))
    attributes.append(("given_name", given_name))
    if email:
        attributes.append(("email_address", email))
    extended = ["1.3.6.1.5.5.7.3.4" if purpose == "sign" else "1.3.6.1.5.5.7.3.2"]
    if bin is None:
        extended.append(EKU_INDIVIDUAL)
    else:
        extended.append(EKU_LEGAL_ENTITY)
        extended.extend(ROLE_NAMES.get(role, role) for role in roles)
    key = key or PrivateKey.generate(algorithm or ca.algorithm)
    usage = (
        {"non_repudiation", "digital_signature"}
        if purpose == "sign"
        else {"digital_signature", "key_encipherment"}
    )
    der = ca.issue_certificate(
        subject=build_name(attributes),
        public_key_info=key.public_key_info(),
        key_usage=usage,
        extended_key_usage=extended,
        not_before=not_before,
        not_after=not_after,
        crl_url=crl_url,
        extra_extensions=extra_extensions,
    )
    return Person(
        der,
        key,
        ca,
        iin,
        full_name,
        purpose,
        bin,
        organization or (f"ТОО «{bin}»" if bin else None),
    )


def issue_ocsp_responder(
    ca: CertificateAuthority,
    *,
    not_before: datetime | None = None,
    not_after: datetime | None = None,
) -> Person:
    """A delegated OCSP responder of ``ca`` (EKU id-kp-OCSPSigning), like NCA's «OCSP RESPONDER»."""
    key = PrivateKey.generate(ca.algorithm)
    der = ca.issue_certificate(
        subject=build_name([("common_name", "OCSP RESPONDER"), ("country_name", "KZ")]),
        public_key_info=key.public_key_info(),
        key_usage={"digital_signature", "non_repudiation"},
        extended_key_usage=["1.3.6.1.5.5.7.3.9"],
        not_before=not_before,
        not_after=not_after,
    )
    return Person(der, key, ca, iin="", full_name="OCSP RESPONDER", purpose="ocsp")
