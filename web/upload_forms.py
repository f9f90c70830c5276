"""Reading a page form that carries a file, with the body limited while it arrives.

Starlette's form parser keeps at most 1 MB of a file in memory and spools the rest
to a temporary file, but it reads whatever a client sends. Here the body stream is
counted chunk by chunk and parsing stops at the limit: an oversized upload is never
read whole, in memory or on disk. The fields before the file (the form puts the
CSRF token and the text first) are kept, so the page can show them again with the
error beside the file field.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import ClientDisconnect, Request

from web.csrf import check_form_token, read_form, refuse_cross_site_post

__all__ = ["UploadForm", "read_upload_form", "uploaded_file"]

MAX_UPLOAD_FIELDS = 20


class _BodyTooLarge(Exception):
    pass


class UploadForm:
    """The posted fields, and whether the body outgrew the limit (then no file is kept)."""

    def __init__(self, form: FormData, too_large: bool) -> None:
        self.form = form
        self.too_large = too_large

    async def close(self) -> None:
        await self.form.close()


async def _limited(stream: AsyncIterator[bytes], limit: int) -> AsyncIterator[bytes]:
    seen = 0
    async for chunk in stream:
        seen += len(chunk)
        if seen > limit:
            raise _BodyTooLarge
        yield chunk


async def read_upload_form(request: Request, body_limit: int) -> UploadForm:
    """The form (multipart or not) once its origin and CSRF token are checked (403
    otherwise); a body over `body_limit` bytes stops being read at the limit."""
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("multipart/form-data"):
        return UploadForm(await read_form(request), too_large=False)
    refuse_cross_site_post(request)
    declared = request.headers.get("content-length", "")
    too_large = declared.isdigit() and int(declared) > body_limit
    parser = MultiPartParser(
        request.headers,
        _limited(request.stream(), body_limit),
        max_files=1,
        max_fields=MAX_UPLOAD_FIELDS,
    )
    try:
        form = await parser.parse()
    except _BodyTooLarge:
        # The parser has closed the file it had begun; the text fields read so far stay.
        too_large = True
        form = FormData([(k, v) for k, v in parser.items if isinstance(v, str)])
    except ClientDisconnect:
        raise
    except MultiPartException as exc:
        raise HTTPException(status_code=400, detail="Nieprawidłowe dane formularza.") from exc
    if too_large:
        kept = [(k, v) for k, v in form.multi_items() if isinstance(v, str)]
        await form.close()
        form = FormData(kept)
    try:
        check_form_token(request, form)
    except HTTPException:
        await form.close()
        raise
    return UploadForm(form, too_large)


def uploaded_file(form: FormData, name: str) -> UploadFile | None:
    """The file posted in `name`, or None when none was chosen (an empty file part)."""
    value = form.get(name)
    if not isinstance(value, UploadFile) or not value.filename or not value.size:
        return None
    return value
