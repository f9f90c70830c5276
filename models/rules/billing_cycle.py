"""When a change of billing cycle takes effect: from the next billing period."""

from __future__ import annotations

from datetime import date, timedelta

from models.enums import BillingCycle
from models.rules.reading_window import add_months, month_end, month_start

__all__ = ["CYCLE_MONTHS", "next_period_start"]

CYCLE_MONTHS = {BillingCycle.MONTHLY: 1, BillingCycle.BIMONTHLY: 2}
"""How many months one billing period of each cycle covers."""


def next_period_start(last_billed_to: date | None, cycle: BillingCycle, today: date) -> date:
    """The first day of the period after the one running on `today`: periods follow the
    last billed one (or start with today's month for an account never billed), each
    `cycle` long, whole months."""
    current_from = last_billed_to + timedelta(days=1) if last_billed_to else month_start(today)
    while True:
        current_to = month_end(add_months(month_start(current_from), CYCLE_MONTHS[cycle] - 1))
        if current_to >= today:
            return current_to + timedelta(days=1)
        current_from = current_to + timedelta(days=1)
