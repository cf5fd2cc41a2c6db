"""Sign-in and registration with ЭЦҚ (SPEC R-FIL-1; docs/api.md).

Threat model: the challenge endpoint is public and the signed answer is attacker-controlled. A
nonce carries 256 random bits, lives settings.ECP_NONCE_TTL_SECONDS, and is consumed by one
conditional UPDATE before anything else is looked at, so two requests racing with the same CMS
cannot both pass and a replay finds it used. The CMS must be attached and its content exactly the
nonce's UTF-8 bytes; `verify_cms(purpose="auth")` then accepts an AUTH or a SIGN key (R-ECP-1).
The account is identified by the certificate alone: the BIN of a legal-entity key, else the IIN.

Binding (issue 9): the signed text itself names the portal and what the signature is for,

    sotkabinet:<purpose>:<origin>:<random>:<expiry, Unix seconds>

e.g. ``sotkabinet:auth:https://sot.example.kz:3q2-…:1767225600``. The origin is that of
settings.PORTAL_BASE_URL (else the request's), the purpose `auth` (sign-in) or `register` (the
web sign-up). A web page asks for its challenge through the browser session
(`/ecp-login/challenge/`), and the challenge stores the SHA-256 of that session's key: the web
sign-in and sign-up accept only a challenge of their own purpose asked for by the same session,
so a nonce obtained elsewhere (through the API, or by another browser) and signed by a victim
cannot be relayed into a session. API clients keep the two calls of docs/api.md; their challenges
have no session and are refused on the web, and a session's challenge is refused by the API.
Registration through the API takes the API's challenge (purpose `auth`), as docs/api.md says.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

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
NONCE_PREFIX = "sotkabinet"
MAX_ORIGIN_CHARS = 150
# The longest nonce a client can send back (the model's column).
MAX_NONCE_CHARS = 255
PURPOSE_AUTH = SignInNonce.Purpose.AUTH.value
PURPOSE_REGISTER = SignInNonce.Purpose.REGISTER.value


def portal_origin(request=None) -> str:
    """scheme://host[:port] of settings.PORTAL_BASE_URL, else of the request."""
    parts = urlsplit(settings.PORTAL_BASE_URL or "")
    if parts.scheme and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}".lower()[:MAX_ORIGIN_CHARS]
    if request is not None:
        return f"{request.scheme}://{request.get_host()}".lower()[:MAX_ORIGIN_CHARS]
    return "unknown"


def session_hash(session_key: str | None) -> str:
    """What a challenge stores of the browser session that asked for it ("" for none)."""
    if not session_key:
        return ""
    return hashlib.sha256(f"{NONCE_PREFIX}:session:{session_key}".encode()).hexdigest()


def nonce_text(*, purpose: str, origin: str, expires_at) -> str:
    """The string the holder signs: it names the portal, the purpose and the expiry."""
    random_part = secrets.token_urlsafe(32)
    return f"{NONCE_PREFIX}:{purpose}:{origin}:{random_part}:{int(expires_at.timestamp())}"


@dataclass(frozen=True)
class SignInResult:
    user: User
    signer: SignerDetails
    created: bool


def challenge_issue(
    *, purpose: str = PURPOSE_AUTH, session_key: str | None = None, request=None
) -> SignInNonce:
    """A fresh single-use challenge for `purpose`, bound to `session_key` when a web page asks.

    Also sweeps long-expired ones.
    """
    if purpose not in SignInNonce.Purpose.values:
        raise ValueError(f"unknown challenge purpose {purpose!r}")
    now = timezone.now()
    SignInNonce.objects.filter(expires_at__lt=now - NONCE_RETENTION).delete()
    expires_at = now + timedelta(seconds=settings.ECP_NONCE_TTL_SECONDS)
    return SignInNonce.objects.create(
        value=nonce_text(purpose=purpose, origin=portal_origin(request), expires_at=expires_at),
        purpose=purpose,
        session_hash=session_hash(session_key),
        created_at=now,
        expires_at=expires_at,
    )


def _bound_to(session_key: str | None) -> str | None:
    """The `session_hash` a challenge must have: "" for the API (session_key None); the hash of
    the browser session's key on the web; None (nothing matches) for a web request without one."""
    if session_key is None:
        return ""
    return session_hash(session_key) or None


def live_challenge(nonce: str, *, session_key: str | None = None) -> SignInNonce | None:
    """The unused, unexpired challenge `nonce` of this browser session (`session_key`; None for
    the API), else None."""
    bound = _bound_to(session_key)
    if bound is None:
        return None
    return SignInNonce.objects.filter(
        value=nonce[:MAX_NONCE_CHARS],
        session_hash=bound,
        used_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).first()


def consume_challenge(
    nonce: str, *, purposes: tuple[str, ...], session_key: str | None = None, status: int = 401
) -> None:
    """Spend `nonce` once: it must be live, of one of `purposes`, and asked for by this browser
    session (`session_key`, "" for a browser without a session) or, with None, through the API.
    Else DomainError `nonce_invalid`."""
    now = timezone.now()
    bound = _bound_to(session_key)
    used = 0
    if bound is not None:
        used = SignInNonce.objects.filter(
            value=nonce[:MAX_NONCE_CHARS],
            purpose__in=purposes,
            session_hash=bound,
            used_at__isnull=True,
            expires_at__gt=now,
        ).update(used_at=now)
    if used != 1:
        raise DomainError("nonce_invalid", status=status)


def _invalid(reason: str, status: int = 401) -> DomainError:
    return DomainError("signature_invalid", status=status, details={"reason": reason})


def nonce_signer(nonce: str, cms: str | bytes, *, status: int = 401) -> SignerDetails:
    """The verified holder of the key that signed exactly `nonce` (an attached CMS, AUTH or SIGN
    key, trusted chain, not revoked, a Kazakh IIN/BIN). Call after `consume_challenge`.
    Raises DomainError `signature_invalid` with details.reason."""
    try:
        inspection = inspect_cms(cms)
    except CmsMalformed:
        raise _invalid("malformed", status) from None
    if inspection.content is None:
        raise _invalid("malformed", status)  # the nonce must be inside the CMS (docs/api.md)
    if not hmac.compare_digest(inspection.content, nonce.encode()):
        raise _invalid("tampered", status)
    verdict = verify_signature(cms, purpose="auth")
    if not verdict.valid:
        raise _invalid(verdict.reason or "malformed", status)
    signer = verdict.signers[0]
    login = signer.identity
    if login is None or not is_valid_identity_number(login):
        raise _invalid("malformed", status)  # not a Kazakh personal or organisation certificate
    return signer


def certificate_account_fields(signer: SignerDetails) -> dict[str, str]:
    """`kind` and `full_name` of the account the key speaks for, from its certificate."""
    legal_entity = signer.is_legal_entity and bool(signer.bin)
    full_name = (signer.organization if legal_entity else signer.full_name) or signer.identity
    return {
        "kind": User.Kind.LEGAL_ENTITY if legal_entity else User.Kind.INDIVIDUAL,
        "full_name": (full_name or "")[:500],
    }


def _account_for(signer: SignerDetails) -> tuple[User, bool]:
    login = signer.identity
    fields = certificate_account_fields(signer)
    user = User.objects.filter(login=login).first()
    if user is not None:
        return user, False
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                login,
                None,  # no password: this account signs in with ЭЦҚ until one is set
                full_name=fields["full_name"],
                kind=fields["kind"],
            )
            user.memberships.create(role=Role.APPLICANT)
    except IntegrityError:
        # A concurrent first sign-in of the same person created it.
        return User.objects.get(login=login), False
    return user, True


def ecp_sign_in(*, nonce: str, cms: str | bytes, session_key: str | None = None) -> SignInResult:
    """Sign in (and on first use register) the holder of the key that signed `nonce`.

    `session_key`: the browser session of a web sign-in (its challenge must be this session's;
    "" when the browser has none); None for the API (its challenge must have no session).
    Raises DomainError 401 `nonce_invalid` (unknown, expired, used, another purpose or session)
    or `signature_invalid` with details.reason. Legal-entity sign-ins record the acting person's
    IIN in the audit log. A nonce is spent even when the signature then fails: the client asks
    for a new challenge.
    """
    consume_challenge(nonce, purposes=(PURPOSE_AUTH,), session_key=session_key)
    signer = nonce_signer(nonce, cms)
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
