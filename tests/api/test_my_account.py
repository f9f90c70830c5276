"""`myAccount(number:)`: one of the viewer's own accounts, the one named or else the
first, so a client shows an account in one request without asking for the numbers."""

from __future__ import annotations

import pytest

from models.enums import Scope
from models.orm import Account, User
from tests.support import Api

pytestmark = pytest.mark.usefixtures("demo")

MY_ACCOUNT = """query ($n: String) {
  accounts { number }
  myAccount(number: $n) { number holderName balance { amount } }
}"""


async def test_without_a_number_it_is_the_first_of_the_viewers_accounts(api: Api) -> None:
    data = await api.data(MY_ACCOUNT, {"n": None}, as_user="jan.kowalski")
    assert data["myAccount"]["number"] == data["accounts"][0]["number"] == "100001"
    assert data["myAccount"]["holderName"] == "Jan Kowalski"


async def test_a_number_chooses_among_them_and_anyone_elses_is_null(api: Api) -> None:
    user = await User.get(login="jan.kowalski")
    await user.accounts.add(await Account.get(number="100002"))
    chosen = await api.data(MY_ACCOUNT, {"n": "100002"}, as_user="jan.kowalski")
    assert chosen["myAccount"]["number"] == "100002"
    for number in ("100003", "999999"):
        data = await api.data(MY_ACCOUNT, {"n": number}, as_user="jan.kowalski")
        assert data["myAccount"] is None


async def test_staff_have_no_account_of_their_own_even_when_naming_one(api: Api) -> None:
    for number in (None, "100001"):
        data = await api.data(MY_ACCOUNT, {"n": number}, as_user="obsluga")
        assert data == {"accounts": [], "myAccount": None}


async def test_signed_out_or_without_the_read_scope_nothing_is_read(api: Api) -> None:
    assert set((await api.run(MY_ACCOUNT, {"n": None})).codes) == {"UNAUTHENTICATED"}
    write_only = await api.run(
        MY_ACCOUNT, {"n": None}, as_user="jan.kowalski", scopes=frozenset({Scope.WRITE})
    )
    assert "FORBIDDEN" in write_only.codes


async def test_a_number_longer_than_any_customer_number_is_refused(api: Api) -> None:
    result = await api.run(MY_ACCOUNT, {"n": "1" * 17}, as_user="jan.kowalski")
    assert result.codes == ["BAD_REQUEST"]
