"""/saldo.csv and /saldo.pdf: the statement of any date range (`from`, `to`; this year
so far by default) with the balance carried over into it and the balance at its end.

Who may fetch them is what web/pages/_documents.py says for invoice documents: the
owner (session cookie or a READ token), staff for any account (`konto=` then names
it); anyone else, and a number that does not exist, the same 404; a signed-out
browser goes to /login. A link with a date that is no date, `from` after `to` or a
range wider than the API serves is a 400 saying which.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from models.clock import Clock
from models.rules.ledger import default_statement_range
from web.documents.pdf import pdf_response, render_pdf_in_thread
from web.forms import date_input_message, parse_date_input
from web.gql import OperationFailed, run_operation
from web.pages._account import ACCOUNT_PARAM
from web.pages._documents import NOT_FOUND_CODES, document_route
from web.rendering import utility_settings

PDF_TEMPLATE = "documents/statement.html"
# The query's names, as SURFACE.md gives them, and the labels of /saldo's form.
FROM, TO = "from", "to"
LABELS = {FROM: "Początek okresu", TO: "Koniec okresu"}
MAX_NUMBER_LENGTH = 16
WIDTH_MESSAGE = "Zestawienie może obejmować najwyżej 10 lat."

KIND_LABELS = {
    "INVOICE": "Faktura",
    "CORRECTION": "Korekta",
    "INTEREST_NOTE": "Nota odsetkowa",
    "PAYMENT": "Wpłata",
    "REFUND": "Zwrot",
}
CSV_HEADER = [
    "Data",
    "Rodzaj",
    "Numer dokumentu",
    "Opis",
    "Obciążenie",
    "Uznanie",
    "Saldo",
]
OPENING_LABEL = "Saldo początkowe"
CLOSING_LABEL = "Saldo końcowe"
# What a spreadsheet would take for the start of a formula (OWASP, "CSV Injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Range:
    start: date
    end: date


def _bad_link(message: str) -> HTTPException:
    return HTTPException(400, f"Ten odnośnik do zestawienia jest nieprawidłowy. {message}")


def requested_range(request: Request) -> Range:
    """The range the query asks for, defaults for what it leaves out; a 400 otherwise."""
    clock: Clock = request.app.state.clock
    default_start, default_end = default_statement_range(clock.today())
    found: dict[str, date | None] = {}
    for name in (FROM, TO):
        try:
            found[name] = parse_date_input(request.query_params.get(name))
        except ValueError as error:
            raise _bad_link(date_input_message(error, LABELS[name])) from error
    start, end = found[FROM] or default_start, found[TO] or default_end
    if start > end:
        raise _bad_link(f"Data w polu „{LABELS[FROM]}” jest późniejsza niż w polu „{LABELS[TO]}”.")
    return Range(start, end)


async def _account_number(request: Request) -> str:
    """`konto=`, else the viewer's first account; a number that cannot be anyone's, or
    a viewer without accounts of their own (staff) who names none, is a 404."""
    wanted = request.query_params.get(ACCOUNT_PARAM, "").strip()
    if wanted:
        if not (wanted.isascii() and wanted.isdigit() and len(wanted) <= MAX_NUMBER_LENGTH):
            raise HTTPException(404)
        return wanted
    accounts = (await run_operation(request, "AccountChoice"))["accounts"]
    if not accounts:
        raise HTTPException(404)
    return str(accounts[0]["number"])


async def statement_data(request: Request) -> dict[str, Any]:
    """The account (with its `statement`) through the StatementDocument operation, or
    a 404 (not the viewer's, no READ scope) or a 400 (a range the API refuses)."""
    try:
        chosen = requested_range(request)
    except HTTPException:
        # Only someone who may read accounts learns what is wrong with the link: a
        # token without READ, or a bad one, fails here and gets the 404.
        await run_operation(request, "AccountChoice")
        raise
    number = await _account_number(request)
    variables = {"konto": number, "from": chosen.start.isoformat(), "to": chosen.end.isoformat()}
    try:
        data = await run_operation(request, "StatementDocument", variables)
    except OperationFailed as failed:
        if "FORBIDDEN" in failed.codes:
            raise HTTPException(404) from failed
        if failed.codes & NOT_FOUND_CODES:
            # The dates are real and in order, so the API refused the range's width.
            raise _bad_link(WIDTH_MESSAGE) from failed
        raise
    if data["account"] is None:
        raise HTTPException(404)
    return dict(data["account"])


def _amount(money: dict[str, Any] | None) -> Decimal | None:
    return None if money is None else Decimal(str(money["amount"]))


def plain_decimal(value: Decimal | None) -> str:
    """1234.5 -> "1234,50": a plain number with a decimal comma, as Polish Excel reads it."""
    if value is None:
        return ""
    return f"{value.quantize(Decimal('0.01')):f}".replace(".", ",")


def safe_cell(text: str) -> str:
    """Text a spreadsheet shows as text: one that would start a formula gets a leading
    apostrophe, which Excel and LibreOffice hide and treat as "this is text"."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _filename(account: dict[str, Any], extension: str) -> str:
    statement = account["statement"]
    name = f"saldo-{account['number']}-{statement['from']}-{statement['to']}.{extension}"
    return "".join(c for c in name if c.isascii() and (c.isalnum() or c in "-.")) or "saldo"


def statement_csv(account: dict[str, Any]) -> bytes:
    """UTF-8 with a BOM, `;` between cells, decimal commas, a header row; the first row
    the opening balance, the last the closing one."""
    statement = account["statement"]
    start = date.fromisoformat(statement["from"])
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    opening_day = (start - timedelta(days=1)).isoformat()
    writer.writerow(
        [opening_day, OPENING_LABEL, "", "", "", "", plain_decimal(_amount(statement["opening"]))]
    )
    for entry in statement["entries"]:
        writer.writerow(
            [
                entry["date"],
                KIND_LABELS.get(entry["kind"], entry["kind"]),
                safe_cell(entry["reference"]),
                safe_cell(entry["description"]),
                plain_decimal(_amount(entry["debit"])),
                plain_decimal(_amount(entry["credit"])),
                plain_decimal(_amount(entry["balanceAfter"])),
            ]
        )
    writer.writerow(
        [
            statement["to"],
            CLOSING_LABEL,
            "",
            "",
            "",
            "",
            plain_decimal(_amount(statement["closing"])),
        ]
    )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


@document_route
async def statement_csv_file(request: Request) -> Response:
    account = await statement_data(request)
    return Response(
        statement_csv(account),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{_filename(account, "csv")}"',
            "Cache-Control": "private, no-store",
        },
    )


@document_route
async def statement_pdf_file(request: Request) -> Response:
    account = await statement_data(request)
    statement = account["statement"]
    start = date.fromisoformat(statement["from"])
    context = {
        "utility": utility_settings(request),
        "account": account,
        "statement": statement,
        "start": start,
        "end": date.fromisoformat(statement["to"]),
        "opening_day": start - timedelta(days=1),
        "opening": _amount(statement["opening"]),
        "closing": _amount(statement["closing"]),
        "today": request.app.state.clock.today(),
        "kind_labels": KIND_LABELS,
    }
    pdf = await render_pdf_in_thread(PDF_TEMPLATE, context)
    return pdf_response(pdf, _filename(account, "pdf"))


routes: list[BaseRoute] = [
    Route("/saldo.csv", statement_csv_file, methods=["GET"], name="statement_csv"),
    Route("/saldo.pdf", statement_pdf_file, methods=["GET"], name="statement_pdf"),
]
