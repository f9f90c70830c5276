"""Statement uploads: /obsluga/wyciagi without JavaScript, and importBankStatement over
/graphql as a GraphQL multipart request (bearer token; a cookie session only with
the CSRF header)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
import pytest

from models.clock import Clock
from models.orm import Account, BankStatement, Payment
from models.rules.totp import totp_at
from web.uploads import MAX_UPLOAD_BYTES

pytestmark = pytest.mark.usefixtures("demo")

FIXTURES = Path(__file__).parent.parent / "fixtures" / "statements"
MT940 = (FIXTURES / "ing_2026-11-20.mt940").read_bytes()
CAMT = (FIXTURES / "pko_2026-11-20.camt053.xml").read_bytes()
IMPORT = """mutation Import($input: ImportBankStatementInput!) {
  importBankStatement(input: $input) {
    imported matched unmatched format alreadyBooked errors { field code message } } }"""
PAGE = "/obsluga/wyciagi"


def _csrf(html: str) -> str:
    token = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert token, html[:300]
    return token[1]


def _otp() -> str:
    return totp_at("JBSWY3DPEHPK3PXP", Clock.real_now())


@pytest.fixture
async def staff(http: httpx.AsyncClient) -> httpx.AsyncClient:
    token = _csrf((await http.get("/login")).text)
    data = {"login": "obsluga", "password": "Obsluga-Demo-2026!", "otp": _otp()}
    assert (await http.post("/login", data={**data, "csrf_token": token})).status_code == 303
    return http


async def _bearer(http: httpx.AsyncClient) -> dict[str, str]:
    query = """mutation($otp: String) { issueToken(input: {login: "obsluga",
      password: "Obsluga-Demo-2026!", otp: $otp}) { token errors { code } } }"""
    answer = await http.post("/graphql", json={"query": query, "variables": {"otp": _otp()}})
    token = answer.json()["data"]["issueToken"]["token"]
    assert token, answer.text
    return {"authorization": f"Bearer {token}"}


def _multipart(data: bytes, name: str = "wyciag.mt940") -> dict:
    operations = {"query": IMPORT, "variables": {"input": {"file": None}}}
    return {
        "data": {
            "operations": json.dumps(operations),
            "map": json.dumps({"0": ["variables.input.file"]}),
        },
        "files": {"0": (name, data, "application/octet-stream")},
    }


async def test_staff_import_a_statement_without_javascript(staff: httpx.AsyncClient) -> None:
    page = await staff.get(PAGE)
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.text
    assert 'href="/obsluga/wyciagi/do-przypisania"' in page.text
    token = _csrf(page.text)
    files = {"file": ("ing.mt940", MT940, "application/octet-stream")}
    answer = await staff.post(PAGE, data={"csrf_token": token}, files=files)
    assert answer.status_code == 200, answer.text
    assert "Nowe wpłaty: 5" in answer.text
    assert "Przypisane do kont: 4" in answer.text
    assert "Do przypisania: 1" in answer.text
    # Listed, with its counts; imported again, nothing new.
    again = await staff.post(PAGE, data={"csrf_token": token}, files=files)
    assert "Nowe wpłaty: 0" in again.text and "Zaksięgowane już wcześniej: 5" in again.text
    listed = await staff.get(PAGE)
    row = re.search(r"<th scope=\"row\">ing.mt940</th>(.*?)</tr>", listed.text, re.S)
    assert row, listed.text
    cells = re.findall(r'<td class="num">(\d+)</td>', row[1])
    assert cells == ["6", "5", "4", "1"]
    assert await Payment.filter(statement_id__isnull=False).count() == 5


async def test_a_malformed_file_is_refused_beside_the_field(staff: httpx.AsyncClient) -> None:
    token = _csrf((await staff.get(PAGE)).text)
    files = {"file": ("wyciag.xml", b"<html>nie wyciag</html>", "text/xml")}
    answer = await staff.post(PAGE, data={"csrf_token": token}, files=files)
    assert answer.status_code == 422
    assert 'id="file-error"' in answer.text
    assert "Nic nie zaksięgowano" in answer.text
    missing = await staff.post(PAGE, data={"csrf_token": token})
    assert missing.status_code == 422 and "Wybierz plik wyciągu" in missing.text
    assert await BankStatement.all().count() == 0


async def test_the_upload_form_checks_csrf_first(staff: httpx.AsyncClient) -> None:
    files = {"file": ("ing.mt940", MT940, "application/octet-stream")}
    refused = await staff.post(PAGE, data={"csrf_token": "wrong"}, files=files)
    assert refused.status_code == 403
    foreign = await staff.post(
        PAGE,
        data={"csrf_token": _csrf((await staff.get(PAGE)).text)},
        files=files,
        headers={"origin": "https://evil.example"},
    )
    assert foreign.status_code == 403
    assert await Payment.filter(statement_id__isnull=False).count() == 0


async def test_customers_and_the_signed_out_cannot_upload(
    http: httpx.AsyncClient, signed_in: httpx.AsyncClient
) -> None:
    page = await signed_in.get(PAGE)
    assert page.status_code == 403
    token = _csrf((await signed_in.get("/")).text)
    files = {"file": ("ing.mt940", MT940, "application/octet-stream")}
    answer = await signed_in.post(PAGE, data={"csrf_token": token}, files=files)
    assert answer.status_code == 403
    assert await BankStatement.all().count() == 0


async def test_a_too_large_upload_is_refused_while_it_streams(staff: httpx.AsyncClient) -> None:
    token = _csrf((await staff.get(PAGE)).text)
    sent = 0

    async def body():  # no Content-Length: the limit must hold while reading
        nonlocal sent
        yield (
            '--b\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
            f'{token}\r\n--b\r\nContent-Disposition: form-data; name="file"; '
            'filename="big.mt940"\r\n\r\n'
        ).encode()
        chunk = b"x" * 1024 * 1024
        while sent < MAX_UPLOAD_BYTES * 3:
            sent += len(chunk)
            yield chunk

    answer = await staff.post(
        PAGE, content=body(), headers={"content-type": "multipart/form-data; boundary=b"}
    )
    assert answer.status_code == 413
    assert sent < MAX_UPLOAD_BYTES * 3  # stopped reading long before the end
    declared = await staff.post(
        PAGE,
        content=b"x",
        headers={
            "content-type": "multipart/form-data; boundary=b",
            "content-length": str(MAX_UPLOAD_BYTES + 1),
        },
    )
    assert declared.status_code == 413


async def test_import_over_the_api_with_a_bearer_token(http: httpx.AsyncClient) -> None:
    headers = await _bearer(http)
    jan = await Account.get(number="100001")
    answer = await http.post("/graphql", headers=headers, **_multipart(CAMT, "pko.xml"))
    assert answer.status_code == 200, answer.text
    payload = answer.json()["data"]["importBankStatement"]
    assert payload == {
        "imported": 2,
        "matched": 1,
        "unmatched": 1,
        "format": "camt.053",
        "alreadyBooked": 0,
        "errors": [],
    }
    again = await http.post("/graphql", headers=headers, **_multipart(CAMT, "pko.xml"))
    assert again.json()["data"]["importBankStatement"]["imported"] == 0
    assert await Payment.filter(account_id=jan.id, reference="bank:PKO261120CR0000001").count() == 1
    bad = await http.post("/graphql", headers=headers, **_multipart(b"garbage", "x.txt"))
    errors = bad.json()["data"]["importBankStatement"]["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [("file", "INVALID")]
    # A JSON caller cannot pass a file: a string is not one.
    as_json = await http.post(
        "/graphql",
        headers=headers,
        json={"query": IMPORT, "variables": {"input": {"file": "MT940 text"}}},
    )
    assert as_json.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


async def test_a_cookie_session_needs_the_csrf_header_to_upload(staff: httpx.AsyncClient) -> None:
    refused = await staff.post("/graphql", **_multipart(MT940))
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await BankStatement.all().count() == 0
    token = re.search(r'name="csrf-token" content="([^"]+)"', (await staff.get(PAGE)).text)
    assert token
    allowed = await staff.post("/graphql", headers={"x-csrf-token": token[1]}, **_multipart(MT940))
    assert allowed.status_code == 200, allowed.text
    assert allowed.json()["data"]["importBankStatement"]["imported"] == 5


@pytest.mark.parametrize(
    ("fields", "status"),
    [
        ({"operations": "{", "map": "{}"}, 400),
        (
            {"operations": json.dumps({"query": IMPORT}), "map": '{"0": ["variables.input.file"]}'},
            400,
        ),
        ({"operations": json.dumps({"query": IMPORT}), "map": '{"9": ["x"]}'}, 400),
        ({"operations": "[]", "map": "{}"}, 400),
    ],
    ids=["bad-json", "file-missing", "bad-path", "batch"],
)
async def test_a_malformed_multipart_request_is_a_clear_400(
    http: httpx.AsyncClient, fields: dict[str, str], status: int
) -> None:
    headers = await _bearer(http)
    answer = await http.post("/graphql", headers=headers, data=fields, files={"x": ("a", b"a")})
    assert answer.status_code == status, answer.text
    assert answer.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
