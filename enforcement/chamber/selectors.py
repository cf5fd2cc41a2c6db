"""The chamber's reads: the bailiff registry and the distribution report (SPEC R-ENF-6)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet

from enforcement import distribution as engine
from sotkabinet.accounts.models import Role, User
from sotkabinet.courts.models import District

from .models import OPEN_REGISTRATION_STATUSES, BailiffAssignment, Registration


def bailiffs(district: str | None = None, *, region: str | None = None) -> QuerySet[User]:
    """Private bailiffs (users holding the bailiff role), optionally serving ``district``, and
    with ``region`` only those registered in a district of that region (the chamber's own,
    issue 9; None: every region, for the operators)."""
    queryset = User.objects.filter(memberships__role=Role.BAILIFF)
    if region is not None:
        queryset = queryset.filter(district__region=region)
    if district:
        queryset = queryset.filter(
            Q(district__code=district) | Q(attached_districts__code=district)
        )
    return (
        queryset.distinct()
        .select_related("district", "bailiff_profile")
        .prefetch_related("attached_districts")
        .annotate(
            open_writs=Count(
                "enforcement_registrations",
                filter=Q(enforcement_registrations__status__in=OPEN_REGISTRATION_STATUSES),
                distinct=True,
            )
        )
        .order_by("login")
    )


def region_district_codes(region: str) -> QuerySet:
    """The codes of the districts of ``region`` (a subquery)."""
    return District.objects.filter(region=region).values("code")


def registrations_of_region(region: str | None) -> QuerySet[Registration]:
    """The registrations of debtors in ``region``; every one with None (operators)."""
    registrations = Registration.objects.all()
    if region is None:
        return registrations
    return registrations.filter(debtor_district__in=region_district_codes(region))


def registration_for_writ(writ_id: int) -> Registration | None:
    return Registration.objects.filter(source_writ_id=writ_id).first()


@dataclass(frozen=True)
class Report:
    date_from: date
    date_to: date
    rows: list[dict]
    spread: list[dict]
    total: int


def distribution_report(
    date_from: date, date_to: date, district: str | None = None, *, region: str | None = None
) -> Report:
    """Writs distributed per bailiff and category in [date_from, date_to] (002 п.15), every
    bailiff of the registry with every category (zeros too), and the evenness per district and
    category that the Republican chamber monitors (п.16). Counts every assignment: first
    distributions, redistributions and reassignments. With ``region``: the writs of debtors in
    that region and its bailiffs only (a regional chamber's report, issue 9)."""
    assignments = BailiffAssignment.objects.filter(
        assigned_at__date__gte=date_from, assigned_at__date__lte=date_to
    )
    if district:
        assignments = assignments.filter(debtor_district=district)
    if region is not None:
        assignments = assignments.filter(debtor_district__in=region_district_codes(region))
    people = list(bailiffs(district, region=region))
    by_id = {user.pk: user for user in people}
    engine_assignments = [
        engine.Assignment(bailiff_id=bailiff_id, category=category, debtor_district=district_code)
        for bailiff_id, category, district_code in assignments.values_list(
            "bailiff_id", "category", "debtor_district"
        )
        if category in engine.CATEGORIES
    ]
    engine_bailiffs = [
        engine.Bailiff(id=user.pk, district=user.district.code if user.district_id else "")
        for user in people
    ]
    missing = {a.bailiff_id for a in engine_assignments} - set(by_id)
    by_id.update({user.pk: user for user in User.objects.filter(pk__in=missing)})
    rows = []
    for row in engine.distribution_report(engine_assignments, engine_bailiffs):
        user = by_id[row.bailiff_id]
        rows.append(
            {
                "bailiff": user.as_person(),
                "district": user.district.code if user.district_id else None,
                "category": row.category,
                "count": row.count,
            }
        )
    spread = [
        {
            "district": item.district,
            "category": item.category,
            "least": item.least,
            "most": item.most,
            "spread": item.spread,
        }
        for item in engine.distribution_spread(engine_assignments, engine_bailiffs)
    ]
    return Report(
        date_from=date_from,
        date_to=date_to,
        rows=rows,
        spread=spread,
        total=len(engine_assignments),
    )


CSV_COLUMNS = ("bailiff_login", "bailiff_name", "district", "category", "count")


def _csv_cell(value) -> str:
    """Spreadsheet-safe text: a leading =, +, -, @ would run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def report_as_csv(report: Report) -> bytes:
    """The report as CSV (UTF-8 with a BOM, so spreadsheets read Kazakh and Russian names)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for row in report.rows:
        writer.writerow(
            [
                _csv_cell(row["bailiff"]["login"]),
                _csv_cell(row["bailiff"]["full_name"]),
                _csv_cell(row["district"]),
                row["category"],
                row["count"],
            ]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def report_filename(report: Report) -> str:
    return f"distribution-report-{report.date_from}-{report.date_to}.csv"
