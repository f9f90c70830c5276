"""The password policy (ASVS 5.0 V6): length decides, lists and likeness refuse."""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.errors import WeakPassword
from models.rules.password_policy import (
    MAX_LENGTH,
    MIN_LENGTH,
    PasswordContext,
    Weakness,
    common_passwords,
    require_acceptable,
    strength_hint,
    weakness,
)

JAN = PasswordContext(login="jan.kowalski", email="jan.kowalski@example.pl")
# Random passwords as a password manager makes them: letters, digits, punctuation.
ALPHABET = string.ascii_letters + string.digits + "!@#$%^&*-_=+ ąęłńóśźż"
generated = st.text(alphabet=ALPHABET, min_size=24, max_size=MAX_LENGTH)


@given(st.text(max_size=MIN_LENGTH - 1))
def test_anything_shorter_than_twelve_characters_is_refused(password: str) -> None:
    assert weakness(password) == Weakness.TOO_SHORT


@given(st.text(min_size=MAX_LENGTH + 1, max_size=MAX_LENGTH + 50))
def test_anything_longer_than_128_characters_is_refused(password: str) -> None:
    assert weakness(password) == Weakness.TOO_LONG


@given(generated)
def test_random_passwords_of_any_composition_are_accepted(password: str) -> None:
    # No composition rules: no digit, capital or symbol is required, and none refused.
    if len(set(password)) >= 8:
        assert weakness(password, JAN) is None


@given(st.text(alphabet=string.ascii_lowercase, min_size=24, max_size=40))
def test_only_small_letters_is_fine_when_long_and_random(password: str) -> None:
    if len(set(password)) >= 10:
        assert weakness(password) is None


def test_spaces_and_polish_letters_count_as_characters() -> None:
    assert weakness("żółw pije mleko nad zalewem") is None
    # "ą" typed as a + combining ogonek counts once, as the person sees it.
    assert weakness("zażółć gęś" + "a\u0328") == Weakness.TOO_SHORT


long_common = sorted(w for w in common_passwords() if len(w) >= MIN_LENGTH)


@given(st.sampled_from(long_common), st.sampled_from([str.lower, str.upper, str.title]))
def test_listed_passwords_are_refused_in_any_letter_case(word: str, case: object) -> None:
    assert weakness(case(word)) == Weakness.COMMON  # type: ignore[operator]


@given(
    st.sampled_from(sorted(w for w in common_passwords() if 6 <= len(w) <= 10 and w.isalpha())),
    st.sampled_from(["123", "1234", "2026!", "!", "12345", "123456", "00"]),
)
def test_a_common_word_with_predictable_digits_around_it_is_refused(word: str, tail: str) -> None:
    password = word.capitalize() + tail
    if len(password) >= MIN_LENGTH:
        assert weakness(password) == Weakness.COMMON


def test_a_common_word_with_a_long_random_tail_is_a_password_of_its_own() -> None:
    assert weakness("dragon!9384726153") is None


@given(st.sampled_from(["", "1", "2026", "!!", "123456", "_"]), st.booleans())
def test_the_login_with_digits_around_it_is_refused(extra: str, upper: bool) -> None:
    password = "Jan.Kowalski" + extra if not upper else "JANKOWALSKI" + extra + "xy"
    assert weakness(password, JAN) in (Weakness.PERSONAL, Weakness.COMMON)


@pytest.mark.parametrize(
    "password",
    ["Wodociągi2026!", "wodociagi-ebok-1", "EBOK-ebok-EBOK", "kowalski1234567", "Kanalizacja1!"],
)
def test_the_utility_name_and_parts_of_the_login_are_refused(password: str) -> None:
    assert weakness(password, JAN) is not None


@pytest.mark.parametrize("password", ["aaaaaaaaaaaaaaaa", "abcabcabcabcabc", "Ab1!Ab1!Ab1!Ab1!"])
def test_repeated_patterns_are_refused(password: str) -> None:
    assert weakness(password) == Weakness.PATTERN


def test_a_refusal_is_a_weak_password_error_on_the_field() -> None:
    with pytest.raises(WeakPassword) as refused:
        require_acceptable("qwertyuiop12", field="newPassword")
    assert refused.value.code == "WEAK_PASSWORD"
    assert refused.value.field == "newPassword"
    assert "popularnych" in refused.value.message("pl")
    require_acceptable("pociąg do Gdyni odjeżdża o 7:15", JAN)


def test_the_hint_speaks_polish_and_praises_length() -> None:
    assert "12 znaków" in strength_hint("krótkie")
    assert strength_hint("pociąg do Gdyni odjeżdża o 7:15").startswith("Silne")


def test_the_shipped_list_is_large_and_lower_case() -> None:
    listed = common_passwords()
    assert len(listed) >= 10_000
    assert "123456" in listed and "password" in listed and "haslo123" in listed
    assert all(w == w.lower() for w in listed)
