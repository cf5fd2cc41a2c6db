"""`manage.py create_user`: create or update an account with its roles (README "Operations").

    manage.py create_user --login <IIN/BIN> --password <p> --role <role> [--role <role>]...
        [--court <code>]... [--district <code>] [--attached-district <code>]... [--full-name <n>]

Updating is total for what the command governs: the password is reset, and the user's roles
become exactly the `--role`s given (court roles in every `--court` given), so running the same
command twice leaves the same account. Prints the user id on stdout and nothing else.

Court roles (clerk, judge, secretary, chairman, archivist) need at least one `--court`. Bailiffs
take `--district` (where they are registered) and `--attached-district` (002 п.9–10). The
regional chamber needs `--district` too: its seat, whose region is the region it works for
(it sees and edits that region's writs and bailiffs only). Clerks and the chamber work in the
admin, so they get staff status; superusers keep theirs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from sotkabinet.accounts.identity import is_valid_identity_number
from sotkabinet.accounts.models import COURT_ROLES, Membership, Role, User
from sotkabinet.courts.models import Court, District

# SPEC "Actors": the clerk and the regional chamber work in the admin UI.
STAFF_ROLES = frozenset({Role.CLERK, Role.CHAMBER})


def upsert_user(
    *,
    login: str,
    password: str,
    roles: Sequence[str],
    courts: Iterable[str] = (),
    district: str | None = None,
    attached_districts: Iterable[str] = (),
    full_name: str | None = None,
    kind: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    business_size: str | None = None,
    is_superuser: bool | None = None,
) -> tuple[User, bool]:
    """Create or update the account `login`; returns (user, created).

    Raises CommandError for an invalid login, an unknown role, court or district, or a court
    role without a court. Used by `create_user` and `seed_demo`.
    """
    if not is_valid_identity_number(login):
        raise CommandError(f"{login!r} is not a valid IIN/BIN (12 digits, control digit).")
    if not password:
        raise CommandError("--password must not be empty.")
    unknown = sorted(set(roles) - set(Role.values))
    if unknown:
        raise CommandError(f"Unknown role(s) {unknown}; known: {', '.join(Role.values)}.")
    court_objects = _courts(courts)
    if set(roles) & COURT_ROLES and not court_objects:
        raise CommandError("A court role (clerk, judge, ...) needs --court <code>.")
    registered_district = _districts([district])[0] if district else None
    if Role.CHAMBER in roles and registered_district is None:
        has_seat = User.objects.filter(login=login, district__isnull=False).exists()
        if not has_seat:
            raise CommandError("The chamber role needs --district <code>: its region's seat.")
    attached = _districts(attached_districts)
    if kind is not None and kind not in User.Kind.values:
        raise CommandError(f"--kind must be one of {', '.join(User.Kind.values)}.")
    if business_size and business_size not in User.BusinessSize.values:
        raise CommandError(f"--business-size must be one of {', '.join(User.BusinessSize.values)}.")

    with transaction.atomic():
        user = User.objects.select_for_update().filter(login=login).first()
        created = user is None
        if created:
            user = User(login=login, full_name=full_name or login, kind=guess_kind(login))
        if full_name:
            user.full_name = full_name
        if kind:
            user.kind = kind
        if email is not None:
            user.email = email
        if phone is not None:
            user.phone = phone
        if business_size is not None:
            user.business_size = business_size if user.kind == User.Kind.LEGAL_ENTITY else ""
        if is_superuser is not None:
            user.is_superuser = is_superuser
        user.is_staff = user.is_superuser or bool(set(roles) & STAFF_ROLES)
        user.is_active = True
        if district is not None:
            user.district = registered_district
        user.set_password(password)
        user.save()
        if Role.BAILIFF in roles or attached:
            user.attached_districts.set(attached)

        wanted = set()
        for role in roles:
            if role in COURT_ROLES:
                wanted.update((role, court.pk) for court in court_objects)
            else:
                wanted.add((role, None))
        current = {(m.role, m.court_id): m for m in user.memberships.all()}
        for key, membership in current.items():
            if key not in wanted:
                membership.delete()
        for role, court_id in sorted(wanted - set(current), key=str):
            Membership.objects.create(user=user, role=role, court_id=court_id)
    return user, created


def guess_kind(login: str) -> str:
    """A БИН has 4 (resident) or 5 (non-resident legal entity) in its 5th digit, where an ИИН
    has the first digit of a day of birth (0-3): the default kind of a new account."""
    return User.Kind.LEGAL_ENTITY if login[4] in "45" else User.Kind.INDIVIDUAL


def _courts(codes: Iterable[str]) -> list[Court]:
    codes = [code for code in codes if code]
    found = {court.code: court for court in Court.objects.filter(code__in=codes)}
    missing = [code for code in codes if code not in found]
    if missing:
        raise CommandError(f"Unknown court code(s): {', '.join(missing)}.")
    return [found[code] for code in dict.fromkeys(codes)]


def _districts(codes: Iterable[str]) -> list[District]:
    codes = [code for code in codes if code]
    found = {district.code: district for district in District.objects.filter(code__in=codes)}
    missing = [code for code in codes if code not in found]
    if missing:
        raise CommandError(f"Unknown district code(s): {', '.join(missing)}.")
    return [found[code] for code in dict.fromkeys(codes)]


class Command(BaseCommand):
    help = "Create or update a user (password and roles included) and print its id."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--login", required=True, help="ИИН or БИН (12 digits).")
        parser.add_argument("--password", required=True)
        parser.add_argument(
            "--role",
            dest="roles",
            action="append",
            required=True,
            choices=Role.values,
            help="A role from SPEC 'Actors'; repeat for several.",
        )
        parser.add_argument(
            "--court", dest="courts", action="append", default=[], help="Court code; repeatable."
        )
        parser.add_argument(
            "--district",
            help="Bailiffs: the district they are registered in. The chamber: its seat, which "
            "gives its region.",
        )
        parser.add_argument(
            "--attached-district",
            dest="attached_districts",
            action="append",
            default=[],
            help="Bailiffs: a district they are attached to; repeatable.",
        )
        parser.add_argument("--full-name", dest="full_name")
        parser.add_argument("--kind", choices=User.Kind.values)
        parser.add_argument("--email")
        parser.add_argument("--phone")
        parser.add_argument(
            "--business-size", dest="business_size", choices=User.BusinessSize.values
        )

    def handle(self, *args, **options) -> None:
        user, _created = upsert_user(
            login=options["login"],
            password=options["password"],
            roles=list(dict.fromkeys(options["roles"])),
            courts=options["courts"],
            district=options["district"],
            attached_districts=options["attached_districts"],
            full_name=options["full_name"],
            kind=options["kind"],
            email=options["email"],
            phone=options["phone"],
            business_size=options["business_size"],
        )
        self.stdout.write(str(user.pk))
