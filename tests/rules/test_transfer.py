import pytest

from models.rules.transfer import ELIXIR_TITLE_MAX, transfer_title


def test_transfer_title() -> None:
    assert (
        transfer_title("100001", "FV/2026/10/000123")
        == "Nr klienta 100001, faktura FV/2026/10/000123"
    )
    assert transfer_title("100001") == "Nr klienta 100001"
    assert transfer_title(" 100001 ") == "Nr klienta 100001"


def test_title_fits_the_elixir_limit_or_is_refused() -> None:
    assert ELIXIR_TITLE_MAX == 140
    longest = "F" * (ELIXIR_TITLE_MAX - len("Nr klienta 1, faktura "))
    assert len(transfer_title("1", longest)) == 140
    with pytest.raises(ValueError):
        transfer_title("1", longest + "X")


@pytest.mark.parametrize(
    ("customer", "invoice"), [("", None), ("  ", None), ("1", ""), ("1\n2", None)]
)
def test_empty_or_control_characters_are_refused(customer: str, invoice: str | None) -> None:
    with pytest.raises(ValueError):
        transfer_title(customer, invoice)
