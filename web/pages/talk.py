"""The public failure report (`/awaria`), the public list of failures and planned
outages (`/awarie-i-wylaczenia`), and staff's pages for both: the reports
(`/obsluga/awarie`) and the announcements they publish (`/obsluga/komunikaty`).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from models.errors import PhotoTooLarge
from models.rules import talk as rules
from models.services.talk import photo_path
from web.forms import FormErrors, errors_from_user_errors, form_response
from web.gql import run_operation
from web.pages._account import staff_page
from web.rendering import render, url_with
from web.upload_forms import read_upload_form, uploaded_file

__all__ = ["routes"]

WARSAW = ZoneInfo("Europe/Warsaw")
REPORT_TEMPLATE = "talk/report.html"
ANNOUNCEMENTS_TEMPLATE = "staff/announcements.html"
# Text fields are cut one character past the rule's limit, so the API says "too long".
REPORT_FIELDS = {
    "address": rules.ADDRESS_MAX + 1,
    "description": rules.DESCRIPTION_MAX + 1,
    "contactPhone": 32,
    "contactEmail": rules.EMAIL_MAX,
}
# The photo and, generously, the text fields and the multipart framing around them.
BODY_LIMIT = rules.PHOTO_MAX_BYTES + 64 * 1024
PAGE_SIZE = 20
ANNOUNCEMENT_KINDS = (
    ("PLANNED_OUTAGE", "Planowana przerwa w dostawie wody"),
    ("FAILURE", "Awaria"),
    ("NEWS", "Informacja"),
    ("PRODUCT", "Usługa"),
    ("PROMOTION", "Promocja"),
)


def _text(form: Any, name: str, limit: int) -> str:
    return str(form.get(name) or "").strip()[:limit]


# --- the public failure report -----------------------------------------------------------


async def report_page(request: Request) -> Response:
    number = request.query_params.get("numer", "")[:32]
    if number:
        return render(request, "talk/reported.html", {"number": number})
    return form_response(request, REPORT_TEMPLATE, {"values": {}}, None)


async def report_submit(request: Request) -> Response:
    upload = await read_upload_form(request, BODY_LIMIT)
    try:
        form = upload.form
        values = {name: _text(form, name, limit) for name, limit in REPORT_FIELDS.items()}
        if upload.too_large:
            errors = FormErrors()
            megabytes = rules.PHOTO_MAX_BYTES // (1024 * 1024)
            errors.add("photo", PhotoTooLarge("photo", megabytes=megabytes).message("pl"))
            return form_response(request, REPORT_TEMPLATE, {"values": values}, errors)
        variables = {
            "input": {
                "address": values["address"],
                "description": values["description"],
                "contactPhone": values["contactPhone"] or None,
                "contactEmail": values["contactEmail"] or None,
                "photo": uploaded_file(form, "photo"),
            }
        }
        payload = (await run_operation(request, "ReportFailurePage", variables))["reportFailure"]
    finally:
        await upload.close()
    if payload["errors"]:
        errors = errors_from_user_errors(payload["errors"])
        return form_response(request, REPORT_TEMPLATE, {"values": values}, errors)
    number = payload["report"]["number"]
    return RedirectResponse(url_with("/awaria", numer=number), status_code=303)


# --- the public outage list --------------------------------------------------------------


async def outages_page(request: Request) -> Response:
    data = await run_operation(request, "OutagesPage")
    return render(
        request, "talk/outages.html", {"failures": data["failures"], "outages": data["outages"]}
    )


# --- staff: failure reports --------------------------------------------------------------


@staff_page
async def staff_reports(request: Request) -> Response:
    after = request.query_params.get("po", "").strip()[:64] or None
    data = await run_operation(request, "StaffFailureReports", {"first": PAGE_SIZE, "after": after})
    reports = data["failureReports"]
    next_url = None
    if reports["pageInfo"]["hasNextPage"]:
        next_url = url_with("/obsluga/awarie", po=reports["pageInfo"]["endCursor"])
    context = {
        "reports": reports,
        "next_url": next_url,
        "done": request.query_params.get("zrobione", "")[:32],
    }
    return render(request, "staff/failure_reports.html", context)


@staff_page
async def staff_mark_handled(request: Request) -> Response:
    report_id = str(request.path_params["id"])[:64]
    payload = (await run_operation(request, "MarkFailureHandledPage", {"id": report_id}))[
        "markFailureReportHandled"
    ]
    if payload["errors"]:
        raise HTTPException(404, "Nie ma takiego zgłoszenia.")
    number = payload["report"]["number"]
    return RedirectResponse(url_with("/obsluga/awarie", zrobione=number), status_code=303)


@staff_page
async def staff_report_photo(request: Request) -> Response:
    report_id = str(request.path_params["id"])[:64]
    data = await run_operation(request, "StaffFailurePhoto", {"id": report_id})
    report = data["failureReport"]
    upload_dir: Path = request.app.state.settings.upload_dir
    path = photo_path(upload_dir, report["photoName"]) if report and report["photoName"] else None
    if report is None or path is None:
        raise HTTPException(404, "To zgłoszenie nie ma zdjęcia.")
    extension = path.suffix
    name = "zdjecie-" + report["number"].replace("/", "-") + extension
    return FileResponse(
        path,
        media_type=report["photoType"] or "application/octet-stream",
        filename=name,
        content_disposition_type="attachment",
        headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"},
    )


# --- staff: announcements ----------------------------------------------------------------


def parse_local_datetime(text: str) -> datetime | None:
    """ "2026-11-21T08:00" (a datetime-local field) or "21.11.2026 08:00", Warsaw time;
    empty -> None; nonsense -> ValueError."""
    text = text.strip()
    if not text:
        return None
    for pattern in ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M", "%d.%m.%Y, %H:%M"):
        try:
            moment = datetime.strptime(text, pattern)
        except ValueError:
            continue
        if not 1900 <= moment.year <= 2199:
            raise ValueError(text)
        return moment.replace(tzinfo=WARSAW)
    raise ValueError(text)


async def _announcements_page(
    request: Request, values: dict[str, str] | None = None, errors: FormErrors | None = None
) -> Response:
    after = request.query_params.get("po", "").strip()[:64] or None
    data = await run_operation(request, "StaffAnnouncements", {"first": PAGE_SIZE, "after": after})
    history = data["announcementHistory"]
    now = request.app.state.clock.now()
    rows = []
    for edge in history["edges"]:
        node = edge["node"]
        valid_to = datetime.fromisoformat(node["validTo"]) if node["validTo"] else None
        rows.append({**node, "current": valid_to is None or valid_to >= now})
    next_url = None
    if history["pageInfo"]["hasNextPage"]:
        next_url = url_with("/obsluga/komunikaty", po=history["pageInfo"]["endCursor"])
    context = {
        "announcements": rows,
        "total": history["totalCount"],
        "next_url": next_url,
        "kinds": ANNOUNCEMENT_KINDS,
        "values": values or {"kind": "PLANNED_OUTAGE"},
        "published": request.query_params.get("opublikowano") == "1",
    }
    return form_response(request, ANNOUNCEMENTS_TEMPLATE, context, errors)


@staff_page
async def staff_announcements(request: Request) -> Response:
    return await _announcements_page(request)


@staff_page
async def staff_publish(request: Request) -> Response:
    form = request.state.form
    values = {
        "kind": _text(form, "kind", 32),
        "title": _text(form, "title", rules.TITLE_MAX + 1),
        "body": str(form.get("body") or "").strip()[: rules.BODY_MAX + 1],
        "validFrom": _text(form, "validFrom", 32),
        "validTo": _text(form, "validTo", 32),
    }
    errors = FormErrors()
    if values["kind"] not in dict(ANNOUNCEMENT_KINDS):
        errors.add("kind", "Wybierz rodzaj komunikatu.")
    moments: dict[str, datetime | None] = {}
    for name, what in (("validFrom", "początku"), ("validTo", "końca")):
        try:
            moments[name] = parse_local_datetime(values[name])
        except ValueError:
            errors.add(name, f"Wpisz datę i godzinę {what} ważności, np. 21.11.2026 08:00.")
    if errors:
        return await _announcements_page(request, values, errors)
    variables = {
        "input": {
            "kind": values["kind"],
            "title": values["title"],
            "body": values["body"],
            "validFrom": m.isoformat() if (m := moments["validFrom"]) else None,
            "validTo": m.isoformat() if (m := moments["validTo"]) else None,
        }
    }
    payload = (await run_operation(request, "PublishAnnouncementPage", variables))[
        "publishAnnouncement"
    ]
    if payload["errors"]:
        return await _announcements_page(
            request, values, errors_from_user_errors(payload["errors"])
        )
    return RedirectResponse("/obsluga/komunikaty?opublikowano=1", status_code=303)


routes: list[BaseRoute] = [
    Route("/awaria", report_page, methods=["GET"], name="failure_report"),
    Route("/awaria", report_submit, methods=["POST"], name="failure_report_submit"),
    Route("/awarie-i-wylaczenia", outages_page, methods=["GET"], name="outages"),
    Route("/obsluga/awarie", staff_reports, methods=["GET"], name="staff_failure_reports"),
    Route(
        "/obsluga/awarie/{id}/zalatwione",
        staff_mark_handled,
        methods=["POST"],
        name="staff_failure_handled",
    ),
    Route(
        "/obsluga/awarie/{id}/zdjecie",
        staff_report_photo,
        methods=["GET"],
        name="staff_failure_photo",
    ),
    Route("/obsluga/komunikaty", staff_announcements, methods=["GET"], name="staff_announcements"),
    Route("/obsluga/komunikaty", staff_publish, methods=["POST"], name="staff_publish"),
]
