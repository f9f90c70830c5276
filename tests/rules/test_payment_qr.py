"""The ZBP payment QR text: fields, limits, cleaning, and reading it back."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.rules.iban import individual_account_number
from models.rules.payment_qr import (
    FIELD_COUNT,
    MAX_LENGTH,
    RECIPIENT_MAX,
    TITLE_MAX,
    PaymentQr,
    clean_text,
    parse_payment_qr,
    payment_qr,
    qr_title,
)

NIP = "5260250995"
NRB = individual_account_number("10901014", "100001")


def test_the_fields_in_the_order_banks_read_them() -> None:
    text = payment_qr(
        nip=NIP, nrb=NRB, amount=Decimal("123.45"), recipient="Wodociągi", title="FV/1"
    )
    assert text == f"{NIP}|PL|{NRB}|012345|Wodociągi|FV/1|||"
    assert parse_payment_qr(text) == PaymentQr(NIP, "PL", NRB, 12345, "Wodociągi", "FV/1")


def test_the_account_may_come_as_a_printed_iban_and_the_nip_with_dashes() -> None:
    printed = "PL" + NRB[:2] + " " + " ".join(NRB[i : i + 4] for i in range(2, 26, 4))
    text = payment_qr(
        nip="526-025-09-95", nrb=printed, amount=Decimal("1"), recipient="X", title="Y"
    )
    assert parse_payment_qr(text).nrb == NRB
    assert parse_payment_qr(text).nip == NIP


@pytest.mark.parametrize(
    ("amount", "field"),
    [
        (Decimal("0"), "000000"),
        (Decimal("0.01"), "000001"),
        (Decimal("81.40"), "008140"),
        (Decimal("9999.99"), "999999"),
        # Six digits cannot hold more: the payer types the amount (module note).
        (Decimal("10000.00"), "000000"),
        (Decimal("123456.78"), "000000"),
    ],
)
def test_the_amount_is_six_digits_of_grosze(amount: Decimal, field: str) -> None:
    text = payment_qr(nip=NIP, nrb=NRB, amount=amount, recipient="R", title="T")
    assert text.split("|")[3] == field


@pytest.mark.parametrize("amount", [Decimal("-0.01"), Decimal("1.005"), Decimal("NaN")])
def test_an_amount_that_is_no_payment_is_refused(amount: Decimal) -> None:
    with pytest.raises(ValueError):
        payment_qr(nip=NIP, nrb=NRB, amount=amount, recipient="R", title="T")


def test_a_wrong_account_or_nip_is_refused_rather_than_printed() -> None:
    wrong_nrb = NRB[:-1] + str((int(NRB[-1]) + 1) % 10)
    with pytest.raises(ValueError):
        payment_qr(nip=NIP, nrb=wrong_nrb, amount=Decimal(1), recipient="R", title="T")
    with pytest.raises(ValueError):
        payment_qr(nip="5260250990", nrb=NRB, amount=Decimal(1), recipient="R", title="T")


def test_without_a_nip_the_field_stays_empty() -> None:
    text = payment_qr(nip="", nrb=NRB, amount=Decimal(1), recipient="R", title="T")
    assert text.startswith("|PL|")


def test_text_fields_lose_separators_and_control_characters_but_keep_polish_letters() -> None:
    assert clean_text("Zażółć|gęślą\tjaźń\n\x00\u200b", 32) == "Zażółćgęślą jaźń"
    assert clean_text("  a   b  ", 20) == "a b"


def test_a_long_name_is_cut_at_a_word_when_that_keeps_enough() -> None:
    assert clean_text("Wodociągi Dąbrowa Wielka", RECIPIENT_MAX) == "Wodociągi Dąbrowa"
    assert clean_text("A Bardzodługanazwaprzedsiębiorstwa", 20) == "A Bardzodługanazwapr"


def test_the_title_is_the_first_candidate_that_fits_whole() -> None:
    full = "Nr klienta 100001, faktura FV/2026/11/000123"
    assert qr_title(full, "Faktura FV/2026/11/000123") == "Faktura FV/2026/11/000123"
    assert qr_title("FV/1") == "FV/1"
    assert len(qr_title("x" * 50)) == TITLE_MAX
    with pytest.raises(ValueError):
        qr_title()


def test_reading_back_refuses_what_is_not_a_payment_code() -> None:
    for text in ("", "a|b", f"{NIP}|PL|{NRB}|12345|R|T|||", "|" * 9):
        with pytest.raises(ValueError):
            parse_payment_qr(text)


@settings(deadline=None)
@given(
    amount=st.decimals(min_value=0, max_value=10**7, places=2),
    recipient=st.text(max_size=80),
    title=st.text(max_size=120),
    with_nip=st.booleans(),
)
def test_any_input_gives_a_code_banks_can_read_back(
    amount: Decimal, recipient: str, title: str, with_nip: bool
) -> None:
    text = payment_qr(
        nip=NIP if with_nip else "", nrb=NRB, amount=amount, recipient=recipient, title=title
    )
    assert len(text) <= MAX_LENGTH
    assert len(text.split("|")) == FIELD_COUNT
    assert all(ch.isprintable() for ch in text)
    back = parse_payment_qr(text)
    assert back == PaymentQr(
        NIP if with_nip else "",
        "PL",
        NRB,
        int(amount * 100) if amount < 10000 else 0,
        clean_text(recipient, RECIPIENT_MAX),
        clean_text(title, TITLE_MAX),
    )
    assert len(back.recipient) <= RECIPIENT_MAX
    assert len(back.title) <= TITLE_MAX
    # What was kept of a text is a clean text already: writing it again changes nothing.
    assert clean_text(back.title, TITLE_MAX) == back.title
