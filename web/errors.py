"""Error responses: a friendly page for people, JSON for programs, never a traceback."""

from __future__ import annotations

import logging

from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response

log = logging.getLogger("ebok.web")

_TITLES = {
    400: "Nieprawidłowe żądanie",
    403: "Brak dostępu",
    404: "Nie znaleziono strony",
    405: "Niedozwolona metoda",
}


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/graphql") or "application/json" in request.headers.get(
        "accept", ""
    )


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if _wants_json(request):
        return JSONResponse(
            {"errors": [{"message": exc.detail, "extensions": {"code": "BAD_REQUEST"}}]},
            status_code=exc.status_code,
        )
    from web.rendering import is_fragment_request, render

    template = "errors/404.html" if exc.status_code == 404 else "errors/error.html"
    # An htmx request aimed at a small target gets the error page as the whole body.
    retarget = {"HX-Retarget": "body", "HX-Reswap": "innerHTML"}
    return render(
        request,
        template,
        {
            "status": exc.status_code,
            "heading": _TITLES.get(exc.status_code, "Błąd"),
            "detail": exc.detail if exc.status_code != 404 else None,
        },
        status_code=exc.status_code,
        headers=retarget if is_fragment_request(request) else None,
    )


async def server_error(request: Request, exc: Exception) -> Response:
    request_id = getattr(request.state, "request_id", None)
    log.error("unexpected error on %s (request %s)", request.url.path, request_id, exc_info=exc)
    if _wants_json(request):
        return JSONResponse(
            {"errors": [{"message": "Unexpected error.", "extensions": {"code": "INTERNAL"}}]},
            status_code=500,
        )
    try:
        from web.rendering import render

        return render(request, "errors/500.html", {"request_id": request_id}, status_code=500)
    except Exception:  # the error page itself must not fail
        return Response("Wystąpił błąd serwera.", status_code=500, media_type="text/plain")


async def client_disconnected(request: Request, exc: Exception) -> Response:
    """The client went away while sending its body: nobody will read an answer, and it
    is not a fault of ours, so no error log (the server drops this response)."""
    log.info("client disconnected while sending %s %s", request.method, request.url.path)
    return Response(status_code=400)


def exception_handlers() -> dict:
    return {
        ClientDisconnect: client_disconnected,
        HTTPException: http_error,
        Exception: server_error,
    }
