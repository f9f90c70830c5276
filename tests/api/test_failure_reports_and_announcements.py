"""The public failure report and staff announcements through the API."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from models.clock import Clock
from models.orm import AuditEntry, FailureReport, OutboxEmail
from models.rules.talk import REPORTS_PER_HOUR
from models.settings import Settings
from resolvers.context import Context
from schema import schema
from tests.support import Api

pytestmark = pytest.mark.usefixtures("demo")

REPORT = """mutation($input: ReportFailureInput!) {
  reportFailure(input: $input) {
    report { id number address contactPhone contactEmail photoUrl handledAt }
    errors { field code message } } }"""
REPORTS = "{ failureReports(first: 10) { totalCount edges { node { number address handledAt } } } }"
HANDLED = """mutation($id: ID!) { markFailureReportHandled(id: $id) {
  report { handledAt } errors { code } } }"""
PUBLISH = """mutation($input: PublishAnnouncementInput!) {
  publishAnnouncement(input: $input) {
    announcement { id kind title validFrom validTo } errors { field code } } }"""
PUBLIC_LIST = "{ announcements { title kind } }"
HISTORY = "{ announcementHistory(first: 20) { totalCount edges { node { title } } } }"

GOOD = {
    "address": "ul. Lipowa 12, Dąbrowa Wielka",
    "description": "Woda wypływa spod studzienki na chodniku.",
    "contactPhone": "600 100 200",
    "contactEmail": "zglaszajacy@example.com",
}


def _files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


async def _report_from(
    settings: Settings, clock: Clock, address: str, variables: dict[str, Any]
) -> dict[str, Any]:
    context = Context(settings=settings, clock=clock, viewer=None, client_address=address)
    result = await schema.execute(REPORT, variable_values=variables, context_value=context)
    assert not result.errors, result.errors
    assert result.data is not None
    return result.data["reportFailure"]


async def test_anyone_may_report_a_failure_and_the_office_is_told(api: Api) -> None:
    payload = (await api.data(REPORT, {"input": GOOD}))["reportFailure"]
    assert payload["errors"] == []
    report = payload["report"]
    assert report["number"].startswith("AW/2026/")
    assert report["photoUrl"] is None
    mail = await OutboxEmail.get(key__startswith="failure-reported:")
    assert mail.to_address == api.settings.utility.email
    assert report["number"] in mail.subject
    assert "studzienki" in mail.body_text and "600 100 200" in mail.body_text
    assert await AuditEntry.filter(action="FAILURE_REPORTED").count() == 1


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"address": "   "}, "address", "REQUIRED"),
        ({"description": ""}, "description", "REQUIRED"),
        ({"description": "x" * 4001}, "description", "INVALID"),
        ({"address": "x" * 301}, "address", "INVALID"),
        ({"contactPhone": "dzwonić wieczorem"}, "contactPhone", "INVALID"),
        ({"contactPhone": "12"}, "contactPhone", "INVALID"),
        ({"contactEmail": "nie-email"}, "contactEmail", "INVALID"),
    ],
)
async def test_bad_reports_are_refused_with_a_code_beside_the_field(
    api: Api, change: dict[str, str], field: str, code: str
) -> None:
    payload = (await api.data(REPORT, {"input": {**GOOD, **change}}))["reportFailure"]
    assert payload["report"] is None
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [(field, code)]
    assert await FailureReport.all().count() == 0
    assert await OutboxEmail.all().count() == 0


async def test_contacts_are_optional(api: Api) -> None:
    bare = {"address": GOOD["address"], "description": GOOD["description"]}
    payload = (await api.data(REPORT, {"input": {**bare, "contactPhone": " "}}))["reportFailure"]
    assert payload["errors"] == []
    assert payload["report"]["contactPhone"] is None
    assert payload["report"]["contactEmail"] is None


async def test_one_address_may_send_a_few_reports_an_hour_and_then_waits(
    settings: Settings, clock: Clock
) -> None:
    for _ in range(REPORTS_PER_HOUR):
        assert (await _report_from(settings, clock, "203.0.113.7", {"input": GOOD}))["errors"] == []
    refused = await _report_from(settings, clock, "203.0.113.7", {"input": GOOD})
    assert [e["code"] for e in refused["errors"]] == ["RATE_LIMITED"]
    assert refused["report"] is None
    assert await FailureReport.all().count() == REPORTS_PER_HOUR
    # Another address is not held back by the first one's reports.
    other = await _report_from(settings, clock, "198.51.100.2", {"input": GOOD})
    assert other["errors"] == []
    # An hour later the first address may report again.
    later = Clock(clock.now() + timedelta(hours=1, minutes=1), frozen=True)
    assert (await _report_from(settings, later, "203.0.113.7", {"input": GOOD}))["errors"] == []


async def test_a_photo_is_checked_by_its_content_and_stored_outside_the_web_root(
    tmp_path: Path, settings: Settings, clock: Clock
) -> None:
    local = Settings(
        database_url=settings.database_url,
        secret_key=settings.secret_key,
        env="test",
        upload_dir=tmp_path,
    )
    pdf = io.BytesIO(b"%PDF-1.7\n" + b"0" * 2000)
    refused = await _report_from(local, clock, "192.0.2.1", {"input": {**GOOD, "photo": pdf}})
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [
        ("photo", "ATTACHMENT_TYPE_NOT_ALLOWED")
    ]
    assert _files(tmp_path) == []

    png = io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"\x00" * 2000)
    stored = await _report_from(local, clock, "192.0.2.1", {"input": {**GOOD, "photo": png}})
    assert stored["errors"] == []
    assert stored["report"]["photoUrl"].startswith("/obsluga/awarie/")
    files = _files(tmp_path)
    assert len(files) == 1 and files[0].suffix == ".png"
    assert files[0].read_bytes() == png.getvalue()
    row = await FailureReport.get()
    assert row.photo_key == files[0].name and row.photo_type == "image/png"


async def test_a_photo_that_is_no_file_is_refused(api: Api) -> None:
    payload = await api.data(REPORT, {"input": {**GOOD, "photo": "data:image/png;base64,AA"}})
    errors = payload["reportFailure"]["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [("photo", "ATTACHMENT_TYPE_NOT_ALLOWED")]
    assert await FailureReport.all().count() == 0


async def test_staff_read_reports_newest_first_and_mark_them_handled(api: Api) -> None:
    for place in ("ul. Wodna 1", "ul. Polna 2"):
        await api.data(REPORT, {"input": {**GOOD, "address": place}})
    reports = (await api.data(REPORTS, as_user="obsluga"))["failureReports"]
    assert reports["totalCount"] == 2
    assert [e["node"]["address"] for e in reports["edges"]] == ["ul. Polna 2", "ul. Wodna 1"]
    report_id = (await api.data("{ failureReports { edges { node { id } } } }", as_user="obsluga"))[
        "failureReports"
    ]["edges"][0]["node"]["id"]
    done = await api.data(HANDLED, {"id": report_id}, as_user="obsluga")
    assert done["markFailureReportHandled"]["report"]["handledAt"] is not None


@pytest.mark.parametrize("login", [None, "jan.kowalski"])
async def test_only_staff_read_failure_reports(api: Api, login: str | None) -> None:
    await api.data(REPORT, {"input": GOOD})
    result = await api.run(REPORTS, as_user=login)
    assert result.codes == ["UNAUTHENTICATED" if login is None else "FORBIDDEN"]
    assert result.data is None or result.data.get("failureReports") is None


async def test_staff_publish_announcements_that_anyone_reads(api: Api) -> None:
    now = api.clock.now()
    announcement = {
        "kind": "PLANNED_OUTAGE",
        "title": "Wyłączenie wody na ulicy Lipowej",
        "body": "Prace przy sieci wodociągowej.",
        "validFrom": now.isoformat(),
        "validTo": (now + timedelta(days=1)).isoformat(),
    }
    published = (await api.data(PUBLISH, {"input": announcement}, as_user="obsluga"))[
        "publishAnnouncement"
    ]
    assert published["errors"] == []
    assert published["announcement"]["kind"] == "PLANNED_OUTAGE"
    titles = [a["title"] for a in (await api.data(PUBLIC_LIST))["announcements"]]
    assert "Wyłączenie wody na ulicy Lipowej" in titles
    history = (await api.data(HISTORY, as_user="obsluga"))["announcementHistory"]
    assert history["edges"][0]["node"]["title"] == "Wyłączenie wody na ulicy Lipowej"


async def test_an_announcement_cannot_end_before_it_starts(api: Api) -> None:
    now = api.clock.now()
    announcement = {
        "kind": "FAILURE",
        "title": "Awaria",
        "body": " ",
        "validFrom": now.isoformat(),
        "validTo": (now - timedelta(hours=1)).isoformat(),
    }
    errors = (await api.data(PUBLISH, {"input": announcement}, as_user="obsluga"))[
        "publishAnnouncement"
    ]["errors"]
    assert errors == [{"field": "body", "code": "REQUIRED"}]
    announcement["body"] = "Pęknięta rura."
    errors = (await api.data(PUBLISH, {"input": announcement}, as_user="obsluga"))[
        "publishAnnouncement"
    ]["errors"]
    assert errors == [{"field": "validTo", "code": "INVALID"}]


@pytest.mark.parametrize("login", [None, "jan.kowalski"])
async def test_only_staff_publish(api: Api, login: str | None) -> None:
    announcement = {"kind": "NEWS", "title": "Nowość", "body": "Treść"}
    result = await api.run(PUBLISH, {"input": announcement}, as_user=login)
    assert result.codes == ["UNAUTHENTICATED" if login is None else "FORBIDDEN"]
    result = await api.run(HISTORY, as_user=login)
    assert result.codes == ["UNAUTHENTICATED" if login is None else "FORBIDDEN"]
