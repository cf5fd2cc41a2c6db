"""Who may do what: the one module that decides access (roles and object-level rules).

Role checks live here. Object-level rules for app models (a filing, a case, a writ) are
registered by each app's `policies.py` through `register_policy`, so every view and endpoint
asks the same question, `can(user, action, obj)`, and the kernel never imports the apps.
A view that gets False for an object the caller may not know exists answers 404 (docs/api.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

from django.db.models import Model

from .models import Absence, Membership, Role, User

Policy = Callable[[User, str, Model], bool]
_POLICIES: dict[type, Policy] = {}


def register_policy(model: type[Model], policy: Policy) -> None:
    """Register the object-level rule of `model`: policy(user, action, obj) -> bool."""
    _POLICIES[model] = policy


def can(user: User, action: str, obj: Model) -> bool:
    """True if `user` may perform `action` ("view", "edit", "sign", ...) on `obj`."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    for model in type(obj).__mro__:
        policy = _POLICIES.get(model)
        if policy is not None:
            return policy(user, action, obj)
    return False


def roles_of(user: User) -> set[str]:
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_roles_cache", None)
    if cached is None:
        cached = list(user.memberships.values_list("role", "court_id"))
        user._roles_cache = cached
    return {role for role, _court in cached}


def has_role(user: User, role: str, court_id: int | None = None) -> bool:
    """The user holds `role`, in `court_id` when given."""
    if not user.is_authenticated:
        return False
    roles_of(user)
    return any(r == role and (court_id is None or c == court_id) for r, c in user._roles_cache)


def court_ids_of(user: User, roles: Iterable[str] | None = None) -> set[int]:
    """Courts where the user holds any of `roles` (any court role when None)."""
    if not user.is_authenticated:
        return set()
    roles_of(user)
    wanted = set(roles) if roles is not None else None
    return {c for r, c in user._roles_cache if c is not None and (wanted is None or r in wanted)}


def is_court_staff(user: User, court_id: int) -> bool:
    return court_id in court_ids_of(user)


def chamber_region(user: User) -> str | None:
    """The region a regional chamber user works for: the region of the district the user is
    seated in (`User.district`). None for anyone else, and for a chamber user with no
    district, who then sees no writ and no bailiff (issue 9, "The chamber has a region")."""
    if not has_role(user, Role.CHAMBER) or user.district_id is None:
        return None
    return user.district.region or None


def is_absent(user: User, on: date) -> bool:
    """The judge is marked absent on `on` (R-ACT-5)."""
    return Absence.objects.filter(user=user, date_from__lte=on, date_to__gte=on).exists()


def grant_role(user: User, role: str, court=None) -> Membership:
    membership, _created = Membership.objects.get_or_create(user=user, role=role, court=court)
    user.__dict__.pop("_roles_cache", None)
    return membership


__all__ = [
    "Role",
    "can",
    "chamber_region",
    "court_ids_of",
    "grant_role",
    "has_role",
    "is_absent",
    "is_court_staff",
    "register_policy",
    "roles_of",
]
