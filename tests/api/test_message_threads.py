"""Message threads: a customer writes (with files), staff answer from the inbox, and
nobody else reads the thread or its attachments."""

from __future__ import annotations

import io
import json
import tracemalloc
import zipfile
from pathlib import Path

import httpx
import pytest
from strawberry import relay

from models.clock import Clock
from models.orm import Attachment, AuditEntry, Message, MessageThread, OutboxEmail
from models.rules.totp import totp_at
from models.settings import Settings
from tests.support import Api

pytestmark = pytest.mark.usefixtures("demo")

SEND = """mutation($input: SendMessageInput!) { sendMessage(input: $input) {
  thread { id number status answerDue category messages { author body
    attachments { id filename contentType size url } } }
  errors { field code message } } }"""
REPLY = """mutation($input: ReplyInput!) { reply(input: $input) {
  thread { status messages { author body } } errors { field code message } } }"""
CLOSE = (
    """mutation($id: ID!) { closeThread(id: $id) { thread { status } errors { field code } } }"""
)
INBOX = """query($status: ThreadStatus) { inbox(status: $status, first: 50) {
  totalCount edges { node { number subject status answerDue respondBy } } } }"""
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 2000


@pytest.fixture
def settings(db: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=db, secret_key="test-secret", env="test", upload_dir=tmp_path / "uploads"
    )


def _stored(settings: Settings) -> list[Path]:
    folder = settings.upload_dir / "attachments"
    return sorted(folder.iterdir()) if folder.exists() else []


async def _account_id(api: Api, login: str = "jan.kowalski", number: str = "100001") -> str:
    data = await api.data(f'{{ account(number: "{number}") {{ id }} }}', as_user=login)
    return str(data["account"]["id"])


async def _send(api: Api, category: str = "COMPLAINT", **overrides: object) -> dict:
    fields = {
        "accountId": await _account_id(api),
        "subject": "Za wysoka faktura",
        "category": category,
        "body": "Proszę o sprawdzenie odczytu.",
        **overrides,
    }
    result = await api.data(SEND, {"input": fields}, as_user="jan.kowalski")
    return result["sendMessage"]


def _otp() -> str:
    return totp_at("JBSWY3DPEHPK3PXP", Clock.real_now())


async def _bearer(http: httpx.AsyncClient, login: str, password: str) -> dict[str, str]:
    query = """mutation($login: String!, $password: String!, $otp: String) {
      issueToken(input: {login: $login, password: $password, otp: $otp}) { token } }"""
    variables = {"login": login, "password": password, "otp": _otp()}
    answer = await http.post("/graphql", json={"query": query, "variables": variables})
    return {"authorization": f"Bearer {answer.json()['data']['issueToken']['token']}"}


async def _customer(http: httpx.AsyncClient) -> dict[str, str]:
    return await _bearer(http, "jan.kowalski", "Woda-Demo-2026!")


def _multipart(query: str, fields: dict, files: list[tuple[str, bytes]]) -> dict:
    variables = {"input": {**fields, "attachments": [None] * len(files)}}
    return {
        "data": {
            "operations": json.dumps({"query": query, "variables": variables}),
            "map": json.dumps(
                {str(i): [f"variables.input.attachments.{i}"] for i in range(len(files))}
            ),
        },
        "files": {
            str(i): (name, content, "application/octet-stream")
            for i, (name, content) in enumerate(files)
        },
    }


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


async def test_a_complaint_gets_a_number_a_14_day_deadline_and_tells_the_office(
    api: Api,
) -> None:
    sent = await _send(api)
    assert sent["errors"] == []
    thread = sent["thread"]
    assert thread["number"].startswith("W/2026/")
    assert thread["status"] == "OPEN"
    assert thread["answerDue"] == "2026-12-05"  # sent 21.11.2026 + 14 days
    mail = await OutboxEmail.get(to_address=api.settings.utility.email)
    assert thread["number"] in mail.subject and "Reklamacja" in mail.subject
    assert "Proszę o sprawdzenie odczytu." in mail.body_text
    assert await AuditEntry.filter(action="MESSAGE_THREAD_STARTED").count() == 1


async def test_a_staff_reply_answers_the_thread_and_tells_the_customer(api: Api) -> None:
    thread = (await _send(api, "QUESTION"))["thread"]
    assert thread["answerDue"] is None
    replied = await api.data(
        REPLY, {"input": {"threadId": thread["id"], "body": "Sprawdzimy."}}, as_user="obsluga"
    )
    assert replied["reply"]["thread"]["status"] == "ANSWERED"
    assert [m["author"] for m in replied["reply"]["thread"]["messages"]] == ["CUSTOMER", "STAFF"]
    mails = await OutboxEmail.filter(subject__contains="Odpowiedź w sprawie")
    assert mails and all(thread["number"] in m.subject for m in mails)
    again = await api.data(
        REPLY, {"input": {"threadId": thread["id"], "body": "Dziękuję."}}, as_user="jan.kowalski"
    )
    assert again["reply"]["thread"]["status"] == "OPEN"


async def test_a_closed_thread_takes_no_new_messages(api: Api) -> None:
    thread = (await _send(api))["thread"]
    customer_close = await api.run(CLOSE, {"id": thread["id"]}, as_user="jan.kowalski")
    assert customer_close.codes == ["FORBIDDEN"]
    closed = await api.data(CLOSE, {"id": thread["id"]}, as_user="obsluga")
    assert closed["closeThread"]["thread"]["status"] == "CLOSED"
    refused = await api.data(
        REPLY, {"input": {"threadId": thread["id"], "body": "Halo?"}}, as_user="jan.kowalski"
    )
    assert refused["reply"]["errors"][0]["field"] == "threadId"
    assert refused["reply"]["errors"][0]["code"] == "INVALID"
    assert await Message.filter(thread_id=relay.GlobalID.from_id(thread["id"]).node_id).count() == 1


async def test_the_inbox_lists_open_threads_first_by_their_deadline(api: Api) -> None:
    question = (await _send(api, "QUESTION", subject="Pytanie"))["thread"]
    request = (await _send(api, "REQUEST", subject="Wniosek"))["thread"]
    complaint = (await _send(api, "COMPLAINT", subject="Reklamacja"))["thread"]
    grievance = (await _send(api, "GRIEVANCE", subject="Skarga"))["thread"]
    await api.data(
        REPLY, {"input": {"threadId": grievance["id"], "body": "Odp."}}, as_user="obsluga"
    )
    data = await api.data(INBOX, as_user="obsluga")
    subjects = [e["node"]["subject"] for e in data["inbox"]["edges"]]
    # Open: the complaint (14 days), then the question and the request (30 days,
    # the older first); then the answered grievance.
    assert subjects == ["Reklamacja", "Pytanie", "Wniosek", "Skarga"]
    answered = await api.data(INBOX, {"status": "ANSWERED"}, as_user="obsluga")
    assert [e["node"]["number"] for e in answered["inbox"]["edges"]] == [grievance["number"]]
    assert question["number"] != request["number"] != complaint["number"]
    refused = await api.run(INBOX, as_user="jan.kowalski")
    assert refused.codes == ["FORBIDDEN"]


async def test_texts_are_checked(api: Api) -> None:
    empty = await _send(api, body="   ")
    assert [(e["field"], e["code"]) for e in empty["errors"]] == [("body", "REQUIRED")]
    long = await _send(api, body="x" * 5001)
    assert [(e["field"], e["code"]) for e in long["errors"]] == [("body", "INVALID")]
    assert await MessageThread.all().count() == 0


async def test_another_customer_can_neither_write_on_nor_read_a_thread(api: Api) -> None:
    thread = (await _send(api))["thread"]
    query = "query($id: ID!) { node(id: $id) { ... on MessageThread { subject } } }"
    assert (await api.data(query, {"id": thread["id"]}, as_user="wspolnota.lipowa"))["node"] is None
    mine = await api.data(query, {"id": thread["id"]}, as_user="jan.kowalski")
    assert mine["node"]["subject"] == "Za wysoka faktura"
    reply = await api.data(
        REPLY, {"input": {"threadId": thread["id"], "body": "x"}}, as_user="wspolnota.lipowa"
    )
    assert reply["reply"]["errors"][0]["code"] == "NOT_FOUND"
    foreign = await api.data(
        SEND,
        {
            "input": {
                "accountId": await _account_id(api),
                "subject": "s",
                "category": "QUESTION",
                "body": "b",
            }
        },
        as_user="wspolnota.lipowa",
    )
    assert foreign["sendMessage"]["errors"][0]["code"] == "NOT_FOUND"


async def test_a_partner_app_sends_files_as_a_multipart_upload(
    http: httpx.AsyncClient, api: Api, settings: Settings
) -> None:
    headers = await _customer(http)
    fields = {
        "accountId": await _account_id(api),
        "subject": "Zdjęcie licznika",
        "category": "COMPLAINT",
        "body": "W załączeniu zdjęcie i pismo.",
    }
    files = [("licznik.png", PNG), ("pismo.pdf", PDF), ("wniosek.docx", _docx())]
    answer = await http.post("/graphql", headers=headers, **_multipart(SEND, fields, files))
    payload = answer.json()["data"]["sendMessage"]
    assert payload["errors"] == []
    attachments = payload["thread"]["messages"][0]["attachments"]
    assert [(a["filename"], a["contentType"]) for a in attachments] == [
        ("licznik.png", "image/png"),
        ("pismo.pdf", "application/pdf"),
        (
            "wniosek.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    ]
    assert len(_stored(settings)) == 3
    # The owner downloads it with the same token, as an attachment, never sniffed.
    download = await http.get(attachments[1]["url"], headers=headers)
    assert download.status_code == 200
    assert download.content == PDF
    assert download.headers["content-disposition"].startswith("attachment;")
    assert 'filename="pismo.pdf"' in download.headers["content-disposition"]
    assert download.headers["x-content-type-options"] == "nosniff"
    # Another customer: 404, the same as an attachment that does not exist.
    other = await _bearer(http, "wspolnota.lipowa", "Woda-Demo-2026!")
    assert (await http.get(attachments[1]["url"], headers=other)).status_code == 404
    assert (await http.get("/wiadomosci/zalaczniki/999999", headers=other)).status_code == 404
    query = "query($id: ID!) { node(id: $id) { ... on Attachment { filename } } }"
    gid = attachments[1]["id"]
    assert (await api.data(query, {"id": gid}, as_user="wspolnota.lipowa"))["node"] is None
    assert (await api.data(query, {"id": gid}, as_user="obsluga"))["node"] is not None


@pytest.mark.parametrize(
    ("files", "code"),
    [
        (
            [("ok.pdf", PDF), ("program.pdf", b"MZ\x90\x00" + b"\x00" * 500)],
            "ATTACHMENT_TYPE_NOT_ALLOWED",
        ),
        ([("strona.zip", b"PK\x03\x04" + b"\x00" * 100)], "ATTACHMENT_TYPE_NOT_ALLOWED"),
        ([("duzy.pdf", PDF + b"0" * (10 * 1024 * 1024))], "ATTACHMENT_TOO_LARGE"),
        ([(f"{i}.pdf", PDF) for i in range(6)], "INVALID"),
    ],
)
async def test_a_refused_file_stores_nothing(
    http: httpx.AsyncClient, api: Api, settings: Settings, files: list, code: str
) -> None:
    fields = {
        "accountId": await _account_id(api),
        "subject": "Pliki",
        "category": "QUESTION",
        "body": "Treść.",
    }
    headers = await _customer(http)
    answer = await http.post("/graphql", headers=headers, **_multipart(SEND, fields, files))
    payload = answer.json()["data"]["sendMessage"]
    assert payload["thread"] is None
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("attachments", code)]
    assert await MessageThread.all().count() == 0
    assert await Message.all().count() == 0
    assert await Attachment.all().count() == 0
    assert _stored(settings) == []
    assert await OutboxEmail.all().count() == 0


async def test_a_session_without_the_csrf_header_may_not_upload(
    signed_in: httpx.AsyncClient, api: Api
) -> None:
    fields = {"accountId": await _account_id(api), "subject": "s", "category": "QUESTION",
              "body": "b"}  # fmt: skip
    refused = await signed_in.post("/graphql", **_multipart(SEND, fields, [("a.pdf", PDF)]))
    assert refused.status_code == 403
    assert await MessageThread.all().count() == 0


async def test_an_oversized_multipart_body_is_refused_while_it_streams(
    http: httpx.AsyncClient, api: Api, settings: Settings
) -> None:
    headers = await _customer(http)
    limits = settings.attachments
    whole = limits.per_message * limits.max_bytes + 2 * 1024 * 1024
    fields = {"accountId": await _account_id(api), "subject": "s", "category": "QUESTION",
              "body": "b"}  # fmt: skip
    operations = {"query": SEND, "variables": {"input": {**fields, "attachments": [None]}}}
    boundary = "granica0123456789"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="operations"\r\n\r\n'
        f"{json.dumps(operations)}\r\n"
        f'--{boundary}\r\nContent-Disposition: form-data; name="map"\r\n\r\n'
        '{"0": ["variables.input.attachments.0"]}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="0"; filename="a.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n%PDF-1.7\n"
    )
    sent = 0

    async def body():  # no Content-Length: the limit must hold while reading
        nonlocal sent
        yield head.encode()
        chunk = b"\x00" * 64 * 1024
        while sent < whole:
            sent += len(chunk)
            yield chunk
        yield f"\r\n--{boundary}--\r\n".encode()

    tracemalloc.start()
    try:
        answer = await http.post(
            "/graphql",
            content=body(),
            headers={**headers, "content-type": f"multipart/form-data; boundary={boundary}"},
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert answer.status_code == 413
    assert peak < 3 * 1024 * 1024, peak
    assert await MessageThread.all().count() == 0
    assert _stored(settings) == []
