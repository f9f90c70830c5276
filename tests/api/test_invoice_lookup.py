"""`invoice(number:)` at the root: an invoice by its number alone, with its account
(the holder's NIP included), for its owner and for staff; nobody else learns it exists."""

from __future__ import annotations

import pytest

from models.enums import Scope
from models.services.demo import stored_registration_invoice_number
from tests.support import Api

pytestmark = pytest.mark.usefixtures("demo")

INVOICE = """query ($n: String!) {
  invoice(number: $n) { number amountDue { amount } account { number holderName taxId } }
}"""
FIRST_INVOICE = """query ($konto: String!) {
  account(number: $konto) { taxId invoices(first: 1) { edges { node { number } } } }
}"""


async def _first_invoice(api: Api, konto: str) -> str:
    data = await api.data(FIRST_INVOICE, {"konto": konto}, as_user="obsluga")
    return data["account"]["invoices"]["edges"][0]["node"]["number"]


async def test_the_owner_finds_an_invoice_by_its_number_with_its_account(api: Api) -> None:
    number = await _first_invoice(api, "100001")
    data = await api.data(INVOICE, {"n": number}, as_user="jan.kowalski")
    assert data["invoice"]["number"] == number
    assert data["invoice"]["account"] == {
        "number": "100001",
        "holderName": "Jan Kowalski",
        "taxId": None,
    }


async def test_a_read_token_is_enough_and_the_housing_communitys_nip_is_shown(api: Api) -> None:
    number = await _first_invoice(api, "100003")
    data = await api.data(
        INVOICE, {"n": number}, as_user="wspolnota.lipowa", scopes=frozenset({Scope.READ})
    )
    assert data["invoice"]["account"]["taxId"] == "5252874132"


async def test_someone_elses_invoice_is_null_like_an_unknown_one(api: Api) -> None:
    others = await stored_registration_invoice_number()
    assert others is not None
    for number in (others, await _first_invoice(api, "100003"), "FV/1999/01/000001"):
        data = await api.data(INVOICE, {"n": number}, as_user="jan.kowalski")
        assert data["invoice"] is None


async def test_without_the_read_scope_or_signed_out_nothing_is_read(api: Api) -> None:
    number = await _first_invoice(api, "100001")
    write_only = await api.run(
        INVOICE, {"n": number}, as_user="jan.kowalski", scopes=frozenset({Scope.WRITE})
    )
    assert write_only.codes == ["FORBIDDEN"]
    assert write_only.data == {"invoice": None}
    anonymous = await api.run(INVOICE, {"n": number})
    assert anonymous.codes == ["UNAUTHENTICATED"]


async def test_staff_find_any_customers_invoice(api: Api) -> None:
    number = await stored_registration_invoice_number()
    assert number is not None
    data = await api.data(INVOICE, {"n": number}, as_user="obsluga")
    assert data["invoice"]["account"]["number"] == "100002"


async def test_a_number_longer_than_any_invoice_number_is_refused(api: Api) -> None:
    result = await api.run(INVOICE, {"n": "F" * 33}, as_user="jan.kowalski")
    assert result.codes == ["BAD_REQUEST"]
