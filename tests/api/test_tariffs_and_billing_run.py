"""Staff enter tariffs (future-dated allowed, past-dated refused) and run the billing."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from models.clock import WARSAW, Clock
from models.orm import AuditEntry, Invoice, Tariff
from tests.support import Api

pytestmark = pytest.mark.usefixtures("demo")

ADD = """mutation($input: AddTariffInput!) { addTariff(input: $input) {
  tariff { validFrom validTo waterPrice { amount } vatRate }
  errors { field code message } } }"""
RUN = """mutation($p: Date!) {
  runBilling(input: {period: $p}) { invoicesIssued errors { code field message } } }"""
TARIFFS = "{ tariffs { validFrom validTo } }"
NEW = {
    "validFrom": "2027-01-01",
    "waterPrice": "5.50",
    "sewagePrice": "7.90",
    "subscriptionFee": "4.20",
    "vatRate": "8",
}


async def test_a_future_tariff_closes_the_one_before(api: Api) -> None:
    before = (await api.data(TARIFFS))["tariffs"]
    added = (await api.data(ADD, {"input": NEW}, as_user="obsluga"))["addTariff"]
    assert added["errors"] == []
    assert added["tariff"]["validFrom"] == "2027-01-01" and added["tariff"]["validTo"] is None
    assert added["tariff"]["vatRate"] == "8"
    after = (await api.data(TARIFFS))["tariffs"]
    assert len(after) == len(before) + 1
    assert after[0]["validFrom"] == "2027-01-01"
    assert after[1] == {"validFrom": before[0]["validFrom"], "validTo": "2026-12-31"}
    # The price in force moves on that day, not before.
    assert (await api.data('{ tariff(on: "2026-12-31") { waterPrice { amount } } }'))["tariff"][
        "waterPrice"
    ]["amount"] != "5.50"
    assert (await api.data('{ tariff(on: "2027-01-01") { waterPrice { amount } } }'))["tariff"][
        "waterPrice"
    ]["amount"] == "5.50"
    assert await AuditEntry.filter(action="TARIFF_ADDED").count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"validFrom": "2026-11-20"}, "validFrom"),
        ({"validFrom": "2025-01-01"}, "validFrom"),
        ({"waterPrice": "-1"}, "waterPrice"),
        ({"sewagePrice": "1000"}, "sewagePrice"),
        ({"subscriptionFee": "4.205"}, "subscriptionFee"),
        ({"vatRate": "7"}, "vatRate"),
        ({"vatRate": "0.08"}, "vatRate"),
    ],
)
async def test_bad_tariffs_are_refused_and_nothing_changes(
    api: Api, change: dict[str, str], field: str
) -> None:
    count = await Tariff.all().count()
    result = (await api.data(ADD, {"input": {**NEW, **change}}, as_user="obsluga"))["addTariff"]
    assert [(e["field"], e["code"]) for e in result["errors"]] == [(field, "INVALID")]
    assert await Tariff.all().count() == count
    assert await Tariff.filter(valid_to=date(2026, 12, 31)).count() == 0


async def test_a_tariff_must_follow_the_last_one_entered(api: Api) -> None:
    assert (await api.data(ADD, {"input": NEW}, as_user="obsluga"))["addTariff"]["errors"] == []
    earlier = {**NEW, "validFrom": "2026-12-15"}
    result = (await api.data(ADD, {"input": earlier}, as_user="obsluga"))["addTariff"]
    assert [e["code"] for e in result["errors"]] == ["INVALID"]
    assert "01.01.2027" in result["errors"][0]["message"]


async def test_staff_run_the_billing_once(api: Api, clock: Clock) -> None:
    clock.set(datetime(2026, 12, 3, 8, tzinfo=WARSAW))
    first = (await api.data(RUN, {"p": "2026-11-01"}, as_user="obsluga"))["runBilling"]
    assert first["errors"] == [] and first["invoicesIssued"] > 0
    issued = await Invoice.filter(issued_on=date(2026, 12, 3)).count()
    assert issued == first["invoicesIssued"]
    again = (await api.data(RUN, {"p": "2026-11-01"}, as_user="obsluga"))["runBilling"]
    assert again == {"invoicesIssued": 0, "errors": []}


async def test_a_month_not_over_is_refused(api: Api) -> None:
    result = (await api.data(RUN, {"p": "2026-11-01"}, as_user="obsluga"))["runBilling"]
    assert [e["code"] for e in result["errors"]] == ["INVALID"]
    assert "01.12.2026" in result["errors"][0]["message"]


async def test_customers_can_do_neither(api: Api) -> None:
    assert (await api.run(ADD, {"input": NEW}, as_user="jan.kowalski")).codes == ["FORBIDDEN"]
    assert (await api.run(RUN, {"p": "2026-10-01"}, as_user="jan.kowalski")).codes == ["FORBIDDEN"]
    assert await Tariff.filter(valid_from=date(2027, 1, 1)).count() == 0
