"""`create_user` and `seed_demo` (README "Operations"): exact flags, idempotent."""

from __future__ import annotations

import io
import zoneinfo
from datetime import UTC, date, datetime

import pytest
from django.core.management import CommandError, call_command

from registry.models import JudgeProfile
from sotkabinet.accounts.identity import is_valid_identity_number
from sotkabinet.accounts.models import Membership, Role, User
from sotkabinet.courts.models import CalendarOverride, Court, District

pytestmark = pytest.mark.django_db

LOGIN = "850101300015"


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def memberships(user: User) -> set[tuple[str, str | None]]:
    return {
        (m.role, m.court.code if m.court_id else None)
        for m in Membership.objects.filter(user=user).select_related("court")
    }


def test_create_user_creates_then_updates_password_and_roles(court, other_court):
    printed = run(
        "create_user",
        "--login", LOGIN,
        "--password", "First-Passw0rd",
        "--role", "clerk",
        "--court", court.code,
        "--court", other_court.code,
        "--full-name", "Ахметова Гүлнар",
    )  # fmt: skip
    user = User.objects.get(login=LOGIN)
    assert printed.strip() == str(user.pk)
    assert user.check_password("First-Passw0rd") and user.full_name == "Ахметова Гүлнар"
    assert user.is_staff  # clerks work in the admin
    assert memberships(user) == {("clerk", court.code), ("clerk", other_court.code)}

    again = run(
        "create_user", "--login", LOGIN, "--password", "Second-Passw0rd",
        "--role", "judge", "--court", court.code,
    )  # fmt: skip
    user.refresh_from_db()
    assert again.strip() == str(user.pk)
    assert User.objects.filter(login=LOGIN).count() == 1
    assert user.check_password("Second-Passw0rd") and not user.check_password("First-Passw0rd")
    assert memberships(user) == {("judge", court.code)}
    assert not user.is_staff
    assert user.full_name == "Ахметова Гүлнар"  # kept when not given


def test_create_user_is_idempotent(court):
    args = ["create_user", "--login", LOGIN, "--password", "Passw0rd-1", "--role", "applicant"]
    first, second = run(*args), run(*args)
    assert first == second
    user = User.objects.get(login=LOGIN)
    assert memberships(user) == {("applicant", None)}
    assert user.kind == "individual"


def test_create_user_bailiff_with_districts(district):
    other = District.objects.create(code="ALM-ALMAL", name="Алмалы", region="Алматы")
    run(
        "create_user", "--login", LOGIN, "--password", "Passw0rd-1", "--role", "bailiff",
        "--district", district.code, "--attached-district", other.code,
    )  # fmt: skip
    user = User.objects.get(login=LOGIN)
    assert user.district == district
    assert list(user.attached_districts.all()) == [other]
    assert memberships(user) == {("bailiff", None)}


def test_create_user_legal_entity_kind_from_the_bin():
    run("create_user", "--login", "260140000015", "--password", "Passw0rd-1", "--role", "applicant")
    assert User.objects.get(login="260140000015").kind == "legal_entity"


@pytest.mark.parametrize(
    "args",
    [
        ["--login", "850101300016", "--password", "p", "--role", "applicant"],  # control digit
        ["--login", LOGIN, "--password", "p", "--role", "clerk"],  # court role, no court
        ["--login", LOGIN, "--password", "p", "--role", "clerk", "--court", "NOPE"],
        ["--login", LOGIN, "--password", "p", "--role", "bailiff", "--district", "NOPE"],
    ],
)
def test_create_user_refuses_bad_input(court, args):
    with pytest.raises(CommandError):
        call_command("create_user", *args, stdout=io.StringIO())
    assert not User.objects.filter(login=LOGIN).exists()


def test_create_user_refuses_an_unknown_role():
    with pytest.raises(CommandError):
        call_command(
            "create_user", "--login", LOGIN, "--password", "p", "--role", "king",
            stdout=io.StringIO(), stderr=io.StringIO(),
        )  # fmt: skip


def _snapshot() -> dict:
    return {
        "users": sorted(User.objects.values_list("login", "kind", "is_staff", "is_superuser")),
        "memberships": sorted(
            Membership.objects.values_list("user__login", "role", "court__code"), key=str
        ),
        "courts": sorted(Court.objects.values_list("code", "instance", "timezone")),
        "districts": District.objects.count(),
        "overrides": CalendarOverride.objects.count(),
        "profiles": JudgeProfile.objects.count(),
    }


def test_seed_demo_is_idempotent_and_complete(settings, tmp_path):
    """Demo data for every role, ≥3 courts of each instance with one in another time zone,
    judges with distribution profiles, bailiffs with districts, printed logins."""
    settings.DEMO_PKI_DIR = tmp_path / "demo-pki"
    output = run("seed_demo")
    first = _snapshot()
    assert run("seed_demo")
    assert _snapshot() == first

    instances = {court.instance for court in Court.objects.all()}
    assert {"first", "appeal", "cassation"} <= instances
    # A court keeps its own zone (000 п.41): Asia/Oral, UTC+5 like the capital since 2024, but
    # an hour behind it before (checked on a 2023 instant, when Almaty was UTC+6).
    zones = {court.timezone for court in Court.objects.all()}
    assert zones - {"Asia/Almaty"}, "one court must keep its own time zone"
    before_2024 = datetime(2023, 6, 1, 12, tzinfo=UTC)
    capital = before_2024.astimezone(zoneinfo.ZoneInfo("Asia/Almaty")).utcoffset()
    offsets = {before_2024.astimezone(court.tzinfo).utcoffset() for court in Court.objects.all()}
    assert offsets - {capital}

    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == set(Role.values)
    assert User.objects.filter(is_superuser=True, is_staff=True).exists()
    judges = User.objects.filter(memberships__role="judge").distinct()
    assert judges.count() >= 2
    assert all(JudgeProfile.objects.filter(user=judge).exists() for judge in judges)
    bailiffs = User.objects.filter(memberships__role="bailiff")
    assert bailiffs.count() >= 2 and all(b.district_id for b in bailiffs)
    entity = User.objects.get(kind="legal_entity", memberships__role="applicant")
    assert entity.business_size
    for user in User.objects.all():
        assert is_valid_identity_number(user.login)
        assert user.login in output
    assert User.objects.get(login="850101300035").check_password("Demo-Sot-2026!")
    assert "Demo-Sot-2026!" in output and "Admin-Sot-2026!" in output
    assert (settings.DEMO_PKI_DIR / "ca").exists()
    assert "demo ЭЦҚ key" in output


def test_seed_demo_keeps_an_administrators_calendar_entry(settings, tmp_path):
    settings.DEMO_PKI_DIR = tmp_path / "demo-pki"
    CalendarOverride.objects.create(date=date(2026, 12, 31), kind="working_day", note="decree")
    run("seed_demo")
    assert CalendarOverride.objects.get(date=date(2026, 12, 31)).kind == "working_day"
