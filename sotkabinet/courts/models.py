"""Courts, administrative districts, and the editable part of the working calendar."""

from __future__ import annotations

import zoneinfo
from datetime import time

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


def validate_timezone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
        raise ValidationError(_("Unknown IANA time zone.")) from error


class District(models.Model):
    """An administrative district: bailiff territory (R-ENF-4) and court seat."""

    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=300)
    region = models.CharField(max_length=300)

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Court(models.Model):
    class Instance(models.TextChoices):
        FIRST = "first", _("First instance")
        APPEAL = "appeal", _("Appeal")
        CASSATION = "cassation", _("Cassation")
        SUPREME = "supreme", _("Supreme Court")

    code = models.CharField(
        max_length=32, unique=True, help_text="Short code; prefixes case numbers."
    )
    name = models.CharField(max_length=500)
    instance = models.CharField(max_length=16, choices=Instance.choices)
    region = models.CharField(max_length=300)
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="courts")
    timezone = models.CharField(
        max_length=64,
        default="Asia/Almaty",
        validators=[validate_timezone],
        help_text="IANA zone: deadlines use the court's local time (000 п.41).",
    )
    work_start = models.TimeField(default=time(9, 0))
    work_end = models.TimeField(default=time(18, 30))

    class Meta:
        verbose_name = _("court")
        verbose_name_plural = _("courts")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)


class CalendarOverride(models.Model):
    """A transferred day off or an extra working day, from each year's government decree.

    The `holidays` package knows the public holidays but not the yearly transfer decrees,
    so the court administration keeps them here (admin-editable).
    """

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("Day off")
        WORKING_DAY = "working_day", _("Working day")

    date = models.DateField(unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    note = models.CharField(max_length=300, blank=True, help_text="The decree, e.g. its number.")

    class Meta:
        verbose_name = _("calendar decree day")
        verbose_name_plural = _("calendar decree days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date}: {self.get_kind_display()}"
