"""Przelewy24's signatures, each checked against SHA-384 of the documented JSON text
written out here by hand (keys in the documented order, no spaces, the CRC last)."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.errors import ReturnUrlNotAllowed
from models.rules.przelewy24 import (
    MalformedNotification,
    notification,
    parse_notification,
    register_sign,
    verify_sign,
)
from models.rules.return_url import return_path


def sha384(text: str) -> str:
    return hashlib.sha384(text.encode("utf-8")).hexdigest()


def test_register_sign_is_sha384_of_the_documented_json() -> None:
    expected = sha384(
        '{"sessionId":"ab12/cd","merchantId":11111,"amount":12345,"currency":"PLN",'
        '"crc":"0123456789abcdef"}'
    )
    assert register_sign("ab12/cd", 11111, 12345, "0123456789abcdef") == expected


def test_verify_sign_is_sha384_of_the_documented_json() -> None:
    expected = sha384(
        '{"sessionId":"s-1","orderId":317000123,"amount":28966,"currency":"PLN","crc":"k"}'
    )
    assert verify_sign("s-1", 317000123, 28966, "k") == expected


def test_notification_sign_covers_every_documented_field_in_order() -> None:
    note = notification(
        merchant_id=11111,
        pos_id=11111,
        session_id="s-1",
        amount=28966,
        order_id=317000123,
        method_id=154,
        statement="p24-A1/2 Wodociągi",
        crc="k",
    )
    # Slashes and Polish letters unescaped, as PHP's JSON_UNESCAPED_* flags write them.
    expected = sha384(
        '{"merchantId":11111,"posId":11111,"sessionId":"s-1","amount":28966,'
        '"originAmount":28966,"currency":"PLN","orderId":317000123,"methodId":154,'
        '"statement":"p24-A1/2 Wodociągi","crc":"k"}'
    )
    assert note.sign == expected
    assert note.signed_with("k")
    assert not note.signed_with("another key")


def test_a_changed_field_breaks_the_signature() -> None:
    body = notification(
        merchant_id=1,
        pos_id=1,
        session_id="s",
        amount=100,
        order_id=5,
        method_id=154,
        statement="p24-A1",
        crc="crc",
    ).as_json()
    assert parse_notification(body).signed_with("crc")
    for key, value in [("amount", 1000), ("sessionId", "t"), ("orderId", 6), ("currency", "EUR")]:
        assert not parse_notification({**body, key: value}).signed_with("crc"), key


def test_integers_may_come_as_digit_strings_but_nothing_else() -> None:
    body = notification(
        merchant_id=1,
        pos_id=1,
        session_id="s",
        amount=100,
        order_id=5,
        method_id=1,
        statement="x",
        crc="c",
    ).as_json()
    assert parse_notification({**body, "amount": "100"}).signed_with("c")
    for bad in [{"amount": "1e2"}, {"amount": True}, {"amount": None}, {"sessionId": 5}]:
        with pytest.raises(MalformedNotification):
            parse_notification({**body, **bad})
    with pytest.raises(MalformedNotification):
        parse_notification({k: v for k, v in body.items() if k != "sign"})


@settings(deadline=None)
@given(
    session=st.text(min_size=1, max_size=60),
    amount=st.integers(min_value=1, max_value=10**9),
    statement=st.text(max_size=60),
)
def test_any_signed_notification_parses_back_and_verifies(
    session: str, amount: int, statement: str
) -> None:
    note = notification(
        merchant_id=9,
        pos_id=9,
        session_id=session,
        amount=amount,
        order_id=1,
        method_id=1,
        statement=statement,
        crc="secret",
    )
    assert parse_notification(note.as_json()).signed_with("secret")


SITE = "https://ebok.wodociagi.example"


@pytest.mark.parametrize(
    ("given", "path"),
    [
        (None, None),
        ("", None),
        ("/platnosci", "/platnosci"),
        ("/platnosci/potwierdzenie/7?x=1", "/platnosci/potwierdzenie/7?x=1"),
        ("https://ebok.wodociagi.example/konto", "/konto"),
        ("https://EBOK.wodociagi.example/konto#gora", "/konto"),
    ],
)
def test_return_addresses_on_this_site_become_paths(given: str | None, path: str | None) -> None:
    assert return_path(given, SITE) == path


@pytest.mark.parametrize(
    "given",
    [
        "https://evil.example/konto",
        "//evil.example/konto",
        "/\\evil.example",
        "http://ebok.wodociagi.example/konto",  # another scheme is another origin
        "https://ebok.wodociagi.example:444/konto",
        "javascript:alert(1)",
        "konto",
        "/konto\nSet-Cookie: x=1",
        "https:/evil.example",
        "/" + "a" * 600,
    ],
)
def test_return_addresses_elsewhere_are_refused(given: str) -> None:
    with pytest.raises(ReturnUrlNotAllowed):
        return_path(given, SITE)
