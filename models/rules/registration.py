"""What a registration request must look like before anything is looked up."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from models.errors import ConsentRequired, InvalidEmail, InvalidLogin, Required

LOGIN_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]{2,63}")
# Deliberately plain: one @, something on both sides, a dot in the domain, no spaces.
EMAIL_PATTERN = re.compile(r"[^@\s]{1,64}@[^@\s.]+(\.[^@\s.]+)+")

# A generated first password works for this long (then staff must approve anew or
# the customer resets it).
FIRST_PASSWORD_VALID = timedelta(days=7)

# Registration requests per client address: more refusals than this in the window
# and the address must wait (enumerating customer numbers costs real time).
ADDRESS_WINDOW = timedelta(hours=1)
ADDRESS_MAX_REFUSALS = 10


def normalise_login(login: str) -> str:
    return login.strip().lower()


def check_request(
    *,
    account_number: str,
    invoice_number: str,
    email: str,
    login: str,
    accept_terms: bool,
    consent_data_processing: bool,
) -> None:
    """Raise the first field's error, in the order of the form."""
    if not account_number.strip():
        raise Required("accountNumber")
    if not invoice_number.strip():
        raise Required("invoiceNumber")
    if not email.strip():
        raise Required("email")
    if not EMAIL_PATTERN.fullmatch(email.strip()):
        raise InvalidEmail("email")
    if not login.strip():
        raise Required("login")
    if not LOGIN_PATTERN.fullmatch(normalise_login(login)):
        raise InvalidLogin("login")
    if not accept_terms:
        raise ConsentRequired(
            "acceptTerms",
            what="Zaakceptuj regulamin eBOK, aby się zarejestrować.",
            what_en="Accept the eBOK regulations to register.",
        )
    if not consent_data_processing:
        raise ConsentRequired(
            "consentDataProcessing",
            what="Wyraź zgodę na przetwarzanie danych w eBOK, aby się zarejestrować.",
            what_en="Consent to data processing in eBOK to register.",
        )


def check_proof(account_number: str, invoice_number: str) -> None:
    """The proof of a signed-in customer's request for another account."""
    if not account_number.strip():
        raise Required("accountNumber")
    if not invoice_number.strip():
        raise Required("invoiceNumber")


def address_blocked_until(refusals: list[datetime]) -> datetime | None:
    """When an address has been refused too often within the window: until when."""
    if len(refusals) < ADDRESS_MAX_REFUSALS:
        return None
    return min(refusals) + ADDRESS_WINDOW
