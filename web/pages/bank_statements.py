"""`/obsluga/wyciagi`: staff import a bank statement (MT940 or camt.053) and see the
latest ones, with a link to the credits that wait for a person to assign them.

A plain multipart form (works without JavaScript), its body limited while it
streams (web/uploads.py); the import answers on the same page with its counts. A
file that is not a statement, or is damaged, is refused beside the field, and
nothing is booked.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from web.forms import FormErrors, errors_from_user_errors, form_response
from web.gql import run_operation
from web.pages._account import staff_page
from web.uploads import limited_body

PAGE = "/obsluga/wyciagi"
QUEUE = "/obsluga/wyciagi/do-przypisania"
TEMPLATE = "staff/bank_statements.html"


async def _context(request: Request, **extra: Any) -> dict[str, Any]:
    data = await run_operation(request, "BankStatementsPage")
    return {"statements": data["bankStatements"], "queue_url": QUEUE, "values": {}, **extra}


@staff_page
async def page(request: Request) -> Response:
    return form_response(request, TEMPLATE, await _context(request), None)


@staff_page
async def upload(request: Request) -> Response:
    file = request.state.form.get("file")
    if file is None or isinstance(file, str) or not file.filename:
        errors = FormErrors([("file", "Wybierz plik wyciągu (MT940 lub camt.053).")])
        return form_response(request, TEMPLATE, await _context(request), errors)
    payload = (await run_operation(request, "ImportBankStatement", {"input": {"file": file}}))[
        "importBankStatement"
    ]
    if payload["errors"]:
        refused = errors_from_user_errors(payload["errors"])
        errors = FormErrors(("file", message) for _, message in refused.items())
        return form_response(request, TEMPLATE, await _context(request), errors)
    context = await _context(request, result=payload, filename=file.filename)
    return form_response(request, TEMPLATE, context, None)


routes: list[BaseRoute] = [
    Route(PAGE, page, methods=["GET"]),
    Route(PAGE, limited_body(upload), methods=["POST"]),
]
