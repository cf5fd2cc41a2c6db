"""Account writes: registration and password sign-in."""

from __future__ import annotations

from django.contrib.auth import authenticate, password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from sotkabinet.core.services import audit
from sotkabinet.errors import DomainError

from .identity import is_valid_identity_number
from .models import Role, User


@transaction.atomic
def account_register(
    *,
    login: str,
    password: str,
    full_name: str,
    kind: str,
    email: str = "",
    phone: str = "",
    business_size: str = "",
) -> User:
    """Register an applicant with ИИН/БИН and password (R-FIL-1)."""
    if not is_valid_identity_number(login):
        raise DomainError("invalid_bin" if kind == User.Kind.LEGAL_ENTITY else "invalid_iin")
    candidate = User(login=login, full_name=full_name, email=email, kind=kind)
    try:
        password_validation.validate_password(password, user=candidate)
    except ValidationError as error:
        raise DomainError("weak_password", details={"password": list(error.messages)}) from None
    if User.objects.filter(login=login).exists():
        raise DomainError("already_exists", status=409)
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
    except IntegrityError:
        raise DomainError("already_exists", status=409) from None
    user.memberships.create(role=Role.APPLICANT)
    audit(user, "account.register", user, kind=kind)
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
