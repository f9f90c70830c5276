"""The title (tytuł przelewu) to write on a bank transfer to the utility.

Domestic transfers are cleared through Elixir, whose title field holds 4 lines of
35 characters: at most 140 characters in all; banks cut or refuse longer titles.
Payments to the customer's individual account are matched without the title; the
title still lets staff match a transfer sent to the general account.
"""

from __future__ import annotations

__all__ = ["ELIXIR_TITLE_MAX", "transfer_title"]

ELIXIR_TITLE_MAX = 140


def _clean(value: str, what: str) -> str:
    """Strip surrounding spaces and refuse empty or control-character values."""
    text = value.strip()
    if not text:
        raise ValueError(f"{what} must not be empty")
    if any(not ch.isprintable() for ch in text):
        raise ValueError(f"{what} contains non-printable characters: {value!r}")
    return text


def transfer_title(customer_number: str, invoice_number: str | None = None) -> str:
    """Return e.g. "Nr klienta 100001, faktura FV/2026/10/000123" (invoice part optional).

    A title longer than the Elixir limit raises ValueError instead of being cut: a
    truncated invoice number could point to another invoice.
    """
    title = f"Nr klienta {_clean(customer_number, 'customer number')}"
    if invoice_number is not None:
        title += f", faktura {_clean(invoice_number, 'invoice number')}"
    if len(title) > ELIXIR_TITLE_MAX:
        raise ValueError(f"transfer title longer than {ELIXIR_TITLE_MAX} characters")
    return title
