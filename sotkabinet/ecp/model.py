"""The value objects of the ЭЦҚ library: reasons, policies, signer details and verdicts.

Shapes follow docs/conventions.md "Signature verdicts" (the verdict object and its reason
codes).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# EKU OIDs of the Kazakh profile (SPEC R-ECP-4). A legal entity's key carries EKU_LEGAL_ENTITY and
# one role under it: the first head (.1), a person with the right to sign (.2), the right to sign
# financial documents (.3), the HR officer (.4) or a plain employee of the organisation (.5).
EKU_INDIVIDUAL = "1.2.398.3.3.4.1.1"
EKU_LEGAL_ENTITY = "1.2.398.3.3.4.1.2"
EKU_FIRST_HEAD = "1.2.398.3.3.4.1.2.1"
EKU_MAY_SIGN = "1.2.398.3.3.4.1.2.2"
EKU_MAY_SIGN_FINANCIAL = "1.2.398.3.3.4.1.2.3"
EKU_HR = "1.2.398.3.3.4.1.2.4"
EKU_EMPLOYEE = "1.2.398.3.3.4.1.2.5"
# The roles that may sign a document for the organisation (a filing, a power of attorney's head
# aside): the first head and a person given the right to sign. Issue 9 "Legal entities".
ORGANIZATION_SIGNING_ROLES = frozenset({EKU_FIRST_HEAD, EKU_MAY_SIGN})


class Reason(enum.StrEnum):
    """Why a signature is not valid (the reason codes of docs/conventions.md)."""

    TAMPERED = "tampered"
    UNTRUSTED = "untrusted"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    REVOKED = "revoked"
    REVOCATION_UNKNOWN = "revocation_unknown"
    KEY_USAGE = "key_usage"
    SIGNER_MISMATCH = "signer_mismatch"
    MALFORMED = "malformed"
    UNSUPPORTED_ALGORITHM = "unsupported_algorithm"


class Policy(enum.StrEnum):
    """Revocation policy: ``hard`` refuses an unknown revocation status, ``soft`` records it."""

    HARD = "hard"
    SOFT = "soft"


class CmsMalformed(ValueError):
    """The CMS (or something inside it) does not parse."""


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


@dataclass(frozen=True)
class SignerDetails:
    """Who signed, read from the signer's certificate (Kazakh profile, SPEC R-ECP-4)."""

    iin: str | None
    bin: str | None
    full_name: str | None
    surname: str | None
    given_name: str | None
    organization: str | None
    certificate_serial: str  # lowercase hex, no leading zeros
    issuer: str  # the issuer's CN, or its whole DN when it has none
    issuer_dn: str
    subject_dn: str
    not_before: datetime
    not_after: datetime
    key_usage: str  # "sign" (nonRepudiation) | "auth"
    key_usages: frozenset[str]
    roles: list[str]  # every extendedKeyUsage OID, dotted (roles are 1.2.398.3.3.4.1.2.x)
    signing_time: datetime | None
    algorithm: str
    certificate_der: bytes = field(repr=False)

    @property
    def is_legal_entity(self) -> bool:
        return self.bin is not None or EKU_LEGAL_ENTITY in self.roles

    @property
    def is_head(self) -> bool:
        return EKU_FIRST_HEAD in self.roles

    @property
    def may_sign_for_organization(self) -> bool:
        """A legal-entity key whose role lets it sign for the organisation (the first head or a
        person with the right to sign). A plain employee's key signs in but signs nothing."""
        return any(role in ORGANIZATION_SIGNING_ROLES for role in self.roles)

    @property
    def identity(self) -> str | None:
        """The portal login for this key: the BIN of a legal-entity key, else the IIN."""
        if self.is_legal_entity and self.bin:
            return self.bin
        return self.iin

    def to_dict(self) -> dict[str, Any]:
        """The signer object."""
        return {
            "iin": self.iin,
            "bin": self.bin,
            "full_name": self.full_name,
            "organization": self.organization,
            "certificate_serial": self.certificate_serial,
            "issuer": self.issuer,
            "not_before": _iso(self.not_before),
            "not_after": _iso(self.not_after),
            "key_usage": self.key_usage,
            "signing_time": _iso(self.signing_time),
            "algorithm": self.algorithm,
        }


@dataclass
class Verdict:
    """The outcome of ``verify_cms``.

    ``reason`` is the first failing signer's reason (signers in CMS order), or ``signer_mismatch``
    when every signature holds but nobody is the required person. ``signer_reasons`` is aligned
    with ``signers``. ``revocation`` records every revocation source consulted, per certificate.
    ``message`` is an English explanation for logs and operators, never shown as the API code.
    """

    valid: bool
    reason: str | None
    signers: list[SignerDetails] = field(default_factory=list)
    signer_reasons: list[str | None] = field(default_factory=list)
    revocation: list[dict[str, Any]] = field(default_factory=list)
    message: str | None = None
    at: datetime | None = None
    policy: str = Policy.HARD.value

    def to_dict(self) -> dict[str, Any]:
        """Exactly the verdict object of docs/conventions.md."""
        return {
            "valid": self.valid,
            "reason": self.reason,
            "signers": [signer.to_dict() for signer in self.signers],
        }
