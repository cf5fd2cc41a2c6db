"""Users (login = ИИН or БИН), roles and court membership."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .identity import is_valid_identity_number


def validate_identity_number(value: str) -> None:
    if not is_valid_identity_number(value):
        raise ValidationError(_("12 digits with a correct control digit are required."))


class Role(models.TextChoices):
    """SPEC "Actors"."""

    APPLICANT = "applicant", _("Applicant")
    REPRESENTATIVE = "representative", _("Representative")
    CLERK = "clerk", _("Clerk (court office)")
    JUDGE = "judge", _("Judge")
    SECRETARY = "secretary", _("Session secretary")
    CHAIRMAN = "chairman", _("Court chairman")
    CHAMBER = "chamber", _("Regional chamber of private bailiffs")
    BAILIFF = "bailiff", _("Private bailiff")
    ARCHIVIST = "archivist", _("Archivist")


# Roles that belong to a court: a membership names the court.
COURT_ROLES = frozenset({Role.CLERK, Role.JUDGE, Role.SECRETARY, Role.CHAIRMAN, Role.ARCHIVIST})


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, login: str, password: str | None = None, **fields) -> User:
        user = self.model(login=login, **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, login: str, password: str | None = None, **fields) -> User:
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        fields.setdefault("full_name", "Administrator")
        return self.create_user(login, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", _("Individual")
        LEGAL_ENTITY = "legal_entity", _("Legal entity")

    class BusinessSize(models.TextChoices):
        SMALL = "small", _("Small business")
        MEDIUM = "medium", _("Medium business")
        LARGE = "large", _("Large business")

    login = models.CharField(
        max_length=12,
        unique=True,
        validators=[validate_identity_number],
        help_text="ИИН (individual) or БИН (legal entity): 12 digits with the control digit.",
    )
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.INDIVIDUAL)
    full_name = models.CharField(max_length=500, help_text="Full name or organisation name.")
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=32, blank=True)
    business_size = models.CharField(
        max_length=8,
        choices=BusinessSize.choices,
        blank=True,
        help_text="Legal entities only; a large business cannot defer the duty (R-FIL-6).",
    )
    district = models.ForeignKey(
        "courts.District",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registered_users",
        help_text="Bailiffs: the district they are registered in (R-ENF-4). The regional "
        "chamber: its seat; the chamber works for this district's region.",
    )
    attached_districts = models.ManyToManyField(
        "courts.District",
        blank=True,
        related_name="attached_users",
        help_text="Bailiffs: districts they are attached to (002 п.9–10).",
    )
    # Issue 10: notices, e-mails and SMS go out in this language only; set by the language
    # switcher (signed in) and from Accept-Language at sign-up. Empty: the portal's default.
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=[(code, name) for code, name in settings.LANGUAGES],
        blank=True,
        default="",
        help_text=_("Notices, e-mails and SMS are sent in this language."),
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="May open the admin (clerk desk).")
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "login"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["login"]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.login})"

    @property
    def is_legal_entity(self) -> bool:
        return self.kind == self.Kind.LEGAL_ENTITY

    @property
    def language_code(self) -> str:
        """The language this user's notices, e-mails and SMS are written in (issue 10)."""
        return self.language or settings.LANGUAGE_CODE

    def as_person(self) -> dict:
        """The person object."""
        return {"login": self.login, "full_name": self.full_name}


class Membership(models.Model):
    """A role held by a user, in a court for court roles (clerk, judge, secretary, chairman)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices)
    court = models.ForeignKey(
        "courts.Court", null=True, blank=True, on_delete=models.CASCADE, related_name="staff"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "court"], name="membership_unique_role_court"
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=models.Q(court__isnull=True),
                name="membership_unique_role_without_court",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user.login}: {self.role} @ {self.court_id or '-'}"


class Absence(models.Model):
    """A judge's absence for a good reason: enables the chairman's legal-force path (R-ACT-5)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="absences")
    date_from = models.DateField()
    date_to = models.DateField()
    reason = models.CharField(max_length=500)
    recorded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", help_text="Chairman or clerk."
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("judge's absence")
        verbose_name_plural = _("judges' absences")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(date_to__gte=models.F("date_from")), name="absence_period_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} absent {self.date_from}–{self.date_to}"
