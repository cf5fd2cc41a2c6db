"""`manage.py seed_demo`: demo districts, courts, users for every role, calendar overrides and the
demo ЭЦҚ keys (README "Operations"). Idempotent: a second run changes nothing but re-sets the
demo passwords. Prints every login with its password.

The passwords are fixed demo values (DEMO_PASSWORD, ADMIN_PASSWORD below), documented in the
README. Never run this against a production database.

Time zones. Since 1 March 2024 every Kazakh IANA zone (Asia/Almaty, Asia/Qostanay, Asia/Aqtobe,
Asia/Oral, ...) is UTC+5 (tzdata 2024a), so no Kazakh zone differs from the capital's any more.
The demo West Kazakhstan court uses its own zone, Asia/Oral: the same offset today, but the court
counts in its own zone (R-REG-2, 000 п.41), which mattered before 2024 (Almaty was UTC+6 then) and
will again if the offsets ever diverge. A foreign zone with a different offset would put wrong
deadlines on a real court, so none is used here; the calendar tests cover differing offsets.

The demo calendar overrides are examples of transfer decrees, not real ones; the note says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from sotkabinet.accounts.models import Role, User
from sotkabinet.courts.models import CalendarOverride, Court, District
from sotkabinet.ecp.certificates import parse_certificate
from sotkabinet.signatures.demo import DEMO_CA_NAME, demo_person, ensure_demo_pki

from .create_user import upsert_user

# Fixed, printed and documented on purpose: demo accounts only.
DEMO_PASSWORD = "Demo-Sot-2026!"  # noqa: S105
ADMIN_PASSWORD = "Admin-Sot-2026!"  # noqa: S105
OTHER_TIMEZONE = "Asia/Oral"

DISTRICTS = [
    ("ALM-BOST", "Бостандық ауданы", "Алматы"),
    ("ALM-ALMAL", "Алмалы ауданы", "Алматы"),
    ("AST-YESIL", "Есіл ауданы", "Астана"),
    ("ZKO-ORAL", "Орал қаласы", "Батыс Қазақстан облысы"),
]

COURTS = [
    {
        "code": "ALM-SMAS",
        "name": "Алматы қаласының мамандандырылған ауданаралық экономикалық соты",
        "instance": Court.Instance.FIRST,
        "region": "Алматы",
        "district": "ALM-BOST",
        "timezone": "Asia/Almaty",
    },
    {
        "code": "ORAL-CIV",
        "name": "Орал қалалық соты",
        "instance": Court.Instance.FIRST,
        "region": "Батыс Қазақстан облысы",
        "district": "ZKO-ORAL",
        "timezone": OTHER_TIMEZONE,
    },
    {
        "code": "ALM-APP",
        "name": "Алматы қалалық сотының азаматтық істер жөніндегі сот алқасы",
        "instance": Court.Instance.APPEAL,
        "region": "Алматы",
        "district": "ALM-ALMAL",
        "timezone": "Asia/Almaty",
    },
    {
        "code": "SC-CASS",
        "name": "Қазақстан Республикасы Жоғарғы Сотының азаматтық істер жөніндегі сот алқасы",
        "instance": Court.Instance.CASSATION,
        "region": "Астана",
        "district": "AST-YESIL",
        "timezone": "Asia/Almaty",
    },
]


@dataclass(frozen=True)
class DemoUser:
    key: str
    login: str
    full_name: str
    roles: tuple[str, ...]
    courts: tuple[str, ...] = ()
    kind: str = User.Kind.INDIVIDUAL
    business_size: str = ""
    district: str | None = None
    attached: tuple[str, ...] = ()
    judge_languages: tuple[str, ...] = ()
    judge_categories: tuple[str, ...] = ()
    superuser: bool = False

    @property
    def password(self) -> str:
        return ADMIN_PASSWORD if self.superuser else DEMO_PASSWORD


USERS = [
    DemoUser("applicant", "850101300015", "Нұрланова Әлия Серікқызы", (Role.APPLICANT,)),
    DemoUser(
        "applicant_entity",
        "260140000015",
        "«Дала Агро» ЖШС",
        (Role.APPLICANT,),
        kind=User.Kind.LEGAL_ENTITY,
        business_size=User.BusinessSize.SMALL,
    ),
    DemoUser(
        "representative",
        "850101300025",
        "Сәрсенов Ержан Бақытұлы",
        (Role.APPLICANT, Role.REPRESENTATIVE),
    ),
    DemoUser("clerk", "850101300035", "Ахметова Гүлнар Қайратқызы", (Role.CLERK,), ("ALM-SMAS",)),
    DemoUser(
        "clerk_other_courts",
        "850101300045",
        "Омарова Динара Маратқызы",
        (Role.CLERK,),
        ("ORAL-CIV", "ALM-APP", "SC-CASS"),
    ),
    DemoUser(
        "judge",
        "850101300055",
        "Жұмабаев Марат Есенұлы",
        (Role.JUDGE,),
        ("ALM-SMAS",),
        judge_languages=("kk", "ru"),
    ),
    DemoUser(
        "judge2",
        "850101300065",
        "Ким Светлана Игоревна",
        (Role.JUDGE,),
        ("ALM-SMAS",),
        judge_languages=("ru",),
        judge_categories=("civil", "administrative"),
    ),
    DemoUser(
        "judge_oral",
        "850101300075",
        "Тоқтаров Айдос Нұрланұлы",
        (Role.JUDGE,),
        ("ORAL-CIV",),
        judge_languages=("kk", "ru"),
    ),
    DemoUser(
        "judge_appeal",
        "850101300085",
        "Исаева Жанар Болатқызы",
        (Role.JUDGE,),
        ("ALM-APP",),
        judge_languages=("kk", "ru"),
    ),
    DemoUser(
        "judge_cassation",
        "850101300095",
        "Бекмұхамбетов Серік Ауезұлы",
        (Role.JUDGE,),
        ("SC-CASS",),
        judge_languages=("kk", "ru"),
    ),
    DemoUser(
        "secretary", "850101300104", "Қасымова Айгерім Ерланқызы", (Role.SECRETARY,), ("ALM-SMAS",)
    ),
    DemoUser(
        "chairman",
        "850101300114",
        "Әбдірахманов Бауыржан Төлеуұлы",
        (Role.CHAIRMAN,),
        ("ALM-SMAS",),
    ),
    DemoUser(
        "chamber",
        "850101300164",
        "Алматы өңірлік жеке сот орындаушылар палатасы",
        (Role.CHAMBER,),
        district="ALM-BOST",  # its seat: the chamber works for the Almaty region (issue 9)
    ),
    DemoUser(
        "bailiff",
        "850101300124",
        "Мұқанов Ерлан Дәуренұлы",
        (Role.BAILIFF,),
        district="ALM-BOST",
        attached=("ALM-ALMAL",),
    ),
    DemoUser(
        "bailiff2",
        "850101300134",
        "Сейітова Мәдина Асқарқызы",
        (Role.BAILIFF,),
        district="ALM-ALMAL",
    ),
    DemoUser(
        "archivist", "850101300144", "Иманғалиева Сәуле Жанатқызы", (Role.ARCHIVIST,), ("ALM-SMAS",)
    ),
    DemoUser("admin", "850101300154", "Портал әкімшісі (admin)", (), superuser=True),
]

# Who gets a demo ЭЦҚ key (R-ECP-*): everyone who signs something in the demo flows.
DEMO_SIGNERS = (
    "applicant",
    "applicant_entity",
    "representative",
    "judge",
    "judge2",
    "judge_oral",
    "judge_appeal",
    "judge_cassation",
    "secretary",
    "chairman",
)

# Examples of the yearly transfer decrees (not real ones): a day off and the working Saturday
# it is exchanged for.
CALENDAR_OVERRIDES = [
    (date(2026, 12, 31), CalendarOverride.Kind.DAY_OFF, "Demo: 31 December made a day off"),
    (date(2026, 12, 26), CalendarOverride.Kind.WORKING_DAY, "Demo: working Saturday for 31 Dec"),
    (date(2027, 1, 8), CalendarOverride.Kind.DAY_OFF, "Demo: bridge day after Christmas"),
    (date(2027, 1, 16), CalendarOverride.Kind.WORKING_DAY, "Demo: working Saturday for 8 Jan"),
]


def seed_reference_data() -> None:
    for code, name, region in DISTRICTS:
        District.objects.update_or_create(code=code, defaults={"name": name, "region": region})
    districts = {district.code: district for district in District.objects.all()}
    for spec in COURTS:
        Court.objects.update_or_create(
            code=spec["code"],
            defaults={
                "name": spec["name"],
                "instance": spec["instance"],
                "region": spec["region"],
                "district": districts[spec["district"]],
                "timezone": spec["timezone"],
                "work_start": time(9, 0),
                "work_end": time(18, 30),
            },
        )
    for day, kind, note in CALENDAR_OVERRIDES:
        # get_or_create: an administrator's own entry for that date is kept.
        CalendarOverride.objects.get_or_create(date=day, defaults={"kind": kind, "note": note})


def seed_users() -> dict[str, User]:
    # The registry app owns judge profiles; seed data may reach forward, the kernel code may not.
    judge_profile = apps.get_model("registry", "JudgeProfile")
    users = {}
    for spec in USERS:
        user, _created = upsert_user(
            login=spec.login,
            password=spec.password,
            roles=list(spec.roles),
            courts=spec.courts,
            district=spec.district,
            attached_districts=spec.attached,
            full_name=spec.full_name,
            kind=spec.kind,
            email=f"{spec.key.replace('_', '-')}@demo.sotkabinet.kz",
            business_size=spec.business_size,
            is_superuser=spec.superuser,
        )
        if Role.JUDGE in spec.roles:
            for court in Court.objects.filter(code__in=spec.courts):
                judge_profile.objects.update_or_create(
                    user=user,
                    court=court,
                    defaults={
                        "languages": list(spec.judge_languages),
                        "categories": list(spec.judge_categories),
                        "accepts_cases": True,
                    },
                )
        users[spec.key] = user
    return users


class Command(BaseCommand):
    help = "Create (or refresh) demo courts, districts, users for every role and demo ЭЦҚ keys."

    def handle(self, *args, **options) -> None:
        if settings.PRODUCTION:
            # Demo users have published passwords: never on a real portal (issue 9).
            raise CommandError("seed_demo refuses to run under the production settings profile.")
        with transaction.atomic():
            seed_reference_data()
            users = seed_users()
        self._seed_pki(users)
        self._print_table()

    def _seed_pki(self, users: dict[str, User]) -> None:
        """The demo CA and demo signing keys (issued once, then reused) for the people who sign
        in the demo flows: applicants, the attorney, the judges, the secretary, the chairman."""
        demo = ensure_demo_pki()
        self.stdout.write(f"Demo CA: {DEMO_CA_NAME} (under {demo.directory})")
        for key in DEMO_SIGNERS:
            certificate = parse_certificate(demo_person(users[key]).certificate_der)
            self.stdout.write(
                f"  demo ЭЦҚ key: {key:<20} {certificate.subject.common_name_or_dn} "
                f"(valid until {certificate.not_after:%Y-%m-%d})"
            )
        if not settings.DEMO:
            self.stdout.write(
                "DEMO is off: the demo CA is not trusted and the demo signer is disabled. "
                "Set DEMO=1 to sign with the demo keys."
            )

    def _print_table(self) -> None:
        self.stdout.write("")
        self.stdout.write("Demo courts:")
        for spec in COURTS:
            self.stdout.write(
                f"  {spec['code']:<10} {spec['instance']:<10} {spec['timezone']:<12} {spec['name']}"
            )
        self.stdout.write("")
        self.stdout.write("Demo accounts (login / password):")
        for spec in USERS:
            roles = ", ".join(spec.roles) or "superuser"
            courts = f" @ {', '.join(spec.courts)}" if spec.courts else ""
            if spec.district:
                courts += f" district {spec.district}"
                courts += f" (+ {', '.join(spec.attached)})" if spec.attached else ""
            self.stdout.write(
                f"  {spec.key:<20} {spec.login}  {spec.password:<16} "
                f"{roles}{courts}  {spec.full_name}"
            )
