"""What is paid and what is still due on a filing's state duty (SPEC R-FIL-5, R-REG-4; issue 9).

`paid` is the sum of the filing's confirmed gateway payments (status `paid`: a signed callback
whose amount equalled the payment's). The duty status is `paid` only once that sum covers the
duty's `amount`; until then it is `missing`, unless a bank receipt waits for the clerk's check
(`receipt`) or a deferral is asked (`deferred`). A bank receipt's amount is not known to the
portal, so the clerk checks it against the amount on the registration card.

A change of the claim that raises `amount` re-opens the difference: a `paid` or `receipt`
status becomes `missing` again until the rest is paid. A deferral stays: it defers the duty,
whatever its amount, and the court decides on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from ..models import DutyStatus, Filing, PaymentStatus

ZERO = Decimal("0.00")


def duty_paid(filing: Filing) -> Decimal:
    """The sum of the filing's confirmed gateway payments (uses prefetched payments if any)."""
    prefetched = getattr(filing, "_prefetched_objects_cache", {}).get("payments")
    if prefetched is not None:
        total = sum(
            (payment.amount for payment in prefetched if payment.status == PaymentStatus.PAID),
            ZERO,
        )
    else:
        total = (
            filing.payments.filter(status=PaymentStatus.PAID).aggregate(total=Sum("amount"))[
                "total"
            ]
            or ZERO
        )
    return Decimal(total).quantize(ZERO)


def duty_due(amount: Decimal | None, paid: Decimal) -> Decimal:
    """What is still to pay of `amount` after `paid` (never negative)."""
    return max((amount or ZERO) - paid, ZERO).quantize(ZERO)


def settled_status(
    *, current: str, amount: Decimal | None, paid: Decimal, reopen: bool = False
) -> str:
    """The duty status once `paid` of `amount` is confirmed (pure).

    `reopen` is set when the duty's amount was just raised: a bank receipt uploaded for the
    old amount no longer settles it, so `receipt` becomes `missing` too.
    """
    due = amount or ZERO
    if paid > 0 and paid >= due:
        return DutyStatus.PAID
    if current == DutyStatus.DEFERRED:
        return DutyStatus.DEFERRED
    if current == DutyStatus.RECEIPT and not reopen:
        return DutyStatus.RECEIPT
    return DutyStatus.MISSING if due > 0 else DutyStatus.NOT_REQUIRED


@dataclass(frozen=True)
class DutySummary:
    amount: Decimal | None
    paid: Decimal
    due: Decimal
    status: str

    @property
    def part_paid(self) -> bool:
        return self.paid > 0 and self.due > 0

    def as_api(self) -> dict:
        """The filing's `duty` object: `{"amount", "paid", "status"}` (decimal strings)."""
        return {
            "amount": str(self.amount) if self.amount is not None else None,
            "paid": str(self.paid),
            "status": self.status,
        }


def duty_summary(filing: Filing) -> DutySummary:
    """The duty of a filing as the applicant, the API and the clerk see it."""
    paid = duty_paid(filing)
    return DutySummary(
        amount=filing.duty_amount,
        paid=paid,
        due=duty_due(filing.duty_amount, paid),
        status=filing.duty_status,
    )


def duty_resettle(filing: Filing, *, reopen: bool = False) -> str:
    """Set `filing.duty_status` from its confirmed payments (the caller holds the row lock and
    saves). Returns the new status."""
    filing.duty_status = settled_status(
        current=filing.duty_status,
        amount=filing.duty_amount,
        paid=duty_paid(filing),
        reopen=reopen,
    )
    return filing.duty_status
