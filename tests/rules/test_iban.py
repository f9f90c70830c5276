import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from models.rules.iban import (
    UTILITY_ID,
    customer_number_from_nrb,
    format_iban,
    individual_account_number,
    is_valid_bank_branch,
    is_valid_nip,
    is_valid_nrb,
    nrb_check_digits,
    to_iban,
)

BRANCH = "10901014"  # a real sort code of a Polish bank branch
KNOWN_IBAN = "PL61 1090 1014 0000 0712 1981 2874"


def _branch_with_check_digit(seven: str) -> str:
    weights = (3, 9, 7, 1, 3, 9, 7)
    total = sum(int(d) * w for d, w in zip(seven, weights, strict=True))
    return seven + str((10 - total % 10) % 10)


branches = st.text("0123456789", min_size=7, max_size=7).map(_branch_with_check_digit)
customer_numbers = st.integers(min_value=1, max_value=10**10 - 1).map(str)
bbans = st.text("0123456789", min_size=24, max_size=24)


@pytest.mark.parametrize(
    "nrb",
    [
        KNOWN_IBAN,
        "61109010140000071219812874",
        "pl61109010140000071219812874",
        " 61 1090 1014 0000 0712 1981 2874 ",
    ],
)
def test_valid_nrb_in_any_common_spelling(nrb: str) -> None:
    assert is_valid_nrb(nrb)


@pytest.mark.parametrize(
    "nrb",
    [
        "61109010140000071219812875",  # last digit changed
        "6110901014000007121981287",  # 25 digits
        "611090101400000712198128744",  # 27 digits
        "DE61109010140000071219812874",
        "61-1090-1014-0000-0712-1981-2874",
        "6110901014000007121981287٤",  # Arabic-Indic digit four
        "",
    ],
)
def test_invalid_nrb(nrb: str) -> None:
    assert not is_valid_nrb(nrb)


def test_check_digits_known_and_zero_padded() -> None:
    assert nrb_check_digits("109010140000071219812874") == "61"
    assert nrb_check_digits("109010140000000000000001") == "07"
    with pytest.raises(ValueError):
        nrb_check_digits("10901014")


def test_to_iban_and_format() -> None:
    assert to_iban("61 1090 1014 0000 0712 1981 2874") == "PL61109010140000071219812874"
    assert format_iban("61109010140000071219812874") == KNOWN_IBAN
    assert format_iban(KNOWN_IBAN) == KNOWN_IBAN
    with pytest.raises(ValueError):
        to_iban("61109010140000071219812875")
    with pytest.raises(ValueError):
        format_iban("PL61 1090 1014 0000 0712 1981 2875")


def test_bank_branch_check_digit() -> None:
    assert is_valid_bank_branch("10901014")
    assert is_valid_bank_branch("10201026")
    assert not is_valid_bank_branch("10901015")
    assert not is_valid_bank_branch("1090101")


def test_individual_account_layout() -> None:
    nrb = individual_account_number(BRANCH, "100001")
    assert len(nrb) == 26
    assert is_valid_nrb(nrb)
    assert nrb[2:10] == BRANCH
    assert nrb[10:16] == UTILITY_ID
    assert nrb[16:] == "0000100001"
    assert nrb[:2] == nrb_check_digits(nrb[2:])


def test_individual_account_with_other_utility_id() -> None:
    nrb = individual_account_number(BRANCH, "42", utility_id="1234")
    assert nrb[10:] == "1234" + "42".zfill(12)
    assert customer_number_from_nrb(nrb, BRANCH, utility_id="1234") == "42"
    assert customer_number_from_nrb(nrb, BRANCH) is None


@pytest.mark.parametrize("number", ["", "0123", "12a4", "12 34", "12345678901", "0"])
def test_individual_account_rejects_bad_customer_numbers(number: str) -> None:
    with pytest.raises(ValueError):
        individual_account_number(BRANCH, number)


@pytest.mark.parametrize(
    ("branch", "utility_id"), [("10901015", UTILITY_ID), ("1090101", UTILITY_ID), (BRANCH, "x")]
)
def test_individual_account_rejects_bad_configuration(branch: str, utility_id: str) -> None:
    with pytest.raises(ValueError):
        individual_account_number(branch, "1", utility_id=utility_id)
    with pytest.raises(ValueError):
        customer_number_from_nrb(KNOWN_IBAN, branch, utility_id=utility_id)


def test_customer_number_from_statement_account() -> None:
    nrb = individual_account_number(BRANCH, "100001")
    assert customer_number_from_nrb(format_iban(nrb), BRANCH) == "100001"
    assert customer_number_from_nrb(KNOWN_IBAN, BRANCH) is None  # not a virtual account
    assert customer_number_from_nrb(nrb[:-1] + "9", BRANCH) is None  # mistyped
    assert customer_number_from_nrb(nrb, "10201026") is None  # other branch
    zero_customer = BRANCH + UTILITY_ID + "0" * 10
    assert customer_number_from_nrb(nrb_check_digits(zero_customer) + zero_customer, BRANCH) is None


@pytest.mark.parametrize("nip", ["5260250274", "526-025-02-74", "526 025 02 74"])
def test_valid_nip(nip: str) -> None:
    assert is_valid_nip(nip)


@pytest.mark.parametrize("nip", ["5260250275", "526025027", "52602502740", "526025027a", ""])
def test_invalid_nip(nip: str) -> None:
    assert not is_valid_nip(nip)


@pytest.mark.parametrize("last", list("0123456789"))
def test_nip_with_remainder_ten_is_never_valid(last: str) -> None:
    # 1*6+2*5+3*7+4*2+5*3+6*4+0+0+2*7 = 98, 98 % 11 == 10
    assert not is_valid_nip("123456002" + last)


@given(bbans)
def test_computed_check_digits_make_a_valid_nrb(bban: str) -> None:
    assert is_valid_nrb(nrb_check_digits(bban) + bban)


@given(branches, customer_numbers)
def test_individual_numbers_are_valid_and_round_trip(branch: str, number: str) -> None:
    nrb = individual_account_number(branch, number)
    assert is_valid_nrb(nrb)
    assert nrb.isascii() and nrb.isdigit() and len(nrb) == 26
    assert customer_number_from_nrb(nrb, branch) == number
    assert customer_number_from_nrb(to_iban(nrb), branch) == number


@given(branches, customer_numbers, customer_numbers)
def test_distinct_customers_get_distinct_accounts(branch: str, a: str, b: str) -> None:
    assume(a != b)
    assert individual_account_number(branch, a) != individual_account_number(branch, b)


@given(branches, customer_numbers, st.integers(0, 25), st.integers(1, 9))
def test_any_single_digit_change_is_detected(
    branch: str, number: str, position: int, delta: int
) -> None:
    nrb = individual_account_number(branch, number)
    changed = str((int(nrb[position]) + delta) % 10)
    assert not is_valid_nrb(nrb[:position] + changed + nrb[position + 1 :])


@given(branches, customer_numbers, st.integers(0, 24))
def test_any_adjacent_transposition_is_detected(branch: str, number: str, position: int) -> None:
    nrb = individual_account_number(branch, number)
    a, b = nrb[position], nrb[position + 1]
    assume(a != b)
    swapped = nrb[:position] + b + a + nrb[position + 2 :]
    assert not is_valid_nrb(swapped)


@given(st.text("0123456789", min_size=9, max_size=9))
def test_nip_has_one_check_digit_except_for_remainder_ten(nine: str) -> None:
    remainder = sum(int(d) * w for d, w in zip(nine, (6, 5, 7, 2, 3, 4, 5, 6, 7), strict=True)) % 11
    valid = [d for d in "0123456789" if is_valid_nip(nine + d)]
    assert valid == ([] if remainder == 10 else [str(remainder)])
    for d in valid:
        assert is_valid_nip(f"{nine[:3]}-{nine[3:6]}-{nine[6:8]}-{nine[8]}{d}")
