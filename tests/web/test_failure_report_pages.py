"""/awaria, /awarie-i-wylaczenia and staff's /obsluga/awarie and /obsluga/komunikaty,
without JavaScript: plain form posts, errors beside fields, CSRF, the photo's limits."""

from __future__ import annotations

import base64
import re
import tracemalloc
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from models.clock import Clock
from models.enums import AnnouncementKind
from models.orm import Announcement, FailureReport, OutboxEmail
from models.rules.talk import PHOTO_MAX_BYTES, REPORTS_PER_HOUR
from models.rules.totp import totp_at
from models.settings import Settings
from web.app import create_app

pytestmark = pytest.mark.usefixtures("demo")

FIELDS = {
    "address": "ul. Lipowa 12",
    "description": "Woda wypływa spod studzienki.",
    "contactPhone": "600 100 200",
    "contactEmail": "",
}
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 4000
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n" + b"0" * 4000


def _csrf(html: str) -> str:
    token = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert token, html[:300]
    return token[1]


def _files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


@pytest.fixture
def uploads(tmp_path: Path) -> Path:
    return tmp_path / "uploads"


@pytest.fixture
async def web(settings: Settings, clock: Clock, uploads: Path) -> AsyncIterator[httpx.AsyncClient]:
    """The app with its upload folder in a temporary directory."""
    local = Settings(
        database_url=settings.database_url,
        secret_key=settings.secret_key,
        env="test",
        upload_dir=uploads,
    )
    app = create_app(local, clock, manage_database=False)
    transport = httpx.ASGITransport(app=app, client=("203.0.113.9", 4000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


async def _post_report(
    web: httpx.AsyncClient, photo: tuple[str, bytes, str] | None = None, **change: str
) -> httpx.Response:
    token = _csrf((await web.get("/awaria")).text)
    files = {"photo": photo} if photo else {"photo": ("", b"", "application/octet-stream")}
    data = {"csrf_token": token, **FIELDS, **change}
    return await web.post("/awaria", data=data, files=files)


async def _as_staff(web: httpx.AsyncClient) -> None:
    token = _csrf((await web.get("/login")).text)
    otp = totp_at("JBSWY3DPEHPK3PXP", Clock.real_now())
    data = {"login": "obsluga", "password": "Obsluga-Demo-2026!", "otp": otp, "csrf_token": token}
    assert (await web.post("/login", data=data)).status_code == 303


async def test_the_emergency_number_comes_before_the_form(web: httpx.AsyncClient) -> None:
    page = await web.get("/awaria")
    assert page.status_code == 200
    html = page.text
    main = html[html.index("<main") :]
    assert main.index("994") < main.index("<form")
    assert "Formularz nie zastąpi telefonu" in html


async def test_a_report_without_signing_in_gets_a_number(
    web: httpx.AsyncClient, uploads: Path
) -> None:
    answer = await _post_report(web, ("awaria.jpg", JPEG, "image/jpeg"))
    assert answer.status_code == 303, answer.text[:500]
    receipt = await web.get(answer.headers["location"])
    report = await FailureReport.get()
    assert re.search(r"AW/2026/0*" + str(report.id), receipt.text)
    assert report.photo_key and report.photo_type == "image/jpeg"
    assert [p.name for p in _files(uploads)] == [report.photo_key]
    assert await OutboxEmail.filter(key=f"failure-reported:{report.id}").exists()


async def test_errors_are_shown_beside_the_fields(web: httpx.AsyncClient) -> None:
    answer = await _post_report(web, address=" ", contactEmail="nie-email")
    assert answer.status_code == 422
    assert 'id="address-error"' in answer.text
    # The first field at fault is named (the API stops at the first).
    assert "Woda wypływa spod studzienki." in answer.text  # what was typed stays
    answer = await _post_report(web, contactEmail="nie-email")
    assert answer.status_code == 422
    assert 'id="contactEmail-error"' in answer.text
    assert await FailureReport.all().count() == 0


async def test_a_pdf_named_jpg_is_refused_by_its_content(
    web: httpx.AsyncClient, uploads: Path
) -> None:
    answer = await _post_report(web, ("zdjecie.jpg", PDF, "image/jpeg"))
    assert answer.status_code == 422
    assert 'id="photo-error"' in answer.text
    assert "JPEG, PNG albo HEIC" in answer.text
    assert await FailureReport.all().count() == 0
    assert _files(uploads) == []


def _chunks(total: int, size: int = 64 * 1024) -> Iterator[bytes]:
    chunk = b"\xff" * size
    for _ in range(total // size):
        yield chunk


async def test_an_oversized_photo_is_refused_while_it_arrives(
    web: httpx.AsyncClient, uploads: Path
) -> None:
    token = _csrf((await web.get("/awaria")).text)
    boundary = "granica0123456789"
    head = "".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in {"csrf_token": token, **FIELDS}.items()
    )
    head += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="photo"; filename="duze.jpg"\r\n'
        "Content-Type: image/jpeg\r\n\r\n"
    )
    upload_size = 4 * PHOTO_MAX_BYTES
    sent = 0

    async def body() -> AsyncIterator[bytes]:
        nonlocal sent
        yield head.encode()
        yield b"\xff\xd8\xff\xe0"
        for chunk in _chunks(upload_size):
            sent += len(chunk)
            yield chunk
        yield f"\r\n--{boundary}--\r\n".encode()

    tracemalloc.start()
    try:
        answer = await web.post(
            "/awaria",
            content=body(),
            headers={"content-type": f"multipart/form-data; boundary={boundary}"},
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert answer.status_code == 422
    assert 'id="photo-error"' in answer.text and "10 MB" in answer.text
    assert "ul. Lipowa 12" in answer.text  # the fields before the photo are kept
    assert await FailureReport.all().count() == 0
    assert _files(uploads) == []
    # Far below what was sent: the server held at most its spool, not the upload.
    assert peak < upload_size // 10, peak
    assert sent < upload_size  # the app stopped reading (the client stopped sending)


async def test_the_form_cannot_flood_the_office(web: httpx.AsyncClient) -> None:
    for _ in range(REPORTS_PER_HOUR):
        assert (await _post_report(web)).status_code == 303
    refused = await _post_report(web)
    assert refused.status_code == 422
    assert "Z tego adresu wysłano już wiele zgłoszeń" in refused.text
    assert await FailureReport.all().count() == REPORTS_PER_HOUR
    assert await OutboxEmail.filter(key__startswith="failure-reported:").count() == (
        REPORTS_PER_HOUR
    )


async def test_a_forged_report_is_refused(web: httpx.AsyncClient) -> None:
    await web.get("/awaria")
    answer = await web.post(
        "/awaria", data={**FIELDS, "csrf_token": "forged"}, files={"photo": ("a.jpg", JPEG)}
    )
    assert answer.status_code == 403
    answer = await web.post("/awaria", data=FIELDS, headers={"origin": "https://evil.example"})
    assert answer.status_code == 403
    assert await FailureReport.all().count() == 0


async def test_staff_see_reports_download_the_photo_and_mark_them_handled(
    web: httpx.AsyncClient,
) -> None:
    await _post_report(web, ("awaria.jpg", JPEG, "image/jpeg"))
    report = await FailureReport.get()
    # The public is sent to sign in (customers get 403, tested below).
    photo_url = f"/obsluga/awarie/{report_global_id(report.id)}/zdjecie"
    assert (await web.get(photo_url, follow_redirects=False)).status_code in (302, 303)
    await _as_staff(web)
    page = await web.get("/obsluga/awarie")
    assert page.status_code == 200
    assert "ul. Lipowa 12" in page.text and "600 100 200" in page.text
    assert photo_url in page.text
    photo = await web.get(photo_url)
    assert photo.status_code == 200
    assert photo.content == JPEG
    assert photo.headers["content-disposition"].startswith("attachment;")
    assert photo.headers["content-type"] == "image/jpeg"
    token = _csrf(page.text)
    done = await web.post(
        f"/obsluga/awarie/{report_global_id(report.id)}/zalatwione", data={"csrf_token": token}
    )
    assert done.status_code == 303
    await report.refresh_from_db()
    assert report.handled_at is not None
    missing = await web.get(f"/obsluga/awarie/{report_global_id(report.id + 1)}/zdjecie")
    assert missing.status_code == 404


def report_global_id(pk: int) -> str:
    return base64.b64encode(f"FailureReport:{pk}".encode()).decode()


async def test_customers_cannot_open_the_staff_pages(signed_in: httpx.AsyncClient) -> None:
    photo = f"/obsluga/awarie/{report_global_id(1)}/zdjecie"
    for path in ("/obsluga/awarie", "/obsluga/komunikaty", photo):
        assert (await signed_in.get(path)).status_code == 403


async def test_staff_publish_an_outage_the_public_and_the_street_see(
    web: httpx.AsyncClient, clock: Clock
) -> None:
    await _as_staff(web)
    page = await web.get("/obsluga/komunikaty")
    token = _csrf(page.text)
    bad = {
        "csrf_token": token,
        "kind": "PLANNED_OUTAGE",
        "title": "Wyłączenie wody",
        "body": "Wymiana zasuwy na ulicy Lipowej.",
        "validFrom": "2026-11-25T08:00",
        "validTo": "2026-11-24T08:00",
    }
    refused = await web.post("/obsluga/komunikaty", data=bad)
    assert refused.status_code == 422
    assert 'id="validTo-error"' in refused.text
    nonsense = await web.post("/obsluga/komunikaty", data={**bad, "validFrom": "jutro"})
    assert 'id="validFrom-error"' in nonsense.text
    done = await web.post("/obsluga/komunikaty", data={**bad, "validTo": "2026-11-25T16:00"})
    assert done.status_code == 303
    row = await Announcement.get(title="Wyłączenie wody")
    assert row.kind == AnnouncementKind.PLANNED_OUTAGE
    assert row.valid_from is not None and row.valid_to - row.valid_from == timedelta(hours=8)
    listed = await web.get("/obsluga/komunikaty")
    assert "Wymiana zasuwy" in listed.text
    public = await httpx.AsyncClient(transport=web._transport, base_url="http://testserver").get(
        "/awarie-i-wylaczenia"
    )
    assert public.status_code == 200
    assert "Wymiana zasuwy na ulicy Lipowej." in public.text
    home = await web.get("/")
    assert "/awarie-i-wylaczenia" in home.text


async def test_an_outage_on_the_customers_street_comes_first_on_the_dashboard(
    signed_in: httpx.AsyncClient, clock: Clock
) -> None:
    now = clock.now()
    for title in ("Nowe godziny kasy", "Awaria wodociągu na ulicy Słonecznej"):
        kind = AnnouncementKind.NEWS if "kasy" in title else AnnouncementKind.FAILURE
        await Announcement.create(
            kind=kind,
            title=title,
            body="Szczegóły w komunikacie.",
            published_at=now - timedelta(minutes=5 if "kasy" in title else 50),
            valid_to=now + timedelta(hours=4),
        )
    page = (await signed_in.get("/konto")).text
    section = page[page.index('id="komunikaty"') :]
    assert section.index("Słonecznej") < section.index("Nowe godziny kasy")
    assert "news-brief__item--own-street" in section
    assert section.count("Dotyczy Twojej ulicy") == 1  # the demo's Lipowa outage is not his
