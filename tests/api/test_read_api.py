"""The customer's read API on the demo data: figures that agree, and only one's own data."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest

from tests.support import Api

pytestmark = pytest.mark.usefixtures("demo")

ACCOUNT = """
query Account($number: String!) {
  account(number: $number) {
    id number kind holderName billingCycle eReadingsBlocked paymentAccountNumber
    balance { amount currency } overdue { amount } nextDueDate
    correspondenceAddress { street buildingNumber postalCode city }
    contracts { number services premisesAddress { street city } }
    invoices(first: 100) {
      totalCount
      edges { node {
        id number kind issuedOn dueDate status
        net { amount } vat { amount } gross { amount } amountDue { amount }
        transferTitle pdfUrl eInvoiceUrl
        lines { service quantity unit unitPrice { amount } net { amount } vatRate
                vat { amount } gross { amount } estimated }
        readings { value source readOn }
        corrections { number }
      } }
    }
    payments(first: 100) { totalCount edges { node {
      amount { amount } status bookedOn reference
      allocations { amount { amount } invoice { number } }
    } } }
    ledger { date kind reference debit { amount } credit { amount } balanceAfter { amount } }
  }
}
"""


def _amount(money: dict | None) -> Decimal:
    return Decimal(money["amount"]) if money else Decimal(0)


async def _account(api: Api, number: str = "100001", login: str = "jan.kowalski") -> dict:
    data = await api.data(ACCOUNT, {"number": number}, as_user=login)
    assert data["account"] is not None
    return data["account"]


async def test_a_customer_sees_only_their_own_accounts(api: Api) -> None:
    data = await api.data("{ accounts { number kind } me { login role } }", as_user="jan.kowalski")
    assert data["accounts"] == [{"number": "100001", "kind": "INDIVIDUAL"}]
    assert data["me"] == {"login": "jan.kowalski", "role": "CUSTOMER"}
    others = await api.data(ACCOUNT, {"number": "100003"}, as_user="jan.kowalski")
    assert others["account"] is None


async def test_someone_elses_objects_resolve_to_null_by_global_id(api: Api) -> None:
    community = await _account(api, "100003", "wspolnota.lipowa")
    invoice_id = community["invoices"]["edges"][0]["node"]["id"]
    query = "query N($id: ID!) { node(id: $id) { id ... on Invoice { number } } }"
    mine = await api.data(query, {"id": invoice_id}, as_user="wspolnota.lipowa")
    assert mine["node"]["id"] == invoice_id
    theirs = await api.data(query, {"id": invoice_id}, as_user="jan.kowalski")
    assert theirs["node"] is None
    account = await api.data(query, {"id": community["id"]}, as_user="jan.kowalski")
    assert account["node"] is None


async def test_anonymous_callers_get_unauthenticated_for_account_data(api: Api) -> None:
    result = await api.run("{ accounts { number } }")
    assert result.codes == ["UNAUTHENTICATED"]
    assert (await api.data("{ me { login } }"))["me"] is None


async def test_staff_reach_any_account_by_number_but_own_none(api: Api) -> None:
    data = await api.data(
        '{ accounts { number } account(number: "100002") { holderName } }', as_user="obsluga"
    )
    assert data["accounts"] == []
    assert data["account"]["holderName"] == "Katarzyna Wiśniewska"


async def test_invoice_lines_sum_exactly_to_the_invoice(api: Api) -> None:
    account = await _account(api)
    invoices = [e["node"] for e in account["invoices"]["edges"]]
    assert len(invoices) >= 12
    for invoice in invoices:
        lines = invoice["lines"]
        assert lines, invoice["number"]
        for part in ("net", "vat", "gross"):
            assert sum(_amount(line[part]) for line in lines) == _amount(invoice[part])
        for line in lines:
            assert _amount(line["gross"]) == _amount(line["net"]) + _amount(line["vat"])


async def test_balance_is_invoices_less_payments_and_the_ledger_ends_there(api: Api) -> None:
    account = await _account(api)
    invoices = [e["node"] for e in account["invoices"]["edges"]]
    payments = [e["node"] for e in account["payments"]["edges"]]
    completed = [p for p in payments if p["status"] == "COMPLETED"]
    expected = sum(_amount(i["gross"]) for i in invoices) - sum(
        _amount(p["amount"]) for p in completed
    )
    balance = _amount(account["balance"])
    assert balance == expected
    assert balance == sum(_amount(i["amountDue"]) for i in invoices)
    ledger = account["ledger"]
    assert _amount(ledger[-1]["balanceAfter"]) == balance
    running = Decimal(0)
    for entry in ledger:
        running += _amount(entry["debit"]) - _amount(entry["credit"])
        assert _amount(entry["balanceAfter"]) == running


async def test_one_invoice_unpaid_and_one_overdue_as_the_demo_promises(api: Api) -> None:
    account = await _account(api)
    invoices = [e["node"] for e in account["invoices"]["edges"]]
    statuses = [i["status"] for i in invoices]
    assert statuses.count("UNPAID") == 1
    assert statuses.count("OVERDUE") == 1
    assert set(statuses) <= {"PAID", "UNPAID", "OVERDUE"}
    overdue = next(i for i in invoices if i["status"] == "OVERDUE")
    unpaid = next(i for i in invoices if i["status"] == "UNPAID")
    assert _amount(account["overdue"]) == _amount(overdue["amountDue"]) > 0
    assert date.fromisoformat(overdue["dueDate"]) < date(2026, 11, 21)
    assert account["nextDueDate"] == unpaid["dueDate"]
    assert date.fromisoformat(unpaid["dueDate"]) >= date(2026, 11, 21)


async def test_payments_show_what_they_paid(api: Api) -> None:
    account = await _account(api)
    for edge in account["payments"]["edges"]:
        payment = edge["node"]
        allocated = sum(_amount(a["amount"]) for a in payment["allocations"])
        assert 0 < allocated <= _amount(payment["amount"])


async def test_invoice_documents_and_transfer_title(api: Api) -> None:
    account = await _account(api)
    invoice = account["invoices"]["edges"][0]["node"]
    number = invoice["number"]
    assert invoice["pdfUrl"] == f"/faktury/{number}.pdf"
    assert invoice["eInvoiceUrl"] == f"/faktury/{number}.xml"
    assert "100001" in invoice["transferTitle"] and number in invoice["transferTitle"]
    iban = account["paymentAccountNumber"]
    assert iban.startswith("PL") and len(iban) == 28
    assert int(iban[4:] + "2521" + iban[2:4]) % 97 == 1


async def test_the_estimated_invoice_shows_its_correction(api: Api) -> None:
    account = await _account(api)
    invoices = [e["node"] for e in account["invoices"]["edges"]]
    corrected = [i for i in invoices if i["corrections"]]
    assert len(corrected) == 1
    assert any(line["estimated"] for line in corrected[0]["lines"])
    assert any(r["source"] == "ESTIMATED" for r in corrected[0]["readings"])


async def test_invoice_filters_and_cursor_pagination(api: Api) -> None:
    query = """
    query Page($n: String!, $first: Int, $after: String, $status: InvoiceStatus,
               $from: Date, $to: Date) {
      account(number: $n) {
        invoices(first: $first, after: $after, status: $status, from: $from, to: $to) {
          totalCount pageInfo { hasNextPage hasPreviousPage endCursor }
          edges { cursor node { number issuedOn status } }
        }
      }
    }"""
    seen: list[str] = []
    after = None
    while True:
        variables = {"n": "100001", "first": 5, "after": after}
        page = (await api.data(query, variables, as_user="jan.kowalski"))["account"]["invoices"]
        seen += [e["node"]["number"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)) == page["totalCount"]
    overdue = await api.data(query, {"n": "100001", "status": "OVERDUE"}, as_user="jan.kowalski")
    assert [e["node"]["status"] for e in overdue["account"]["invoices"]["edges"]] == ["OVERDUE"]
    dated = await api.data(
        query, {"n": "100001", "from": "2026-01-01", "to": "2026-06-30"}, as_user="jan.kowalski"
    )
    days = [e["node"]["issuedOn"] for e in dated["account"]["invoices"]["edges"]]
    assert days and all("2026-01-01" <= d <= "2026-06-30" for d in days)


@pytest.mark.parametrize("first", [0, 101, -1])
async def test_page_size_outside_1_to_100_is_bad_request(api: Api, first: int) -> None:
    query = 'query P($f: Int) { account(number: "100001") { invoices(first: $f) { totalCount } } }'
    result = await api.run(query, {"f": first}, as_user="jan.kowalski")
    assert result.codes == ["BAD_REQUEST"]


async def test_public_tariff_window_and_announcements(api: Api) -> None:
    data = await api.data(
        """{ tariff { validFrom waterPrice { amount currency } sewagePrice { amount }
                      subscriptionFee { amount } vatRate waterPriceGross { amount } }
             old: tariff(on: "2025-01-15") { waterPrice { amount } }
             readingWindow { opensOn closesOn isOpen }
             inside: readingWindow(on: "2026-11-27") { opensOn closesOn isOpen }
             announcements { kind title }
             termsVersion }"""
    )
    assert data["tariff"]["waterPrice"]["currency"] == "PLN"
    net = Decimal(data["tariff"]["waterPrice"]["amount"])
    gross = Decimal(data["tariff"]["waterPriceGross"]["amount"])
    assert gross == net + (net * Decimal("0.08")).quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert data["tariff"]["vatRate"] == "8"
    assert data["old"]["waterPrice"] != data["tariff"]["waterPrice"]
    assert data["readingWindow"] == {
        "opensOn": "2026-11-25",
        "closesOn": "2026-11-30",
        "isOpen": False,
    }
    assert data["inside"]["isOpen"] is True
    kinds = {a["kind"] for a in data["announcements"]}
    assert "PLANNED_OUTAGE" in kinds


async def test_consumption_per_month_covers_24_months(api: Api) -> None:
    query = """query C($n: String!) { account(number: $n) {
        consumption(from: "2024-11-01", to: "2026-10-31") { month volume estimated } } }"""
    points = (await api.data(query, {"n": "100001"}, as_user="jan.kowalski"))["account"][
        "consumption"
    ]
    assert len(points) == 24
    assert all(Decimal(p["volume"]) > 0 for p in points)
    assert any(p["estimated"] for p in points)


async def test_reading_consumption_is_rollover_aware(api: Api) -> None:
    query = """query M($n: String!) { account(number: $n) { meters {
        digits isMain readings(first: 100) { edges { node { value consumption } } } } } }"""
    data = await api.data(query, {"n": "100003"}, as_user="wspolnota.lipowa")
    meter = data["account"]["meters"][0]
    assert meter["isMain"] is True
    readings = [e["node"] for e in meter["readings"]["edges"]]
    # Newest first: a value lower than the one before it (in time) is a rollover.
    wrapped = [
        (newer, older)
        for newer, older in itertools.pairwise(readings)
        if Decimal(newer["value"]) < Decimal(older["value"])
    ]
    assert wrapped, "the demo's main meter rolls over"
    newer, older = wrapped[0]
    modulus = Decimal(10) ** meter["digits"]
    expected = Decimal(newer["value"]) + modulus - Decimal(older["value"])
    assert Decimal(newer["consumption"]) == expected
    assert Decimal(0) < expected < 1000


async def test_balance_on_a_day_matches_the_ledger_and_the_balance(api: Api) -> None:
    query = """query B($n: String!) { account(number: $n) {
        balance { amount }
        today: balanceOn(day: "2026-11-21") { amount }
        before: balanceOn(day: "2000-01-01") { amount }
        midyear: balanceOn(day: "2026-06-30") { amount }
        ledger(to: "2026-06-30") { balanceAfter { amount } }
        empty: ledger(from: "2000-01-01", to: "2000-12-31") { reference } } }"""
    account = (await api.data(query, {"n": "100001"}, as_user="jan.kowalski"))["account"]
    assert account["today"] == account["balance"]
    assert Decimal(account["before"]["amount"]) == 0
    assert account["midyear"] == account["ledger"][-1]["balanceAfter"]
    assert account["empty"] == []


async def test_any_invoice_range_may_be_listed_but_not_a_reversed_one(api: Api) -> None:
    query = """query R($from: Date, $to: Date) { account(number: "100001") {
        invoices(from: $from, to: $to, first: 100) { totalCount } } }"""
    everything = await api.data(
        query, {"from": "1900-01-01", "to": "2100-12-31"}, as_user="jan.kowalski"
    )
    unfiltered = await api.data(query, {}, as_user="jan.kowalski")
    assert everything["account"]["invoices"] == unfiltered["account"]["invoices"]
    reversed_range = await api.run(
        query, {"from": "2026-06-01", "to": "2026-01-01"}, as_user="jan.kowalski"
    )
    assert reversed_range.codes == ["BAD_REQUEST"]
