"""/wiadomosci and /obsluga/wiadomosci without JavaScript: plain form posts with files,
errors beside the fields, downloads only for the thread's customer and staff, and an
oversized upload refused while it arrives."""

from __future__ import annotations

import re
import tracemalloc
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from models.clock import Clock
from models.orm import Attachment, Message, MessageThread, OutboxEmail
from models.rules.totp import totp_at
from models.settings import Settings
from web.app import create_app

pytestmark = pytest.mark.usefixtures("demo")

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 4000
TEXT = "Odczyt z 20.11: 123,4 m³.\nZażółć gęślą jaźń.\n".encode()
FIELDS = {"category": "COMPLAINT", "subject": "Za wysoka faktura", "body": "Proszę sprawdzić."}
MB = 1024 * 1024


def _csrf(html: str) -> str:
    token = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert token, html[:300]
    return token[1]


def _files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


@pytest.fixture
def uploads(tmp_path: Path) -> Path:
    return tmp_path / "uploads"


def _app_settings(settings: Settings, uploads: Path) -> Settings:
    return Settings(
        database_url=settings.database_url,
        secret_key=settings.secret_key,
        env="test",
        upload_dir=uploads,
    )


async def _client(settings: Settings, clock: Clock) -> httpx.AsyncClient:
    app = create_app(settings, clock, manage_database=False)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


async def _sign_in(web: httpx.AsyncClient, login: str, password: str, otp: bool = False) -> None:
    token = _csrf((await web.get("/login")).text)
    data = {"login": login, "password": password, "csrf_token": token}
    if otp:
        data["otp"] = totp_at("JBSWY3DPEHPK3PXP", Clock.real_now())
    assert (await web.post("/login", data=data)).status_code == 303


@pytest.fixture
async def web(settings: Settings, clock: Clock, uploads: Path) -> AsyncIterator[httpx.AsyncClient]:
    """jan.kowalski, signed in, with the upload folder in a temporary directory."""
    async with await _client(_app_settings(settings, uploads), clock) as client:
        await _sign_in(client, "jan.kowalski", "Woda-Demo-2026!")
        yield client


@pytest.fixture
async def staff(
    settings: Settings, clock: Clock, uploads: Path
) -> AsyncIterator[httpx.AsyncClient]:
    async with await _client(_app_settings(settings, uploads), clock) as client:
        await _sign_in(client, "obsluga", "Obsluga-Demo-2026!", otp=True)
        yield client


@pytest.fixture
async def neighbour(
    settings: Settings, clock: Clock, uploads: Path
) -> AsyncIterator[httpx.AsyncClient]:
    async with await _client(_app_settings(settings, uploads), clock) as client:
        await _sign_in(client, "wspolnota.lipowa", "Woda-Demo-2026!")
        yield client


async def _send(
    web: httpx.AsyncClient, files: list[tuple[str, bytes, str]] | None = None, **change: str
) -> httpx.Response:
    token = _csrf((await web.get("/wiadomosci")).text)
    chosen = [("attachments", f) for f in files] if files else [
        ("attachments", ("", b"", "application/octet-stream"))
    ]  # fmt: skip
    data = {"csrf_token": token, **FIELDS, **change}
    return await web.post("/wiadomosci", data=data, files=chosen)


async def test_a_complaint_with_files_is_sent_and_shown_with_its_deadline(
    web: httpx.AsyncClient, uploads: Path
) -> None:
    page = await web.get("/wiadomosci")
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.text
    assert '<label class="label" for="attachments">' in page.text
    files = [("licznik.png", PNG, "image/png"), ("odczyt.txt", TEXT, "text/plain")]
    sent = await _send(web, files)
    assert sent.status_code == 303
    thread = await MessageThread.get()
    assert sent.headers["location"].startswith(f"/wiadomosci/{thread.id}?")
    view = await web.get(sent.headers["location"])
    assert view.status_code == 200
    assert "W/2026/" in view.text
    assert "Termin odpowiedzi" in view.text and "05.12.2026" in view.text
    assert "Pobierz załącznik licznik.png" in view.text
    assert len(_files(uploads)) == 2
    listing = await web.get("/wiadomosci")
    assert "Za wysoka faktura" in listing.text and "Otwarta" in listing.text
    attachment = await Attachment.get(filename="odczyt.txt")
    download = await web.get(f"/wiadomosci/zalaczniki/{attachment.id}")
    assert download.status_code == 200 and download.content == TEXT
    assert download.headers["x-content-type-options"] == "nosniff"
    assert download.headers["content-disposition"] == (
        "attachment; filename=\"odczyt.txt\"; filename*=UTF-8''odczyt.txt"
    )


async def test_a_script_in_a_message_is_shown_as_text(web: httpx.AsyncClient) -> None:
    script = '<script>alert("x")</script>'
    sent = await _send(web, subject=f"Temat {script}", body=f"Treść {script}")
    view = await web.get(sent.headers["location"])
    assert script not in view.text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in view.text


async def test_errors_are_shown_beside_the_fields_and_nothing_is_stored(
    web: httpx.AsyncClient, uploads: Path
) -> None:
    empty = await _send(web, body="   ")
    assert empty.status_code == 422
    assert 'id="body-error"' in empty.text
    assert "Za wysoka faktura" in empty.text  # what was typed stays
    program = await _send(web, [("faktura.pdf", b"MZ\x90\x00" + b"\x00" * 4000, "application/pdf")])
    assert program.status_code == 422
    assert 'id="attachments-error"' in program.text and "faktura.pdf" in program.text
    many = await _send(web, [(f"{i}.png", PNG, "image/png") for i in range(6)])
    assert many.status_code == 422
    assert 'id="attachments-error"' in many.text and "najwyżej 5 plików" in many.text
    assert await MessageThread.all().count() == 0
    assert await Attachment.all().count() == 0
    assert _files(uploads) == []


def _chunks(total: int, size: int = 64 * 1024) -> Iterator[bytes]:
    chunk = b"\x00" * size
    for _ in range(total // size):
        yield chunk


async def test_an_oversized_upload_is_refused_without_holding_it_in_memory(
    web: httpx.AsyncClient, uploads: Path
) -> None:
    token = _csrf((await web.get("/wiadomosci")).text)
    boundary = "granica0123456789"
    head = "".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in {"csrf_token": token, **FIELDS}.items()
    )
    head += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="attachments"; '
        'filename="skan.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
    )
    upload_size = 30 * MB
    sent = 0

    async def body() -> AsyncIterator[bytes]:
        nonlocal sent
        yield head.encode()
        yield b"%PDF-1.7\n"
        for chunk in _chunks(upload_size):
            sent += len(chunk)
            yield chunk
        yield f"\r\n--{boundary}--\r\n".encode()

    tracemalloc.start()
    try:
        answer = await web.post(
            "/wiadomosci",
            content=body(),
            headers={"content-type": f"multipart/form-data; boundary={boundary}"},
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert answer.status_code == 422
    assert 'id="attachments-error"' in answer.text and "10 MB" in answer.text
    assert "Za wysoka faktura" in answer.text  # the fields before the file are kept
    assert await MessageThread.all().count() == 0
    assert _files(uploads) == []
    # Far below what was sent: the server held at most its spool, not the upload.
    assert peak < 3 * MB, peak
    # One file past 10 MB stops the reading, long before the 30 MB were sent.
    assert sent < 11 * MB, sent


async def test_staff_answer_from_the_inbox_and_close_the_thread(
    web: httpx.AsyncClient, staff: httpx.AsyncClient
) -> None:
    await _send(web, category="QUESTION", subject="Pytanie o taryfę")
    await _send(web)
    thread = await MessageThread.get(subject="Za wysoka faktura")
    inbox = await staff.get("/obsluga/wiadomosci")
    assert inbox.status_code == 200
    # The complaint (14 days) comes before the question (30 days).
    assert inbox.text.index("Za wysoka faktura") < inbox.text.index("Pytanie o taryfę")
    assert "05.12.2026" in inbox.text
    home = await staff.get("/obsluga")
    assert "Otwarte wiadomości od klientów" in home.text
    page = await staff.get(f"/obsluga/wiadomosci/{thread.id}")
    assert page.status_code == 200 and "Proszę sprawdzić." in page.text
    token = _csrf(page.text)
    replied = await staff.post(
        f"/obsluga/wiadomosci/{thread.id}",
        data={"csrf_token": token, "body": "Sprawdziliśmy: odczyt jest poprawny."},
        files=[("attachments", ("protokol.png", PNG, "image/png"))],
    )
    assert replied.status_code == 303
    await thread.refresh_from_db()
    assert thread.status == "ANSWERED"
    mail = await OutboxEmail.filter(subject__contains="Odpowiedź w sprawie").first()
    assert mail is not None and "W/2026/" in mail.subject
    view = await web.get(f"/wiadomosci/{thread.id}")
    assert "Sprawdziliśmy: odczyt jest poprawny." in view.text
    assert "Pobierz załącznik protokol.png" in view.text
    # Staff download the customer's files and their own, as the customer does.
    for attachment in await Attachment.all():
        download = await staff.get(f"/wiadomosci/zalaczniki/{attachment.id}")
        assert download.status_code == 200
        assert download.headers["content-disposition"].startswith("attachment;")
    answered = await staff.get("/obsluga/wiadomosci?stan=ANSWERED")
    assert "Za wysoka faktura" in answered.text and "Pytanie o taryfę" not in answered.text
    closed = await staff.post(
        f"/obsluga/wiadomosci/{thread.id}/zamknij", data={"csrf_token": token}
    )
    assert closed.status_code == 303
    view = await web.get(f"/wiadomosci/{thread.id}")
    assert "Ta sprawa jest zamknięta" in view.text and 'name="body"' not in view.text
    token = _csrf(view.text)
    refused = await web.post(f"/wiadomosci/{thread.id}", data={"csrf_token": token, "body": "A?"})
    assert refused.status_code == 422
    assert "nie można już do niej pisać" in refused.text
    assert await Message.filter(thread_id=thread.id).count() == 2


async def test_another_customer_gets_404_for_the_thread_and_its_files(
    web: httpx.AsyncClient, neighbour: httpx.AsyncClient
) -> None:
    await _send(web, [("licznik.png", PNG, "image/png")])
    thread = await MessageThread.get()
    attachment = await Attachment.get()
    assert (await neighbour.get(f"/wiadomosci/{thread.id}")).status_code == 404
    assert (await neighbour.get(f"/wiadomosci/zalaczniki/{attachment.id}")).status_code == 404
    assert (await neighbour.get("/wiadomosci/zalaczniki/999999")).status_code == 404
    assert (await neighbour.get("/wiadomosci/zalaczniki/abc")).status_code == 404
    token = _csrf((await neighbour.get("/wiadomosci")).text)
    reply = await neighbour.post(
        f"/wiadomosci/{thread.id}", data={"csrf_token": token, "body": "x"}
    )
    assert reply.status_code == 404
    assert await Message.all().count() == 1
    # Customers do not reach staff's pages.
    assert (await web.get("/obsluga/wiadomosci")).status_code == 403


async def test_a_signed_out_browser_is_sent_to_sign_in(
    settings: Settings, clock: Clock, uploads: Path
) -> None:
    async with await _client(_app_settings(settings, uploads), clock) as anonymous:
        answer = await anonymous.get("/wiadomosci")
        assert answer.status_code in (302, 303)
        assert "/login" in answer.headers["location"]
