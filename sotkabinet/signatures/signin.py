"""Sign-in with ЭЦҚ (SPEC R-FIL-1; API.md "Accounts and sign-in": auth/ecp).

Threat model: the challenge endpoint is public and the signed answer is attacker-controlled. A
nonce is 256 random bits, lives settings.ECP_NONCE_TTL_SECONDS, and is consumed by one
conditional UPDATE before anything else is looked at, so two requests racing with the same CMS
cannot both pass and a replay finds it used. The CMS must be attached and its content exactly the
nonce's UTF-8 bytes; `verify_cms(purpose="auth")` then accepts an AUTH or a SIGN key (R-ECP-1).
The account is identified by the certificate alone: the BIN of a legal-entity key, else the IIN.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from sotkabinet.accounts.identity import is_valid_identity_number
from sotkabinet.accounts.models import Role, User
from sotkabinet.core.services import audit
from sotkabinet.ecp import CmsMalformed, SignerDetails, inspect_cms
from sotkabinet.errors import DomainError

from .models import SignInNonce
from .services import verify_signature

# Old challenges are deleted once they are this far past expiry.
NONCE_RETENTION = timedelta(hours=1)


@dataclass(frozen=True)
class SignInResult:
    user: User
    signer: SignerDetails
    created: bool


def challenge_issue() -> SignInNonce:
    """A fresh single-use sign-in challenge. Also sweeps long-expired ones."""
    now = timezone.now()
    SignInNonce.objects.filter(expires_at__lt=now - NONCE_RETENTION).delete()
    return SignInNonce.objects.create(
        value=secrets.token_urlsafe(32),
        created_at=now,
        expires_at=now + timedelta(seconds=settings.ECP_NONCE_TTL_SECONDS),
    )


def _consume(nonce: str) -> None:
    now = timezone.now()
    used = SignInNonce.objects.filter(value=nonce, used_at__isnull=True, expires_at__gt=now).update(
        used_at=now
    )
    if used != 1:
        raise DomainError("nonce_invalid", status=401)


def _invalid(reason: str) -> DomainError:
    return DomainError("signature_invalid", status=401, details={"reason": reason})


def _account_for(signer: SignerDetails) -> tuple[User, bool]:
    login = signer.identity
    legal_entity = signer.is_legal_entity and bool(signer.bin)
    full_name = (signer.organization if legal_entity else signer.full_name) or login
    user = User.objects.filter(login=login).first()
    if user is not None:
        return user, False
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                login,
                None,  # no password: this account signs in with ЭЦҚ until one is set
                full_name=full_name[:500],
                kind=User.Kind.LEGAL_ENTITY if legal_entity else User.Kind.INDIVIDUAL,
            )
            user.memberships.create(role=Role.APPLICANT)
    except IntegrityError:
        # A concurrent first sign-in of the same person created it.
        return User.objects.get(login=login), False
    return user, True


def ecp_sign_in(*, nonce: str, cms: str | bytes) -> SignInResult:
    """Sign in (and on first use register) the holder of the key that signed `nonce`.

    Raises DomainError 401 `nonce_invalid` (unknown, expired, used) or `signature_invalid` with
    details.reason. Legal-entity sign-ins record the acting person's IIN in the audit log.
    A nonce is spent even when the signature then fails: the client asks for a new challenge.
    """
    _consume(nonce)
    try:
        inspection = inspect_cms(cms)
    except CmsMalformed:
        raise _invalid("malformed") from None
    if inspection.content is None:
        raise _invalid("malformed")  # sign-in needs an attached CMS (API.md)
    if not hmac.compare_digest(inspection.content, nonce.encode()):
        raise _invalid("tampered")
    verdict = verify_signature(cms, purpose="auth")
    if not verdict.valid:
        raise _invalid(verdict.reason or "malformed")
    signer = verdict.signers[0]
    login = signer.identity
    if login is None or not is_valid_identity_number(login):
        raise _invalid("malformed")  # not a Kazakh personal or organisation certificate
    with transaction.atomic():
        user, created = _account_for(signer)
        if not user.is_active:
            raise DomainError("invalid_credentials", status=401)
        details = {
            "method": "ecp",
            "certificate_serial": signer.certificate_serial,
            "issuer": signer.issuer,
            "key_usage": signer.key_usage,
        }
        if user.is_legal_entity:
            # Who acted for the organisation (R-FIL-1): the person named in the BIN key.
            details["acting_iin"] = signer.iin
            details["acting_full_name"] = signer.full_name
        if created:
            audit(user, "account.register", user, kind=user.kind, method="ecp")
        audit(user, "account.sign_in", user, **details)
    return SignInResult(user=user, signer=signer, created=created)
