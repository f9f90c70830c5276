"""Every value a caller sends is bounded before anything runs: BAD_REQUEST, no traceback."""

from __future__ import annotations

import base64
import logging
from decimal import Decimal
from typing import Any

import pytest
import strawberry

from resolvers.ids import decode_global_id
from schema.bounds import MAX_PRIMARY_KEY
from schema.extensions import ErrorPolicy
from schema.limits import RequestLimits
from tests.support import Api


def _id(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


ACCOUNT_BY_NUMBER = "query A($n: String!) { account(number: $n) { number } }"
BALANCE_ON = "query B($d: Date!) { accounts { balanceOn(day: $d) { amount } } }"
CONSUMPTION = (
    "query C($f: Date!, $t: Date!) { accounts { consumption(from: $f, to: $t) { month } } }"
)
NODE = "query N($id: ID!) { node(id: $id) { id } }"
ISSUE = "mutation I($input: IssueTokenInput!) { issueToken(input: $input) { token } }"

HOSTILE: list[tuple[str, str, dict[str, Any]]] = [
    ("account number of 17 characters", ACCOUNT_BY_NUMBER, {"n": "1" * 17}),
    (
        "account number literal of 100 kB",
        '{ account(number: "' + "1" * 100_000 + '") { number } }',
        {},
    ),
    ("balance at the end of 9999", BALANCE_ON, {"d": "9999-12-31"}),
    ("balance literal in 9999", '{ accounts { balanceOn(day: "9999-12-31") { amount } } }', {}),
    ("balance in year 1", BALANCE_ON, {"d": "0001-01-01"}),
    ("consumption in 9999", CONSUMPTION, {"f": "9999-01-01", "t": "9999-12-31"}),
    (
        "ledger in 9999",
        '{ accounts { ledger(from: "9999-01-01", to: "9999-12-31") { date } } }',
        {},
    ),
    ("tariff in 9999", '{ tariff(on: "9999-12-31") { validFrom } }', {}),
    ("global id above 2^63", NODE, {"id": _id(f"Account:{MAX_PRIMARY_KEY + 1}")}),
    ("global id of 30 digits", NODE, {"id": _id("Account:" + "9" * 30)}),
    ("global id of key 0", NODE, {"id": _id("Account:0")}),
    ("global id of a negative key", NODE, {"id": _id("Account:-5")}),
    (
        "login of 100 kB in a nested input",
        ISSUE,
        {"input": {"login": "x" * 100_000, "password": "y"}},
    ),
    ("password of 1 MB", ISSUE, {"input": {"login": "jan.kowalski", "password": "y" * 1_000_000}}),
    (
        "cursor of 10 kB",
        '{ accounts { invoices(after: "' + "A" * 10_000 + '") { totalCount } } }',
        {},
    ),
    ("a page of 0", "{ accounts { meters { readings(first: 0) { totalCount } } } }", {}),
    (
        "a page of 101",
        "query P($n: Int) { accounts { invoices(first: $n) { totalCount } } }",
        {"n": 101},
    ),
    (
        "a date that is no date",
        "query T($d: Date) { tariff(on: $d) { validFrom } }",
        {"d": "garbage"},
    ),
    ("a number for a date", "query T($d: Date) { tariff(on: $d) { validFrom } }", {"d": 5}),
    (
        "an int beyond 32 bits",
        "query P($n: Int) { accounts { invoices(first: $n) { totalCount } } }",
        {"n": 2**40},
    ),
]


@pytest.mark.parametrize(
    ("query", "variables"), [h[1:] for h in HOSTILE], ids=[h[0] for h in HOSTILE]
)
async def test_a_value_out_of_bounds_is_a_bad_request_and_no_error_is_logged(
    api: Api, caplog: pytest.LogCaptureFixture, query: str, variables: dict[str, Any]
) -> None:
    # Anonymous: the bounds hold before anything, even before asking who is calling.
    with caplog.at_level(logging.ERROR):
        result = await api.run(query, variables)
    assert result.codes == ["BAD_REQUEST"], result.errors
    assert result.data is None
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        (ACCOUNT_BY_NUMBER, {"n": "1" * 16}),
        (BALANCE_ON, {"d": "1900-01-01"}),
        (BALANCE_ON, {"d": "2199-12-31"}),
        (CONSUMPTION, {"f": "2190-01-01", "t": "2199-12-31"}),
        ('{ accounts { invoices(first: 100, from: "1900-01-01") { totalCount } } }', {}),
    ],
)
@pytest.mark.usefixtures("demo")
async def test_values_at_the_bounds_are_answered(
    api: Api, query: str, variables: dict[str, Any]
) -> None:
    result = await api.run(query, variables, as_user="jan.kowalski")
    assert not result.errors


@pytest.mark.parametrize(
    "bad", ["!!!", _id("Account:1e5"), _id("Account: 1"), _id("Account:１"), _id("Nope:1")]
)
@pytest.mark.usefixtures("demo")
async def test_an_id_that_is_not_one_of_ours_is_simply_null(api: Api, bad: str) -> None:
    result = await api.run(NODE, {"id": bad}, as_user="jan.kowalski")
    assert not result.errors
    assert result.data == {"node": None}


@pytest.mark.usefixtures("demo")
async def test_a_real_id_still_finds_its_object(api: Api) -> None:
    data = await api.data("{ accounts { id } }", as_user="jan.kowalski")
    account_id = data["accounts"][0]["id"]
    assert decode_global_id(account_id) is not None
    found = await api.data(NODE, {"id": account_id}, as_user="jan.kowalski")
    assert found["node"] == {"id": account_id}


@strawberry.type
class _Probe:
    """A stand-in for the inputs the contract adds later (readings are decimals)."""

    @strawberry.field
    def echo(self, value: Decimal, values: list[Decimal] | None = None) -> str:
        return str(value)


_PROBE = strawberry.Schema(query=_Probe, extensions=[ErrorPolicy, RequestLimits])


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("123.456", None),
        ("999999999999999.999999", None),
        ("1e999999", "BAD_REQUEST"),
        ("NaN", "BAD_REQUEST"),
        ("-Infinity", "BAD_REQUEST"),
        ("1000000000000000", "BAD_REQUEST"),
        ("0.0000001", "BAD_REQUEST"),
    ],
)
async def test_decimal_inputs_are_finite_and_of_bounded_size(value: str, code: str | None) -> None:
    result = await _PROBE.execute("query E($v: Decimal!) { echo(value: $v) }", {"v": value})
    codes = [e.extensions["code"] for e in result.errors or []]
    assert codes == ([code] if code else [])


async def test_lists_are_bounded_too() -> None:
    query = "query E($vs: [Decimal!]) { echo(value: 1, values: $vs) }"
    result = await _PROBE.execute(query, {"vs": ["1"] * 101})
    assert [e.extensions["code"] for e in result.errors or []] == ["BAD_REQUEST"]
    result = await _PROBE.execute(query, {"vs": ["1"] * 100})
    assert not result.errors
