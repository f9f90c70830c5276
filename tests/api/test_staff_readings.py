"""Staff's readings work: blocked accounts, unusual readings, recorded readings."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from models.clock import WARSAW, Clock
from models.enums import Scope
from models.orm import Account, AuditEntry, Reading
from tests.support import Api

pytestmark = pytest.mark.usefixtures("demo")

QUEUES = """{
  readingsBlockedAccounts { totalCount edges { node { number eReadingsBlocked } } }
  unusualReadings { totalCount edges { node { id value meter { serialNumber } } } }
}"""
LIFT = """mutation($id: ID!) {
  liftReadingBlock(input: {accountId: $id, note: "telefon od klienta"}) {
  account { number eReadingsBlocked } errors { code field } } }"""
RECORD = """mutation($input: RecordReadingInput!) { recordReading(input: $input) {
  reading { value readOn source } errors { code field } } }"""
REVIEWED = (
    """mutation($id: ID!) { markReadingReviewed(id: $id) { reading { id } errors { code } } }"""
)


async def _ids(api: Api) -> tuple[str, str]:
    data = await api.data(
        '{ account(number: "100001") { id meters { id } } }', as_user="jan.kowalski"
    )
    return data["account"]["id"], data["account"]["meters"][0]["id"]


async def test_staff_see_blocked_accounts_and_lift_a_block(api: Api) -> None:
    await Account.filter(number="100003").update(
        e_readings_blocked=True, e_readings_blocked_at=datetime(2026, 11, 1, tzinfo=WARSAW)
    )
    queues = await api.data(QUEUES, as_user="obsluga")
    assert queues["readingsBlockedAccounts"]["totalCount"] == 1
    blocked = queues["readingsBlockedAccounts"]["edges"][0]["node"]
    assert blocked == {"number": "100003", "eReadingsBlocked": True}
    account_id = (await api.data('{ account(number: "100003") { id } }', as_user="obsluga"))[
        "account"
    ]["id"]
    lifted = (await api.data(LIFT, {"id": account_id}, as_user="obsluga"))["liftReadingBlock"]
    assert lifted == {"account": {"number": "100003", "eReadingsBlocked": False}, "errors": []}
    entry = await AuditEntry.get(action="E_READINGS_UNBLOCKED")
    assert entry.object_id == "100003" and entry.details == {"note": "telefon od klienta"}
    again = await api.data(QUEUES, as_user="obsluga")
    assert again["readingsBlockedAccounts"]["totalCount"] == 0


async def test_unusual_readings_wait_for_review(api: Api, clock: Clock) -> None:
    clock.set(datetime(2026, 11, 27, 10, 0, tzinfo=WARSAW))
    _, meter_id = await _ids(api)
    submit = """mutation($m: ID!) { submitReading(input: {meterId: $m, value: "830"}) {
      warnings errors { code } } }"""
    sent = await api.data(submit, {"m": meter_id}, as_user="jan.kowalski")
    assert sent["submitReading"]["errors"] == [] and sent["submitReading"]["warnings"]
    queue = (await api.data(QUEUES, as_user="obsluga"))["unusualReadings"]
    assert queue["totalCount"] == 1
    node = queue["edges"][0]["node"]
    assert Decimal(node["value"]) == Decimal(830)
    assert node["meter"] == {"serialNumber": "WS-18-204417"}
    done = await api.data(REVIEWED, {"id": node["id"]}, as_user="obsluga")
    assert done["markReadingReviewed"]["errors"] == []
    assert (await api.data(QUEUES, as_user="obsluga"))["unusualReadings"]["totalCount"] == 0


async def test_staff_record_a_collector_reading_outside_the_window(api: Api) -> None:
    _, meter_id = await _ids(api)
    variables = {
        "input": {
            "meterId": meter_id,
            "value": "781.5",
            "readOn": "2026-11-20",
            "source": "COLLECTOR",
        }
    }
    recorded = (await api.data(RECORD, variables, as_user="obsluga"))["recordReading"]
    assert recorded["errors"] == []
    assert recorded["reading"]["source"] == "COLLECTOR"
    assert await Reading.filter(value=Decimal("781.5"), source="COLLECTOR").count() == 1
    assert await AuditEntry.filter(action="READING_RECORDED").count() == 1


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"source": "CUSTOMER"}, "INVALID"),
        ({"source": "ESTIMATED"}, "INVALID"),
        ({"readOn": "2026-11-22"}, "INVALID"),
        ({"value": "700"}, "READING_DECREASED"),
        ({"value": "100000"}, "INVALID"),
        ({"meterId": "TWV0ZXI6OTk5OQ=="}, "NOT_FOUND"),
    ],
)
async def test_recorded_readings_are_still_checked(
    api: Api, change: dict[str, str], code: str
) -> None:
    _, meter_id = await _ids(api)
    base = {"meterId": meter_id, "value": "781.5", "readOn": "2026-11-20", "source": "COLLECTOR"}
    result = await api.data(RECORD, {"input": {**base, **change}}, as_user="obsluga")
    assert [e["code"] for e in result["recordReading"]["errors"]] == [code]
    assert await AuditEntry.filter(action="READING_RECORDED").count() == 0


async def test_customers_cannot_use_staff_fields(api: Api) -> None:
    account_id, meter_id = await _ids(api)
    queues = await api.run(QUEUES, as_user="jan.kowalski")
    assert set(queues.codes) == {"FORBIDDEN"}
    lift = await api.run(LIFT, {"id": account_id}, as_user="jan.kowalski")
    assert lift.codes == ["FORBIDDEN"]
    record = await api.run(
        RECORD,
        {
            "input": {
                "meterId": meter_id,
                "value": "790",
                "readOn": "2026-11-20",
                "source": "COLLECTOR",
            }
        },
        as_user="jan.kowalski",
    )
    assert record.codes == ["FORBIDDEN"]
    assert await Reading.filter(value=790).count() == 0


async def test_a_read_only_staff_token_cannot_lift_a_block(api: Api) -> None:
    account_id, _ = await _ids(api)
    await Account.filter(number="100001").update(e_readings_blocked=True)
    result = await api.run(
        LIFT, {"id": account_id}, as_user="obsluga", scopes=frozenset({Scope.READ})
    )
    assert result.codes == ["FORBIDDEN"]
    assert (await Account.get(number="100001")).e_readings_blocked
