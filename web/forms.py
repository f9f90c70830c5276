"""Helpers for the form pattern every page follows (GOV.UK Frontend's, in Jinja).

On bad input a page re-renders the same template with status 422, the values the
person typed, an error summary at the top and the message beside each field. The
messages come either from the page's own checks (`FormErrors.add`) or from a
mutation's `errors: [UserError!]!`, whose `field` names are the form fields' names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse

from web.rendering import render

__all__ = [
    "GENERAL",
    "MAX_DATE_YEAR",
    "MIN_DATE_YEAR",
    "DateOutOfRange",
    "FormErrors",
    "date_input_message",
    "errors_from_user_errors",
    "form_response",
    "parse_date_input",
]

GENERAL = ""
"""The key for a message about the whole form (a UserError without a field)."""


class FormErrors:
    """Field -> message, in the order the fields were checked (the summary's order).

    One message per field, the first one added: GOV.UK shows a single, most useful
    message beside a field rather than a list.
    """

    def __init__(self, items: Mapping[str, str] | Iterable[tuple[str, str]] | None = None) -> None:
        self._messages: dict[str, str] = {}
        if items:
            pairs = items.items() if isinstance(items, Mapping) else items
            for field, message in pairs:
                self.add(field, message)

    def add(self, field: str | None, message: str) -> None:
        self._messages.setdefault(field or GENERAL, message)

    def get(self, field: str, default: str | None = None) -> str | None:
        return self._messages.get(field, default)

    def summary(self) -> list[dict[str, str | None]]:
        """Entries for the error summary macro; a general message has no link."""
        return [
            {"field": field or None, "message": message, "href": f"#{field}" if field else None}
            for field, message in self._messages.items()
        ]

    def items(self) -> Iterable[tuple[str, str]]:
        return self._messages.items()

    def __getitem__(self, field: str) -> str:
        return self._messages[field]

    def __contains__(self, field: object) -> bool:
        return field in self._messages

    def __iter__(self) -> Iterator[str]:
        return iter(self._messages)

    def __len__(self) -> int:
        return len(self._messages)

    def __bool__(self) -> bool:
        return bool(self._messages)

    def __repr__(self) -> str:
        return f"FormErrors({self._messages!r})"


def errors_from_user_errors(user_errors: Iterable[Mapping[str, Any]] | None) -> FormErrors:
    """GraphQL UserErrors (`{"field": "invoiceNumber", "code": ..., "message": ...}`) as
    FormErrors keyed by form field: form fields are named exactly as the input fields.

    A dotted path ("input.invoiceNumber") keeps its last part; no field means the
    message is about the whole form.
    """
    errors = FormErrors()
    for error in user_errors or ():
        field = error.get("field") or ""
        if isinstance(field, list | tuple):
            field = str(field[-1]) if field else ""
        errors.add(str(field).rsplit(".", 1)[-1], str(error.get("message") or error.get("code")))
    return errors


def form_response(
    request: Request,
    template: str,
    context: dict[str, Any] | None,
    errors: FormErrors | None,
    *,
    block: str | None = None,
) -> HTMLResponse:
    """Render a form page: 422 with the errors in context when there are any, else 200.

    The context should carry `values` (what was submitted) so the fields keep them.
    """
    ctx = dict(context or {})
    ctx["errors"] = errors if errors else None
    return render(request, template, ctx, status_code=422 if errors else 200, block=block)


_DATE_PL = re.compile(r"(\d{1,2})\s*[./-]\s*(\d{1,2})\s*[./-]\s*(\d{4})")

# Typed dates are bounded to years a water bill can concern, with room on both sides,
# so that no page or query ever computes a day before 1 January of year 1 or after
# 31 December 9999 (Python's date range) from what someone typed.
MIN_DATE_YEAR = 1900
MAX_DATE_YEAR = 2199


class DateOutOfRange(ValueError):
    """A real date, but outside MIN_DATE_YEAR..MAX_DATE_YEAR."""


def parse_date_input(text: str | None) -> date | None:
    """A date typed into a date field: "2026-11-21" from a date picker, or "21.11.2026"
    from a browser that shows a plain text box. Empty -> None; nonsense -> ValueError,
    a date outside 1900–2199 -> DateOutOfRange; `date_input_message` words either for
    the message beside the field."""
    value = (text or "").strip()
    if not value:
        return None
    match = _DATE_PL.fullmatch(value)
    if match:
        day_of_month, month, year = (int(part) for part in match.groups())
        day = date(year, month, day_of_month)
    else:
        day = date.fromisoformat(value)
    if not MIN_DATE_YEAR <= day.year <= MAX_DATE_YEAR:
        raise DateOutOfRange(f"{day.isoformat()} is outside {MIN_DATE_YEAR}–{MAX_DATE_YEAR}")
    return day


def date_input_message(error: ValueError, label: str) -> str:
    """The Polish message beside a date field that `parse_date_input` refused."""
    if isinstance(error, DateOutOfRange):
        return f"W polu „{label}” wpisz datę z lat {MIN_DATE_YEAR}–{MAX_DATE_YEAR}."
    return f"W polu „{label}” wpisz prawdziwą datę, np. 21.11.2026."
