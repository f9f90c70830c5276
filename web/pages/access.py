"""Registration (`/rejestracja`), adding an account (`/konta/dodaj`) and the staff
back office (`/obsluga`, `/obsluga/rejestracje`, `/obsluga/konto/{number}`,
`/obsluga/dziennik`). Every page runs the same GraphQL operations a partner app
would; every form carries the CSRF token and comes back with its values and the
errors beside the fields when something is wrong.
"""

from __future__ import annotations

from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from web.csrf import read_form
from web.forms import (
    FormErrors,
    date_input_message,
    errors_from_user_errors,
    form_response,
    parse_date_input,
)
from web.gql import run_operation
from web.pages._account import customer_page, staff_page
from web.pages.readings import parse_register
from web.rendering import render, url_with

REGISTER_TEMPLATE = "access/register.html"
LINK_TEMPLATE = "access/add_account.html"
AUDIT_PAGE_SIZE = 50
SEARCH_PAGE_SIZE = 20
REGISTER_FIELDS = ("accountNumber", "invoiceNumber", "email", "login")


def _text(form: Any, name: str, limit: int = 254) -> str:
    """A form field as text, cut to what the API would take anyway."""
    return str(form.get(name) or "").strip()[:limit]


# --- registration ----------------------------------------------------------------------


async def register_page(request: Request) -> Response:
    if request.query_params.get("wyslano") == "1":
        return render(request, "access/registered.html")
    return form_response(request, REGISTER_TEMPLATE, {"values": {}}, None)


async def register_submit(request: Request) -> Response:
    form = await read_form(request)
    values = {name: _text(form, name) for name in REGISTER_FIELDS}
    values["accountNumber"] = values["accountNumber"][:16]
    values["invoiceNumber"] = values["invoiceNumber"][:32]
    values["login"] = values["login"][:64]
    accept_terms = form.get("acceptTerms") == "1"
    consent = form.get("consentDataProcessing") == "1"
    variables = {"input": {**values, "acceptTerms": accept_terms, "consentDataProcessing": consent}}
    data = await run_operation(request, "RegisterPage", variables)
    payload = data["register"]
    if not payload["errors"]:
        return RedirectResponse("/rejestracja?wyslano=1", status_code=303)
    shown = {
        **values,
        "acceptTerms": "1" if accept_terms else "",
        "consentDataProcessing": "1" if consent else "",
    }
    errors = errors_from_user_errors(payload["errors"])
    return form_response(request, REGISTER_TEMPLATE, {"values": shown}, errors)


# --- another account under the same login ------------------------------------------------


@customer_page
async def add_account_page(request: Request) -> Response:
    sent = request.query_params.get("wyslano", "")[:16]
    return form_response(request, LINK_TEMPLATE, {"values": {}, "sent": sent}, None)


async def add_account_submit(request: Request) -> Response:
    # The form's token first: a forged post is refused (403) even when signed out.
    await read_form(request)
    return await _add_account_submit(request)


@customer_page
async def _add_account_submit(request: Request) -> Response:
    form = await read_form(request)
    values = {
        "accountNumber": _text(form, "accountNumber", 16),
        "invoiceNumber": _text(form, "invoiceNumber", 32),
    }
    data = await run_operation(request, "RequestAccountLinkPage", {"input": values})
    payload = data["requestAccountLink"]
    if not payload["errors"]:
        number = payload["registration"]["accountNumber"]
        return RedirectResponse(url_with("/konta/dodaj", wyslano=number), status_code=303)
    errors = errors_from_user_errors(payload["errors"])
    return form_response(request, LINK_TEMPLATE, {"values": values, "sent": ""}, errors)


# --- the back office ---------------------------------------------------------------------


QUEUE_PAGES = {
    "REGISTRATIONS": ("Rejestracje i dodanie kont", "/obsluga/rejestracje"),
    "BILLING_CYCLE_REQUESTS": ("Wnioski o zmianę okresu rozliczeniowego", "/obsluga/wnioski"),
    "DATA_CHANGE_REQUESTS": ("Wnioski o zmianę danych", "/obsluga/wnioski#dane"),
    "READINGS_BLOCKED": ("Konta z wstrzymanym podawaniem odczytów", "/obsluga/odczyty"),
    "UNUSUAL_READINGS": ("Nietypowo wysokie odczyty", "/obsluga/odczyty#nietypowe"),
    "UNMATCHED_CREDITS": ("Wpływy z wyciągów do przypisania", "/obsluga/wyciagi/do-przypisania"),
    "MESSAGES": ("Otwarte wiadomości od klientów", "/obsluga/wiadomosci?stan=OPEN"),
}


@staff_page
async def staff_home(request: Request) -> Response:
    query = request.query_params.get("q", "").strip()[:100]
    after = request.query_params.get("po", "").strip()[:64] or None
    variables = {
        "query": query,
        "search": bool(query),
        "first": SEARCH_PAGE_SIZE,
        "after": after,
    }
    data = await run_operation(request, "StaffHome", variables)
    queues = [
        {"name": QUEUE_PAGES[q["name"]][0], "href": QUEUE_PAGES[q["name"]][1], "count": q["count"]}
        for q in data["staffQueues"]
        if q["name"] in QUEUE_PAGES
    ]
    results = data.get("searchAccounts")
    next_url = None
    if results and results["pageInfo"]["hasNextPage"]:
        next_url = url_with("/obsluga", q=query, po=results["pageInfo"]["endCursor"])
    context = {"queues": queues, "query": query, "results": results, "next_url": next_url}
    return render(request, "staff/home.html", context)


async def _registrations_page(
    request: Request, errors: FormErrors | None = None, values: dict[str, str] | None = None
) -> Response:
    data = await run_operation(request, "StaffRegistrations")
    context = {
        "registrations": data["pendingRegistrations"],
        "done": request.query_params.get("zrobione", "")[:16],
        "values": values or {},
        "failed_id": (values or {}).get("id"),
    }
    return form_response(request, "staff/registrations.html", context, errors)


@staff_page
async def staff_registrations(request: Request) -> Response:
    return await _registrations_page(request)


@staff_page
async def staff_decide(request: Request) -> Response:
    form = request.state.form
    registration_id = _text(form, "id", 200)
    note = str(form.get("note") or "").strip()[:2000]
    decision = form.get("decision")
    if decision not in ("approve", "reject") or not registration_id:
        errors = FormErrors()
        errors.add("note", "Wybierz: zatwierdź albo odrzuć.")
        return await _registrations_page(request, errors, {"id": registration_id, "note": note})
    variables = {
        "input": {"id": registration_id, "approve": decision == "approve", "note": note or None}
    }
    data = await run_operation(request, "DecideRegistrationPage", variables)
    payload = data["decideRegistration"]
    if payload["errors"]:
        errors = errors_from_user_errors(
            [
                {**e, "field": "note" if e.get("field") in (None, "id", "note") else e["field"]}
                for e in payload["errors"]
            ]
        )
        return await _registrations_page(request, errors, {"id": registration_id, "note": note})
    done = payload["registration"]["accountNumber"]
    return RedirectResponse(url_with("/obsluga/rejestracje", zrobione=done), status_code=303)


RECORD_SOURCES = (
    ("COLLECTOR", "Odczyt inkasenta"),
    ("METER_REPLACEMENT", "Odczyt przy wymianie wodomierza"),
)
RECORD_FIELDS = ("meterId", "value", "readOn", "source")


PAYMENT_METHODS = {
    "BANK_TRANSFER": "przelew",
    "ONLINE": "płatność online",
    "CASH": "gotówka",
}


async def _staff_account_page(
    request: Request,
    values: dict[str, str] | None = None,
    errors: FormErrors | None = None,
    reverse_values: dict[str, str] | None = None,
) -> Response:
    number = str(request.path_params["number"])[:16]
    data = await run_operation(request, "StaffAccount", {"number": number})
    if data["account"] is None:
        raise HTTPException(404, "Nie ma konta o tym numerze.")
    meters = data["account"]["meters"]
    context = {
        "account": data["account"],
        "users": data["accountUsers"],
        "requests": data["accountRegistrations"],
        "meter_options": [(m["id"], m["serialNumber"]) for m in meters],
        "source_options": RECORD_SOURCES,
        "values": values
        or {
            "meterId": meters[0]["id"] if meters else "",
            "source": "COLLECTOR",
            "readOn": request.app.state.clock.today().isoformat(),
        },
        "recorded": request.query_params.get("zapisano", "")[:32],
        "today": request.app.state.clock.today(),
        "payment_methods": PAYMENT_METHODS,
        "reversed": request.query_params.get("cofnieto") == "1",
        "reverse_values": reverse_values or {},
        "reverse_failed_id": (reverse_values or {}).get("paymentId"),
    }
    return form_response(request, "staff/account.html", context, errors)


@staff_page
async def staff_account(request: Request) -> Response:
    return await _staff_account_page(request)


@staff_page
async def staff_record_reading(request: Request) -> Response:
    """A collector's or meter-replacement reading typed in by staff; the API checks it
    against the register and the meter's history, the page only reads the form."""
    form = request.state.form
    values = {name: _text(form, name, 64) for name in RECORD_FIELDS}
    number = str(request.path_params["number"])[:16]
    data = await run_operation(request, "StaffAccount", {"number": number})
    if data["account"] is None:
        raise HTTPException(404, "Nie ma konta o tym numerze.")
    meters = {m["id"]: m["serialNumber"] for m in data["account"]["meters"]}
    errors = FormErrors()
    if values["meterId"] not in meters:
        errors.add("meterId", "Wybierz wodomierz tego konta.")
    value = parse_register(values["value"])
    if value is None:
        errors.add("value", "Wpisz stan liczydła w m³, np. 785,5.")
    today = request.app.state.clock.today()
    try:
        read_on = parse_date_input(values["readOn"])
    except ValueError as error:
        errors.add("readOn", date_input_message(error, "Data odczytu"))
    else:
        if read_on is None:
            errors.add("readOn", "Wpisz datę odczytu, np. 21.11.2026.")
        elif read_on > today:
            errors.add("readOn", "Data odczytu nie może być późniejsza niż dzisiejsza.")
    if values["source"] not in dict(RECORD_SOURCES):
        errors.add("source", "Wybierz rodzaj odczytu.")
    if errors:
        return await _staff_account_page(request, values, errors)
    variables = {
        "input": {
            "meterId": values["meterId"],
            "value": str(value),
            "readOn": read_on.isoformat(),  # type: ignore[union-attr]
            "source": values["source"],
        }
    }
    payload = (await run_operation(request, "RecordReadingPage", variables))["recordReading"]
    if payload["errors"]:
        refused = errors_from_user_errors(payload["errors"])
        shown = FormErrors(
            (field if field in RECORD_FIELDS else None, message)
            for field, message in refused.items()
        )
        return await _staff_account_page(request, values, shown)
    serial = payload["reading"]["meter"]["serialNumber"]
    return RedirectResponse(
        url_with(f"/obsluga/konto/{number}", zapisano=serial) + "#odczyt", status_code=303
    )


@staff_page
async def staff_reverse_credit(request: Request) -> Response:
    """A bank credit booked to this account by mistake goes back to the queue; the reason
    is required (the API says so beside the field). A credit of another account is 404."""
    form = request.state.form
    number = str(request.path_params["number"])[:16]
    values = {
        "paymentId": _text(form, "paymentId", 64),
        "reason": str(form.get("reason") or "").strip()[:2000],
    }
    variables = {"input": {**values, "accountNumber": number}}
    data = await run_operation(request, "ReverseCreditAssignmentPage", variables)
    payload = data["reverseCreditAssignment"]
    if payload["errors"]:
        if any(e["code"] == "NOT_FOUND" for e in payload["errors"]):
            raise HTTPException(404, "To konto nie ma takiej wpłaty.")
        refused = errors_from_user_errors(payload["errors"])
        # The reason's refusal goes beside it; anything about the credit itself (given
        # back meanwhile, not a bank credit) is about the whole form.
        shown = FormErrors(
            ("reason" if field == "reason" else None, message) for field, message in refused.items()
        )
        return await _staff_account_page(request, errors=shown, reverse_values=values)
    return RedirectResponse(
        url_with(f"/obsluga/konto/{number}", cofnieto=1) + "#wplaty", status_code=303
    )


@staff_page
async def staff_audit_log(request: Request) -> Response:
    action = request.query_params.get("akcja", "").strip()[:64]
    actor = request.query_params.get("kto", "").strip()[:64]
    after = request.query_params.get("po", "").strip()[:64] or None
    variables = {
        "first": AUDIT_PAGE_SIZE,
        "after": after,
        "action": action or None,
        "actor": actor or None,
    }
    data = await run_operation(request, "StaffAuditLog", variables)
    log = data["auditLog"]
    next_url = None
    if log["pageInfo"]["hasNextPage"]:
        next_url = url_with(
            "/obsluga/dziennik",
            akcja=action or None,
            kto=actor or None,
            po=log["pageInfo"]["endCursor"],
        )
    first_url = url_with("/obsluga/dziennik", akcja=action or None, kto=actor or None)
    context = {
        "log": log,
        "actions": data["auditActions"],
        "values": {"akcja": action, "kto": actor},
        "next_url": next_url,
        "first_url": first_url if after else None,
    }
    return render(request, "staff/audit_log.html", context)


routes: list[BaseRoute] = [
    Route("/rejestracja", register_page, methods=["GET"], name="register"),
    Route("/rejestracja", register_submit, methods=["POST"], name="register_submit"),
    Route("/konta/dodaj", add_account_page, methods=["GET"], name="add_account"),
    Route("/konta/dodaj", add_account_submit, methods=["POST"], name="add_account_submit"),
    Route("/obsluga", staff_home, methods=["GET"], name="staff_home"),
    Route("/obsluga/rejestracje", staff_registrations, methods=["GET"], name="staff_registrations"),
    Route("/obsluga/rejestracje", staff_decide, methods=["POST"], name="staff_decide"),
    Route("/obsluga/konto/{number}", staff_account, methods=["GET"], name="staff_account"),
    Route(
        "/obsluga/konto/{number}/odczyt",
        staff_record_reading,
        methods=["POST"],
        name="staff_record_reading",
    ),
    Route(
        "/obsluga/konto/{number}/cofnij-przypisanie",
        staff_reverse_credit,
        methods=["POST"],
        name="staff_reverse_credit",
    ),
    Route("/obsluga/dziennik", staff_audit_log, methods=["GET"], name="staff_audit_log"),
]
