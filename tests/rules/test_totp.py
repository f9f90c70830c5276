"""RFC 6238 test vectors (SHA-1 secret "12345678901234567890") and the drift window."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from models.rules.totp import totp_at, verify_totp

RFC_SECRET = base64.b32encode(b"12345678901234567890").decode()


def test_rfc6238_vectors_truncated_to_six_digits() -> None:
    # RFC 6238 appendix B gives 8-digit codes; the last six are the 6-digit codes.
    vectors = {59: "94287082", 1111111109: "07081804", 1234567890: "89005924"}
    for seconds, code in vectors.items():
        moment = datetime.fromtimestamp(seconds, UTC)
        assert totp_at(RFC_SECRET, moment) == code[-6:]


@given(st.integers(min_value=60, max_value=4_000_000_000))
def test_the_current_code_and_its_neighbours_verify(seconds: int) -> None:
    moment = datetime.fromtimestamp(seconds, UTC)
    assert verify_totp(RFC_SECRET, totp_at(RFC_SECRET, moment), moment)
    assert verify_totp(RFC_SECRET, totp_at(RFC_SECRET, moment - timedelta(seconds=30)), moment)


def test_codes_from_long_ago_or_malformed_are_refused() -> None:
    now = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
    old = totp_at(RFC_SECRET, now - timedelta(minutes=5))
    assert not verify_totp(RFC_SECRET, old, now) or old == totp_at(RFC_SECRET, now)
    assert not verify_totp(RFC_SECRET, "12345", now)
    assert not verify_totp(RFC_SECRET, "abcdef", now)
