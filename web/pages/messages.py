"""Messages between customers and the office: `/wiadomosci` (the account's threads,
a new message, a thread and its reply form), `/wiadomosci/zalaczniki/{id}` (an
attachment, for the thread's customer and staff only) and staff's side,
`/obsluga/wiadomosci` (the queue by the day to answer by, replies, closing).

Forms carry files: they are read by `web.upload_forms` with each file and the whole
body limited while they arrive; a refusal shows the page again with the typed text
and the message beside the field. Plain forms that post and come back (303 on
success): no JavaScript needed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from functools import wraps
from pathlib import Path
from typing import Any
from urllib.parse import quote

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route
from strawberry import relay

from models.errors import AttachmentTooLarge, TooManyAttachments
from models.rules import messages as rules
from models.rules.messages import AttachmentLimits
from models.services.messages import attachment_path
from web.forms import FormErrors, errors_from_user_errors, form_response
from web.gql import OperationFailed, run_operation
from web.pages._account import (
    account_url,
    choose_account,
    customer_page,
    no_accounts,
    staff_page,
)
from web.pages._documents import NOT_FOUND_CODES, document_route
from web.rendering import url_with
from web.upload_forms import read_upload_form, uploaded_files

__all__ = ["routes"]

Endpoint = Callable[[Request], Awaitable[Response]]

LIST_TEMPLATE = "messages/list.html"
THREAD_TEMPLATE = "messages/thread.html"
INBOX_TEMPLATE = "staff/messages.html"
STAFF_THREAD_TEMPLATE = "staff/message_thread.html"
CUSTOMER_PAGE = "/wiadomosci"
STAFF_PAGE = "/obsluga/wiadomosci"
PAGE_SIZE = 20
# The text fields and the multipart framing around the files, generously.
FORM_OVERHEAD = 256 * 1024
CATEGORIES = tuple((c.value, label) for c, label in rules.CATEGORY_LABELS.items())
STATUSES = (("OPEN", "Otwarta"), ("ANSWERED", "Z odpowiedzią"), ("CLOSED", "Zamknięta"))
STATUS_LABELS = dict(STATUSES)
CATEGORY_LABELS = dict(CATEGORIES)


def _limits(request: Request) -> AttachmentLimits:
    return request.app.state.settings.attachments  # type: ignore[no-any-return]


def _with_files(guard: Callable[[Endpoint], Endpoint]) -> Callable[[Endpoint], Endpoint]:
    """A form post with files: read first (origin and CSRF token checked, for anyone;
    each file and the whole body limited while they arrive), then `guard`ed as the
    page is; the handler finds `request.state.form` and `request.state.upload`."""

    def decorate(handler: Endpoint) -> Endpoint:
        guarded = guard(handler)

        @wraps(handler)
        async def endpoint(request: Request) -> Response:
            limits = _limits(request)
            upload = await read_upload_form(
                request,
                limits.per_message * limits.max_bytes + FORM_OVERHEAD,
                max_files=limits.per_message,
                max_file_bytes=limits.max_bytes,
            )
            request.state.upload = upload
            request.state.form = upload.form
            try:
                return await guarded(request)
            finally:
                await upload.close()

        return endpoint

    return decorate


def _upload_refusal(request: Request) -> FormErrors | None:
    """The message beside the files when the form stopped reading them."""
    upload = request.state.upload
    limits = _limits(request)
    if upload.too_large:
        return FormErrors(
            [("attachments", AttachmentTooLarge(megabytes=limits.megabytes).message("pl"))]
        )
    if upload.too_many_files:
        message = TooManyAttachments(limit=limits.per_message).message("pl")
        return FormErrors([("attachments", message)])
    return None


def _thread_view(thread: dict[str, Any]) -> dict[str, Any]:
    return {
        **thread,
        # Pages address a thread by its number in the database (a global id may hold "/").
        "key": relay.from_base64(thread["id"])[1],
        "status_pl": STATUS_LABELS.get(thread["status"], thread["status"]),
        "category_pl": CATEGORY_LABELS.get(thread["category"], thread["category"]),
        "answer_due": date.fromisoformat(thread["answerDue"]) if thread.get("answerDue") else None,
    }


def _path_key(request: Request, type_name: str) -> str:
    """The global id of the path's `{id}` (a positive whole number); 404 otherwise."""
    key = str(request.path_params["id"])
    if not (key.isascii() and key.isdigit()) or len(key) > 18 or int(key) < 1:
        raise HTTPException(404, "Nie ma takiej wiadomości.")
    return relay.to_base64(type_name, int(key))


def _thread_id(request: Request) -> str:
    return _path_key(request, "MessageThread")


async def _thread(request: Request) -> dict[str, Any]:
    """The path's thread, if the viewer may read it; 404 otherwise."""
    try:
        data = await run_operation(request, "MessageThreadPage", {"id": _thread_id(request)})
    except OperationFailed as failed:
        if failed.codes & NOT_FOUND_CODES:
            raise HTTPException(404, "Nie ma takiej wiadomości.") from failed
        raise
    node = data["node"]
    if not node or "number" not in node:
        raise HTTPException(404, "Nie ma takiej wiadomości.")
    return _thread_view(node)


def _body(form: Any) -> str:
    return str(form.get("body") or "").strip()[: rules.BODY_MAX + 1]


# --- the customer ------------------------------------------------------------------------


async def _list_context(request: Request) -> dict[str, Any] | Response:
    choice = await choose_account(request)
    if choice.number is None:
        return no_accounts(request, choice, "Wiadomości")
    data = await run_operation(request, "MessagesPage", {"number": choice.number})
    account = data["account"]
    if account is None:
        raise HTTPException(404, "Nie masz w eBOK konta o tym numerze.")
    threads = [_thread_view(e["node"]) for e in account["messageThreads"]["edges"]]
    return {
        "choice": choice,
        "account": account,
        "threads": threads,
        "categories": CATEGORIES,
        "limits": _limits(request),
        "values": {"category": "QUESTION"},
        "action": account_url(CUSTOMER_PAGE, choice),
        "sent": request.query_params.get("wyslano", "")[:32],
    }


@customer_page
async def messages_page(request: Request) -> Response:
    context = await _list_context(request)
    if isinstance(context, Response):
        return context
    return form_response(request, LIST_TEMPLATE, context, None)


@_with_files(customer_page)
async def send_message(request: Request) -> Response:
    form = request.state.form
    context = await _list_context(request)
    if isinstance(context, Response):
        return context
    values = {
        "category": str(form.get("category") or "")[:16],
        "subject": str(form.get("subject") or "").strip()[: rules.SUBJECT_MAX + 1],
        "body": _body(form),
    }
    context["values"] = values
    errors = _upload_refusal(request)
    if errors is None and values["category"] not in CATEGORY_LABELS:
        errors = FormErrors([("category", "Wybierz rodzaj sprawy.")])
    if errors:
        return form_response(request, LIST_TEMPLATE, context, errors)
    variables = {
        "input": {
            "accountId": context["account"]["id"],
            "category": values["category"],
            "subject": values["subject"],
            "body": values["body"],
            "attachments": uploaded_files(form, "attachments"),
        }
    }
    payload = (await run_operation(request, "SendMessagePage", variables))["sendMessage"]
    if payload["errors"]:
        errors = errors_from_user_errors(payload["errors"])
        return form_response(request, LIST_TEMPLATE, context, errors)
    thread = payload["thread"]
    key = relay.from_base64(thread["id"])[1]
    return RedirectResponse(
        url_with(f"{CUSTOMER_PAGE}/{key}", wyslano=thread["number"]), status_code=303
    )


def _thread_context(request: Request, thread: dict[str, Any]) -> dict[str, Any]:
    return {
        "thread": thread,
        "limits": _limits(request),
        "values": {},
        "sent": request.query_params.get("wyslano", "")[:32],
        "replied": request.query_params.get("odpowiedz") == "1",
    }


@customer_page
async def thread_page(request: Request) -> Response:
    thread = await _thread(request)
    return form_response(request, THREAD_TEMPLATE, _thread_context(request, thread), None)


async def _reply(request: Request, template: str, done: str) -> Response:
    thread = await _thread(request)
    context = _thread_context(request, thread)
    form = request.state.form
    context["values"] = {"body": _body(form)}
    errors = _upload_refusal(request)
    if errors:
        return form_response(request, template, context, errors)
    variables = {
        "input": {
            "threadId": thread["id"],
            "body": context["values"]["body"],
            "attachments": uploaded_files(form, "attachments"),
        }
    }
    payload = (await run_operation(request, "ReplyPage", variables))["reply"]
    if payload["errors"]:
        errors = FormErrors(
            ("body" if field == "threadId" else field, message)
            for field, message in errors_from_user_errors(payload["errors"]).items()
        )
        return form_response(request, template, context, errors)
    return RedirectResponse(url_with(done, odpowiedz="1"), status_code=303)


@_with_files(customer_page)
async def customer_reply(request: Request) -> Response:
    done = f"{CUSTOMER_PAGE}/{request.path_params['id']}"
    return await _reply(request, THREAD_TEMPLATE, done)


# --- attachments -------------------------------------------------------------------------


def content_disposition(filename: str) -> str:
    """`attachment` with a plain ASCII name for old clients and the exact name
    (RFC 5987) for the rest."""
    plain = rules.ascii_filename(filename)
    exact = quote(rules.safe_display_name(filename), safe="")
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{exact}"


@document_route
async def attachment_file(request: Request) -> Response:
    global_id = _path_key(request, "Attachment")
    try:
        data = await run_operation(request, "AttachmentFile", {"id": global_id})
    except OperationFailed as failed:
        if failed.codes & NOT_FOUND_CODES:
            raise HTTPException(404) from failed
        raise
    found = data["node"]
    upload_dir: Path = request.app.state.settings.upload_dir
    path = attachment_path(upload_dir, found["storedName"]) if found else None
    if found is None or path is None:
        raise HTTPException(404)
    return FileResponse(
        path,
        media_type=found["contentType"] or "application/octet-stream",
        headers={
            "Content-Disposition": content_disposition(found["filename"]),
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
            "Content-Security-Policy": "default-src 'none'; sandbox",
        },
    )


# --- staff -------------------------------------------------------------------------------


@staff_page
async def staff_inbox(request: Request) -> Response:
    status = request.query_params.get("stan", "").strip()[:16]
    if status not in STATUS_LABELS:
        status = ""
    after = request.query_params.get("po", "").strip()[:64] or None
    variables = {"status": status or None, "first": PAGE_SIZE, "after": after}
    inbox = (await run_operation(request, "StaffInbox", variables))["inbox"]
    next_url = None
    if inbox["pageInfo"]["hasNextPage"]:
        next_url = url_with(STAFF_PAGE, stan=status or None, po=inbox["pageInfo"]["endCursor"])
    context = {
        "threads": [_thread_view(e["node"]) for e in inbox["edges"]],
        "total": inbox["totalCount"],
        "status": status,
        "statuses": STATUSES,
        "next_url": next_url,
        "closed": request.query_params.get("zamknieto", "")[:32],
    }
    return form_response(request, INBOX_TEMPLATE, context, None)


@staff_page
async def staff_thread(request: Request) -> Response:
    thread = await _thread(request)
    context = _thread_context(request, thread)
    return form_response(request, STAFF_THREAD_TEMPLATE, context, None)


@_with_files(staff_page)
async def staff_reply(request: Request) -> Response:
    done = f"{STAFF_PAGE}/{request.path_params['id']}"
    return await _reply(request, STAFF_THREAD_TEMPLATE, done)


@staff_page
async def staff_close(request: Request) -> Response:
    payload = (await run_operation(request, "CloseThreadPage", {"id": _thread_id(request)}))[
        "closeThread"
    ]
    if payload["errors"]:
        raise HTTPException(404, "Nie ma takiej wiadomości.")
    return RedirectResponse(
        url_with(STAFF_PAGE, zamknieto=payload["thread"]["number"]), status_code=303
    )


routes: list[BaseRoute] = [
    Route(CUSTOMER_PAGE, messages_page, methods=["GET"], name="messages"),
    Route(CUSTOMER_PAGE, send_message, methods=["POST"], name="messages_send"),
    Route(
        "/wiadomosci/zalaczniki/{id}", attachment_file, methods=["GET"], name="message_attachment"
    ),
    Route("/wiadomosci/{id}", thread_page, methods=["GET"], name="message_thread"),
    Route("/wiadomosci/{id}", customer_reply, methods=["POST"], name="message_reply"),
    Route(STAFF_PAGE, staff_inbox, methods=["GET"], name="staff_messages"),
    Route("/obsluga/wiadomosci/{id}", staff_thread, methods=["GET"], name="staff_message_thread"),
    Route("/obsluga/wiadomosci/{id}", staff_reply, methods=["POST"], name="staff_message_reply"),
    Route(
        "/obsluga/wiadomosci/{id}/zamknij", staff_close, methods=["POST"], name="staff_close_thread"
    ),
]
