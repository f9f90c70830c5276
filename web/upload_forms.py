"""Reading a page form that carries a file, with the body limited while it arrives.

Starlette's form parser keeps at most 1 MB of a file in memory and spools the rest
to a temporary file, but it reads whatever a client sends. Here the body stream is
counted chunk by chunk and parsing stops at the limit: an oversized upload is never
read whole, in memory or on disk. The fields before the file (the form puts the
CSRF token and the text first) are kept, so the page can show them again with the
error beside the file field.

A form may take several files (`max_files`), each limited on its own as well
(`max_file_bytes`): a file that outgrows it stops the reading at once, like the body.
More files than allowed are refused the same way, before the rest is read.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import ClientDisconnect, Request

from web.csrf import check_form_token, read_form, refuse_cross_site_post

__all__ = ["UploadForm", "read_upload_form", "uploaded_file", "uploaded_files"]

MAX_UPLOAD_FIELDS = 20


class _BodyTooLarge(Exception):
    """The form's body grew past its limit while it arrived."""


class _TooManyFiles(Exception):
    """The form carries more files than the page accepts."""


class UploadForm:
    """The posted fields, and whether the body (or a file) outgrew its limit or more
    files came than allowed (then no file is kept)."""

    def __init__(self, form: FormData, too_large: bool, too_many_files: bool = False) -> None:
        self.form = form
        self.too_large = too_large
        self.too_many_files = too_many_files

    async def close(self) -> None:
        await self.form.close()


class _Parser(MultiPartParser):
    """Starlette's parser that also counts each file part and the files: past a
    limit it keeps no more of the file and says so (`_limited` then stops reading)."""

    def __init__(self, *args: Any, max_file_bytes: int | None, max_files: int, **kw: Any):
        super().__init__(*args, max_files=max_files + 1, **kw)
        self.max_file_bytes = max_file_bytes
        self.allowed_files = max_files
        self.file_too_large = False
        self.too_many_files = False
        self._files_seen = 0
        self._part_bytes = 0

    def on_part_begin(self) -> None:
        super().on_part_begin()
        self._part_bytes = 0

    def on_headers_finished(self) -> None:
        super().on_headers_finished()
        if self._current_part.file is not None:
            self._files_seen += 1
            if self._files_seen > self.allowed_files:
                self.too_many_files = True

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self._current_part.file is not None:
            self._part_bytes += end - start
            limit = self.max_file_bytes
            if self.too_many_files or (limit is not None and self._part_bytes > limit):
                self.file_too_large = self.file_too_large or not self.too_many_files
                return
        super().on_part_data(data, start, end)


async def _limited(
    stream: AsyncIterator[bytes], limit: int, parser: list[_Parser]
) -> AsyncIterator[bytes]:
    seen = 0
    async for chunk in stream:
        seen += len(chunk)
        if seen > limit or (parser and parser[0].file_too_large):
            raise _BodyTooLarge
        if parser and parser[0].too_many_files:
            raise _TooManyFiles
        yield chunk


async def read_upload_form(
    request: Request,
    body_limit: int,
    *,
    max_files: int = 1,
    max_file_bytes: int | None = None,
) -> UploadForm:
    """The form (multipart or not) once its origin and CSRF token are checked (403
    otherwise); a body over `body_limit` bytes, a file over `max_file_bytes` or more
    than `max_files` files stop being read there."""
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("multipart/form-data"):
        return UploadForm(await read_form(request), too_large=False)
    refuse_cross_site_post(request)
    declared = request.headers.get("content-length", "")
    too_large = declared.isdigit() and int(declared) > body_limit
    too_many = False
    holder: list[_Parser] = []
    parser = _Parser(
        request.headers,
        _limited(request.stream(), body_limit, holder),
        max_files=max_files,
        max_file_bytes=max_file_bytes,
        max_fields=MAX_UPLOAD_FIELDS,
    )
    holder.append(parser)
    try:
        form = await parser.parse()
        too_large = too_large or parser.file_too_large
        too_many = parser.too_many_files
    except (_BodyTooLarge, _TooManyFiles) as stopped:
        # The parser has closed the files it had begun; the text fields read so far stay.
        too_large = isinstance(stopped, _BodyTooLarge)
        too_many = not too_large
        form = FormData([(k, v) for k, v in parser.items if isinstance(v, str)])
    except ClientDisconnect:
        raise
    except MultiPartException as exc:
        raise HTTPException(status_code=400, detail="Nieprawidłowe dane formularza.") from exc
    if too_large or too_many:
        kept = [(k, v) for k, v in form.multi_items() if isinstance(v, str)]
        await form.close()
        form = FormData(kept)
    try:
        check_form_token(request, form)
    except HTTPException:
        await form.close()
        raise
    return UploadForm(form, too_large, too_many)


def uploaded_file(form: FormData, name: str) -> UploadFile | None:
    """The file posted in `name`, or None when none was chosen (an empty file part)."""
    value = form.get(name)
    if not isinstance(value, UploadFile) or not value.filename or not value.size:
        return None
    return value


def uploaded_files(form: FormData, name: str) -> list[UploadFile]:
    """Every file posted in `name`, leaving out empty file parts (none chosen)."""
    return [
        value
        for value in form.getlist(name)
        if isinstance(value, UploadFile) and value.filename and value.size
    ]
