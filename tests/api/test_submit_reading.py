"""submitReading: a customer's own reading, as the regulations allow it."""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from decimal import Decimal

import pytest

from models.clock import WARSAW, Clock
from models.enums import Scope
from models.orm import Account, AuditEntry, Meter, Reading
from tests.support import Api

pytestmark = pytest.mark.usefixtures("demo")

SUBMIT = """mutation($input: SubmitReadingInput!) {
  submitReading(input: $input) {
    reading { value readOn source consumption }
    warnings
    errors { field code message }
  }
}"""
METER_ID = '{ account(number: "100001") { meters { id canSubmitReading submissionBlockedBy } } }'
# The demo's household meter last read 779 m³ on 25 October 2026.
LAST_VALUE = Decimal("779")
NOVEMBER = date(2026, 11, 1)


@pytest.fixture
def in_window(clock: Clock) -> Clock:
    clock.set(datetime(2026, 11, 27, 10, 0, tzinfo=WARSAW))
    return clock


async def _meter_id(api: Api, login: str = "jan.kowalski", number: str = "100001") -> str:
    query = METER_ID.replace("100001", number)
    data = await api.data(query, as_user=login)
    return str(data["account"]["meters"][0]["id"])


async def _submit(api: Api, meter_id: str, value: str, **extra: object) -> dict:
    login = str(extra.pop("as_user", "jan.kowalski"))
    scopes = extra.pop("scopes", frozenset(Scope))
    variables = {"input": {"meterId": meter_id, "value": value, **extra}}
    result = await api.run(SUBMIT, variables, as_user=login, scopes=scopes)  # type: ignore[arg-type]
    assert result.data is not None, result.errors
    return result.data["submitReading"]


@pytest.mark.usefixtures("in_window")
async def test_a_reading_in_the_window_is_stored_with_its_consumption(api: Api) -> None:
    meter_id = await _meter_id(api)
    version_before = (await Account.get(number="100001")).version
    payload = await _submit(api, meter_id, "785.5")
    assert payload["errors"] == []
    assert payload["warnings"] == []
    reading = payload["reading"]
    assert (reading["readOn"], reading["source"]) == ("2026-11-27", "CUSTOMER")
    assert Decimal(payload["reading"]["value"]) == Decimal("785.5")
    assert Decimal(payload["reading"]["consumption"]) == Decimal("785.5") - LAST_VALUE
    stored = await Reading.filter(meter__serial_number="WS-18-204417").order_by("-id").first()
    assert (
        stored is not None and stored.value == Decimal("785.5") and not stored.flagged_implausible
    )
    # Every cached view of the account is renewed.
    assert (await Account.get(number="100001")).version == version_before + 1
    assert await AuditEntry.filter(action="READING_SUBMITTED").count() == 1
    # The meter now says why it cannot take another one this month.
    meters = (await api.data(METER_ID, as_user="jan.kowalski"))["account"]["meters"]
    assert meters[0]["submissionBlockedBy"] == "ALREADY_SUBMITTED_THIS_MONTH"


@pytest.mark.usefixtures("in_window")
async def test_a_second_reading_in_the_month_is_refused(api: Api) -> None:
    meter_id = await _meter_id(api)
    assert (await _submit(api, meter_id, "781"))["errors"] == []
    again = await _submit(api, meter_id, "782")
    assert [e["code"] for e in again["errors"]] == ["ALREADY_SUBMITTED_THIS_MONTH"]
    assert again["reading"] is None
    assert await Reading.filter(meter__serial_number="WS-18-204417", value=782).count() == 0


@pytest.mark.usefixtures("in_window")
async def test_two_simultaneous_submissions_store_one_reading(api: Api) -> None:
    meter_id = await _meter_id(api)
    first, second = await asyncio.gather(
        _submit(api, meter_id, "781"), _submit(api, meter_id, "782")
    )
    codes = sorted(str(e["code"]) for p in (first, second) for e in p["errors"])
    assert codes == ["ALREADY_SUBMITTED_THIS_MONTH"]
    assert await Reading.filter(customer_month=NOVEMBER).count() == 1


async def test_outside_the_window_the_next_window_is_named(api: Api) -> None:
    meter_id = await _meter_id(api)  # the test clock's 21 November lies before the window
    payload = await _submit(api, meter_id, "781")
    assert [e["code"] for e in payload["errors"]] == ["OUTSIDE_READING_WINDOW"]
    assert "25.11.2026" in payload["errors"][0]["message"]
    assert "30.11.2026" in payload["errors"][0]["message"]


@pytest.mark.usefixtures("in_window")
async def test_a_lower_value_is_refused_unless_the_register_rolled_over(api: Api) -> None:
    meter_id = await _meter_id(api)
    lower = await _submit(api, meter_id, "700")
    assert [(e["field"], e["code"]) for e in lower["errors"]] == [("value", "READING_DECREASED")]
    # A five-digit register close to its end wraps: 99 998 -> 12 is 14 m³.
    meter = await Meter.get(serial_number="WS-18-204417")
    await Reading.filter(meter=meter).update(value=Decimal("99990"))
    wrapped = await _submit(api, meter_id, "12")
    assert wrapped["errors"] == []
    assert Decimal(wrapped["reading"]["consumption"]) == Decimal("22")


@pytest.mark.usefixtures("in_window")
async def test_implausible_values_are_refused_and_unusual_ones_flagged(api: Api) -> None:
    meter_id = await _meter_id(api)
    huge = await _submit(api, meter_id, "90000")
    assert [e["code"] for e in huge["errors"]] == ["IMPLAUSIBLE_READING"]
    # About 0.3 m³ a day is usual here: 40 m³ in a month is far above it, not impossible.
    unusual = await _submit(api, meter_id, "819")
    assert unusual["errors"] == []
    assert len(unusual["warnings"]) == 1 and "40 m³" in unusual["warnings"][0]
    stored = await Reading.filter(meter__serial_number="WS-18-204417").order_by("-id").first()
    assert stored is not None and stored.flagged_implausible


@pytest.mark.usefixtures("in_window")
async def test_blocked_e_readings_refuse_submission(api: Api) -> None:
    await Account.filter(number="100001").update(e_readings_blocked=True)
    meter_id = await _meter_id(api)
    payload = await _submit(api, meter_id, "781")
    assert [e["code"] for e in payload["errors"]] == ["READINGS_BLOCKED"]


@pytest.mark.usefixtures("in_window")
@pytest.mark.parametrize(
    ("value", "read_on"),
    [
        ("-1", None),
        ("100000", None),
        ("781.0001", None),
        ("781", "2026-11-28"),
        ("781", "2026-11-20"),
    ],
)
async def test_out_of_range_values_and_dates_are_refused(
    api: Api, value: str, read_on: str | None
) -> None:
    meter_id = await _meter_id(api)
    extra = {"readOn": read_on} if read_on else {}
    payload = await _submit(api, meter_id, value, **extra)
    assert payload["reading"] is None
    assert payload["errors"] and payload["errors"][0]["field"] in {"value", "readOn"}
    assert await Reading.filter(customer_month=NOVEMBER).count() == 0


@pytest.mark.usefixtures("in_window")
async def test_another_customers_meter_is_not_found(api: Api) -> None:
    others = await _meter_id(api, "wspolnota.lipowa", "100003")
    payload = await _submit(api, others, "4000")
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("meterId", "NOT_FOUND")]
    assert await Reading.filter(value=4000).count() == 0


@pytest.mark.usefixtures("in_window")
async def test_a_read_only_token_cannot_submit(api: Api) -> None:
    meter_id = await _meter_id(api)
    result = await api.run(
        SUBMIT,
        {"input": {"meterId": meter_id, "value": "781"}},
        as_user="jan.kowalski",
        scopes=frozenset({Scope.READ}),
    )
    assert result.codes == ["FORBIDDEN"]
    assert await Reading.filter(value=781).count() == 0


@pytest.mark.usefixtures("in_window")
async def test_anonymous_callers_are_refused(api: Api) -> None:
    meter_id = await _meter_id(api)
    result = await api.run(SUBMIT, {"input": {"meterId": meter_id, "value": "781"}})
    assert result.codes == ["UNAUTHENTICATED"]
