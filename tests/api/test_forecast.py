"""Account.forecast and Account.simulate for the demo accounts: lines, totals, basis,
future tariffs, bounds, and refusals that leak nothing about other accounts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from models.orm import Tariff
from tests.support import Api, StatementCounter

pytestmark = pytest.mark.usefixtures("demo")

FORECAST = """query($number: String!, $from: Date!, $to: Date!) {
  account(number: $number) {
    forecast(from: $from, to: $to) {
      from to consumption averageDailyConsumption basis pdfUrl
      lines { service quantity unitPrice { amount } net { amount } vat { amount }
              gross { amount } estimated }
      net { amount } vat { amount } gross { amount }
    }
  }
}"""

SIMULATE = """query($number: String!, $readings: [SimulatedReadingInput!]!) {
  account(number: $number) {
    simulate(readings: $readings) {
      from to consumption basis pdfUrl
      lines { service quantity net { amount } estimated }
      net { amount } vat { amount } gross { amount }
    }
  }
}"""

METERS = """query($number: String!) { account(number: $number) {
  meters { id lastReading { value readOn } } } }"""


async def _forecast(api: Api, start: str, end: str, **kw: Any) -> dict:
    variables = {"number": "100001", "from": start, "to": end}
    data = await api.data(FORECAST, variables, as_user="jan.kowalski", **kw)
    return data["account"]["forecast"]


async def _meter(api: Api, number: str = "100001", login: str = "jan.kowalski") -> dict:
    data = await api.data(METERS, {"number": number}, as_user=login)
    return data["account"]["meters"][0]


def _amount(money: dict) -> Decimal:
    return Decimal(money["amount"])


async def test_the_demo_household_gets_a_seasonal_forecast(api: Api) -> None:
    found = await _forecast(api, "2026-11-22", "2027-01-21")
    assert (found["from"], found["to"]) == ("2026-11-22", "2027-01-21")
    assert Decimal(found["consumption"]) > 0
    assert "z uwzględnieniem sezonowości" in found["basis"]
    assert "61 dni" in found["basis"]
    assert [line["service"] for line in found["lines"]] == ["WATER", "SEWAGE", "SUBSCRIPTION"]
    for total in ("net", "vat", "gross"):
        assert _amount(found[total]) == sum(_amount(line[total]) for line in found["lines"])
    assert _amount(found["gross"]) == _amount(found["net"]) + _amount(found["vat"])
    assert found["pdfUrl"] == "/prognoza.pdf?konto=100001&od=2026-11-22&do=2027-01-21"


async def test_a_future_tariff_changes_the_lines_from_its_date(api: Api) -> None:
    before = await _forecast(api, "2026-12-01", "2027-01-31")
    await Tariff.filter(valid_to=None).update(valid_to=date(2026, 12, 31))
    await Tariff.create(
        valid_from=date(2027, 1, 1),
        water_price=Decimal("6.50"),
        sewage_price=Decimal("8.40"),
        subscription_fee=Decimal("6.00"),
        vat_rate=Decimal("8"),
    )
    after = await _forecast(api, "2026-12-01", "2027-01-31")
    water = [line for line in after["lines"] if line["service"] == "WATER"]
    assert [line["unitPrice"]["amount"] for line in water] == ["5.83", "6.50"]
    assert after["consumption"] == before["consumption"]
    assert _amount(after["gross"]) > _amount(before["gross"])
    assert "według taryfy z 1 stycznia 2027" in after["basis"]


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("2027-01-02", "2027-01-01"),  # ends before it starts
        ("2026-12-01", "2030-01-01"),  # longer than three years
        ("2020-01-01", "2020-02-01"),  # long past
        ("2031-01-01", "2031-02-01"),  # far ahead
    ],
)
async def test_periods_out_of_bounds_are_bad_requests(api: Api, start: str, end: str) -> None:
    variables = {"number": "100001", "from": start, "to": end}
    result = await api.run(FORECAST, variables, as_user="jan.kowalski")
    assert result.codes == ["BAD_REQUEST"]
    assert result.data is None or result.data["account"] is None


async def test_a_forecast_costs_a_fixed_number_of_statements(
    api: Api, sql_statements: StatementCounter
) -> None:
    await _forecast(api, "2026-11-22", "2027-01-21")
    assert len(sql_statements.statements) <= 8


async def test_a_simulation_bills_the_use_since_the_last_reading(api: Api) -> None:
    meter = await _meter(api)
    last = meter["lastReading"]
    value = str(Decimal(last["value"]) + Decimal("12.5"))
    readings = [{"meterId": meter["id"], "value": value}]
    data = await api.data(
        SIMULATE, {"number": "100001", "readings": readings}, as_user="jan.kowalski"
    )
    found = data["account"]["simulate"]
    assert Decimal(found["consumption"]) == Decimal("12.5")
    assert found["to"] == "2026-11-21"
    assert date.fromisoformat(found["from"]) > date.fromisoformat(last["readOn"])
    assert not any(line["estimated"] for line in found["lines"])
    assert _amount(found["net"]) == sum(_amount(line["net"]) for line in found["lines"])
    assert found["pdfUrl"].startswith("/prognoza.pdf?konto=100001&wodomierz=")
    assert "to symulacja, a nie faktura" in found["basis"]


async def _simulate_errors(api: Api, readings: list[dict], number: str = "100001") -> list:
    result = await api.run(
        SIMULATE, {"number": number, "readings": readings}, as_user="jan.kowalski"
    )
    return result.errors


async def test_a_value_below_the_last_reading_is_refused(api: Api) -> None:
    meter = await _meter(api)
    low = str(Decimal(meter["lastReading"]["value"]) - 50)
    errors = await _simulate_errors(api, [{"meterId": meter["id"], "value": low}])
    assert [e["extensions"] for e in errors] == [
        {"code": "READING_DECREASED", "field": "readings.0.value"}
    ]
    assert "niższy niż poprzedni odczyt" in errors[0]["message"]


async def test_an_implausible_value_is_refused(api: Api) -> None:
    meter = await _meter(api)
    high = str(Decimal(meter["lastReading"]["value"]) + 20_000)
    errors = await _simulate_errors(api, [{"meterId": meter["id"], "value": high}])
    assert errors[0]["extensions"]["code"] == "IMPLAUSIBLE_READING"


async def test_one_value_per_meter(api: Api) -> None:
    meter = await _meter(api)
    value = meter["lastReading"]["value"]
    twice = [{"meterId": meter["id"], "value": value}] * 2
    errors = await _simulate_errors(api, twice)
    assert errors[0]["extensions"] == {"code": "INVALID", "field": "readings.1.meterId"}


async def test_another_customers_meter_is_not_found_and_not_described(api: Api) -> None:
    theirs = await _meter(api, "100003", "wspolnota.lipowa")
    value = str(Decimal(theirs["lastReading"]["value"]) + 1)
    errors = await _simulate_errors(api, [{"meterId": theirs["id"], "value": value}])
    assert errors[0]["extensions"] == {"code": "NOT_FOUND", "field": "readings.0.meterId"}
    assert theirs["lastReading"]["value"].split(".")[0] not in errors[0]["message"]


async def test_nothing_to_simulate_is_a_bad_request(api: Api) -> None:
    errors = await _simulate_errors(api, [])
    assert errors[0]["extensions"]["code"] == "BAD_REQUEST"


async def test_someone_elses_account_has_no_forecast(api: Api) -> None:
    variables = {"number": "100003", "from": "2026-12-01", "to": "2026-12-31"}
    data = await api.data(FORECAST, variables, as_user="jan.kowalski")
    assert data["account"] is None
