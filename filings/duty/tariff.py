"""The state-duty tariff: percent of the claim and MCI, from the DB table (SPEC R-FIL-5)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from sotkabinet.errors import Conflict

from ..models import (
    DutyStatus,
    DutyTariff,
    MciValue,
)

CENT = Decimal("0.01")


# --- tariff -------------------------------------------------------------------------------


def mci_for(on: date | None = None) -> MciValue:
    """The monthly calculation index (МРП/АЕК) of `on`'s year, else the latest earlier year."""
    year = (on or timezone.localdate()).year
    mci = MciValue.objects.filter(year__lte=year).order_by("-year").first()
    if mci is None:
        mci = MciValue.objects.order_by("year").first()
    if mci is None:
        raise Conflict("duty_not_configured")
    return mci


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _pick_tariff(tariffs: list[DutyTariff], applicant_kind: str, property_claim: bool):
    """Prefer the row of the claim's nature (property = a percentage), then the applicant's kind."""

    def rank(tariff: DutyTariff) -> tuple[bool, bool]:
        is_property = tariff.percent_of_claim > 0
        return (is_property == property_claim, tariff.applicant_kind == applicant_kind)

    return max(tariffs, key=rank) if tariffs else None


@dataclass(frozen=True)
class DutyQuote:
    amount: Decimal | None
    basis: str
    tariff: DutyTariff | None = None
    mci: MciValue | None = None


def duty_quote_details(
    proceeding: str,
    kind: str,
    claim_amount: Decimal | None,
    applicant_kind: str,
    *,
    on: date | None = None,
) -> DutyQuote:
    """`duty_quote` with the tariff row and MCI used (for the form and the quote endpoint)."""
    tariffs = list(
        DutyTariff.objects.filter(
            is_active=True,
            proceeding=proceeding,
            kind=kind,
            applicant_kind__in=[applicant_kind or "", ""],
        )
    )
    property_claim = claim_amount is not None and claim_amount > 0
    tariff = _pick_tariff(tariffs, applicant_kind, property_claim)
    if tariff is None:
        return DutyQuote(None, _("No state duty is charged for this document."))
    mci = mci_for(on)
    amount = Decimal(0)
    if property_claim and tariff.percent_of_claim:
        amount += claim_amount * tariff.percent_of_claim / Decimal(100)
    amount += tariff.fixed_mci * mci.amount
    if tariff.min_mci is not None:
        amount = max(amount, tariff.min_mci * mci.amount)
    if tariff.max_mci is not None:
        amount = min(amount, tariff.max_mci * mci.amount)
    return DutyQuote(money(amount), tariff.basis, tariff, mci)


def duty_quote(
    proceeding: str,
    kind: str,
    claim_amount: Decimal | None,
    applicant_kind: str,
    *,
    on: date | None = None,
) -> tuple[Decimal | None, str]:
    """The state duty for a document, from the tariff table (R-FIL-5).

    amount = percent_of_claim % of the claim (property claims only) + fixed_mci × MCI,
    then raised to min_mci × MCI and capped at max_mci × MCI; rounded half-up to the tiyn.
    The MCI is the one of `on`'s year (default today). A row for the applicant's kind
    (individual / legal_entity) wins over a row for any kind; a percentage row is used when a
    positive claim amount is given, a fixed row otherwise.
    Returns (None, basis) when no active tariff row applies: no duty is charged.
    """
    quote = duty_quote_details(proceeding, kind, claim_amount, applicant_kind, on=on)
    return quote.amount, quote.basis


def duty_status_for(amount: Decimal | None) -> str:
    """The initial duty status of a new filing: `missing` if a duty is due, else `not_required`."""
    return DutyStatus.MISSING if amount else DutyStatus.NOT_REQUIRED
