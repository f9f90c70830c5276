"""A failure report's photo over /graphql: a GraphQL multipart upload, as a partner
app with a bearer token sends it; an anonymous caller may report only without one."""

from __future__ import annotations

import json

import httpx
import pytest

from models.clock import Clock
from models.orm import FailureReport
from models.rules.totp import totp_at

pytestmark = pytest.mark.usefixtures("demo")

REPORT = """mutation($input: ReportFailureInput!) { reportFailure(input: $input) {
  report { number photoUrl } errors { field code } } }"""
FIELDS = {"address": "ul. Lipowa 12, Dąbrowa Wielka", "description": "Woda na chodniku."}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 2000


async def _bearer(http: httpx.AsyncClient) -> dict[str, str]:
    query = """mutation($otp: String) { issueToken(input: {login: "obsluga",
      password: "Obsluga-Demo-2026!", otp: $otp}) { token } }"""
    otp = totp_at("JBSWY3DPEHPK3PXP", Clock.real_now())
    answer = await http.post("/graphql", json={"query": query, "variables": {"otp": otp}})
    return {"authorization": f"Bearer {answer.json()['data']['issueToken']['token']}"}


def _multipart(photo: bytes) -> dict:
    operations = {"query": REPORT, "variables": {"input": {**FIELDS, "photo": None}}}
    return {
        "data": {
            "operations": json.dumps(operations),
            "map": json.dumps({"0": ["variables.input.photo"]}),
        },
        "files": {"0": ("zdjecie.png", photo, "application/octet-stream")},
    }


async def test_a_partner_app_sends_the_photo_as_a_multipart_upload(
    http: httpx.AsyncClient,
) -> None:
    answer = await http.post("/graphql", headers=await _bearer(http), **_multipart(PNG))
    payload = answer.json()["data"]["reportFailure"]
    assert payload["errors"] == []
    assert payload["report"]["photoUrl"].startswith("/obsluga/awarie/")
    row = await FailureReport.get()
    assert row.photo_type == "image/png"


async def test_an_anonymous_caller_reports_without_a_photo(http: httpx.AsyncClient) -> None:
    refused = await http.post("/graphql", **_multipart(PNG))
    assert refused.status_code in (401, 403), refused.text
    assert await FailureReport.all().count() == 0
    plain = await http.post("/graphql", json={"query": REPORT, "variables": {"input": FIELDS}})
    assert plain.json()["data"]["reportFailure"]["errors"] == []
