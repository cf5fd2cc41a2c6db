"""Account writes: registration and password sign-in."""

from __future__ import annotations

from django.contrib.auth import authenticate, password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from sotkabinet.core.services import audit
from sotkabinet.errors import DomainError

from .identity import is_valid_identity_number
from .models import Role, User


def account_register(
    *,
    login: str,
    password: str,
    full_name: str,
    kind: str,
    nonce: str = "",
    cms: str | bytes = "",
    email: str = "",
    phone: str = "",
    business_size: str = "",
    session_key: str | None = None,
) -> User:
    """Register an applicant with ИИН/БИН and a password, proven by the holder's key (R-FIL-1,
    issue 9 "Identity"; docs/api.md).

    `nonce` is a challenge (`signin.challenge_issue`) and `cms` an attached CMS over its UTF-8
    bytes by a key (AUTH or SIGN) whose identity is `login`: the ИИН of an individual's key, the
    БИН of a legal entity's. `kind` and `full_name` are taken from the certificate. The challenge
    is spent. `session_key`: the browser session of the web sign-up (its own `register`
    challenge; "" when the browser has no session); None for the API. Errors (400 unless said),
    in this order: invalid_iin / invalid_bin, weak_password, ecp_required, nonce_invalid,
    signature_invalid (details.reason), signer_mismatch, already_exists (409). Operators
    create accounts without a key (`create_user`, `seed_demo`).
    """
    from sotkabinet.signatures import signin

    if not is_valid_identity_number(login):
        raise DomainError("invalid_bin" if kind == User.Kind.LEGAL_ENTITY else "invalid_iin")
    candidate = User(login=login, full_name=full_name, email=email, kind=kind)
    try:
        password_validation.validate_password(password, user=candidate)
    except ValidationError as error:
        raise DomainError("weak_password", details={"password": list(error.messages)}) from None
    if not nonce or not cms:
        raise DomainError("ecp_required")
    # The web sign-up signs its own challenge; API clients sign the API's (docs/api.md).
    purpose = signin.PURPOSE_AUTH if session_key is None else signin.PURPOSE_REGISTER
    signin.consume_challenge(nonce, purposes=(purpose,), session_key=session_key, status=400)
    signer = signin.nonce_signer(nonce, cms, status=400)
    if signer.identity != login:
        # Nobody claims someone else's ИИН/БИН: the key must be the login's holder's.
        raise DomainError(
            "signer_mismatch",
            _("The key belongs to someone else: sign with the key of this IIN/BIN."),
            details={"signer": signer.identity},
        )
    # Only the holder learns whether the login is taken (no enumeration without the key).
    if User.objects.filter(login=login).exists():
        raise DomainError("already_exists", status=409)
    proven = signin.certificate_account_fields(signer)
    kind, full_name = proven["kind"], proven["full_name"] or full_name
    details = {"kind": kind, "method": "ecp", "certificate_serial": signer.certificate_serial}
    if kind == User.Kind.LEGAL_ENTITY:
        details["acting_iin"] = signer.iin  # who acted for the organisation
    # Not one transaction with the challenge: a spent challenge stays spent (docs/api.md).
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                login,
                password,
                full_name=full_name,
                kind=kind,
                email=email,
                phone=phone,
                business_size=business_size if kind == User.Kind.LEGAL_ENTITY else "",
            )
            user.memberships.create(role=Role.APPLICANT)
            audit(user, "account.register", user, **details)
    except IntegrityError:
        raise DomainError("already_exists", status=409) from None
    return user


def token_for(user: User) -> str:
    """The user's API token; an expired one is replaced (accounts/tokens.py)."""
    from .tokens import issue_token

    return issue_token(user)


def password_sign_in(*, login: str, password: str, request=None) -> User:
    user = authenticate(request, login=login, password=password)
    if user is None:
        audit(None, "account.sign_in_failed", None, login=login[:12])
        raise DomainError("invalid_credentials", status=401)
    audit(user, "account.sign_in", user, method="password")
    return user
