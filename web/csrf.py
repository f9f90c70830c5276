"""Every form post carries the request's CSRF token; a post without it changes nothing."""

from __future__ import annotations

import hmac

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request

CSRF_FIELD = "csrf_token"
MAX_FORM_FIELDS = 200


async def read_form(request: Request) -> FormData:
    """The posted form, once its CSRF token has been checked (403 otherwise)."""
    try:
        form = await request.form(max_fields=MAX_FORM_FIELDS)
    except Exception as exc:  # malformed multipart/urlencoded bodies are the client's fault
        raise HTTPException(status_code=400, detail="Nieprawidłowe dane formularza.") from exc
    sent = form.get(CSRF_FIELD)
    expected = getattr(request.state, "csrf_token", None)
    if not isinstance(sent, str) or not expected or not hmac.compare_digest(sent, expected):
        raise HTTPException(
            status_code=403,
            detail=(
                "Formularz wygasł lub pochodzi z innej strony. Odśwież stronę i spróbuj ponownie."
            ),
        )
    return form
