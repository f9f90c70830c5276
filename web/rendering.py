"""The Jinja2 environment, the Polish display filters and `render()` for every page.

Every page goes through `render()`, so the things each page needs (the viewer, the
display preferences, the CSRF token, the utility's name) and the response headers
that keep htmx fragments and private pages out of shared caches are decided once.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import jinja2
import jinja2.ext
import jinja2.lexer
import jinja2_fragments
from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from models.clock import WARSAW
from models.rules.money import NBSP, format_decimal_pl, format_pln
from models.settings import UtilitySettings
from web.charts import MonthPoint, UsageSummary, svg_drawing
from web.preferences import Preferences, read_preferences

__all__ = [
    "MONTHS_PL",
    "date_pl",
    "datetime_pl",
    "field_error",
    "is_fragment_request",
    "money",
    "month_pl",
    "render",
    "render_block",
    "templates",
    "url_with",
    "utility_settings",
    "volume",
]

TEMPLATE_DIR = Path(__file__).parent / "templates"

# Every response may differ by these request headers: htmx asks for a fragment with
# HX-Request, a boosted navigation or a history restore needs the whole page, and the
# display preferences come from cookies. Caches must key on all of them.
VARY = "HX-Request, HX-Boosted, HX-History-Restore-Request, Cookie"

_DEFAULT_UTILITY = UtilitySettings()

# Nominative month names ("listopad 2026"), as a month heading or a billing period
# reads in Polish. English will come from Babel together with the catalogues.
MONTHS_PL = (
    "styczeń",
    "luty",
    "marzec",
    "kwiecień",
    "maj",
    "czerwiec",
    "lipiec",
    "sierpień",
    "wrzesień",
    "październik",
    "listopad",
    "grudzień",
)


# --- filters -------------------------------------------------------------------------


def _to_decimal(value: Any) -> Decimal | None:
    """Accept what the GraphQL layer hands over: Decimal, a numeric string, an int, or a
    Money object/dict with an `amount`. Floats go through `str` so 0.1 stays 0.1."""
    if value is None or value == "":
        return None
    if isinstance(value, Mapping):
        value = value.get("amount")
    elif not isinstance(value, str | int | float | Decimal) and hasattr(value, "amount"):
        value = value.amount
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise TypeError("a boolean is not an amount")
    try:
        return Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ValueError(f"not a number: {value!r}") from exc


def money(value: Any) -> str:
    """`Decimal("1234.5")` or `"1234.5"` -> "1 234,50 zł" (no-break spaces); None -> ""."""
    amount = _to_decimal(value)
    return "" if amount is None else format_pln(amount)


def volume(value: Any, places: int | None = 3) -> str:
    """Cubic metres: "12,345 m³". Three decimals by default, as meters are read."""
    amount = _to_decimal(value)
    return "" if amount is None else format_decimal_pl(amount, places) + NBSP + "m³"


def _to_datetime(value: Any) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value.strip())
    if isinstance(value, datetime):
        # Naive values come from storage, which keeps UTC.
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    raise TypeError(f"not a date-time: {value!r}")


def _to_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        # A moment belongs to the Warsaw calendar day on which it happened.
        return value.astimezone(WARSAW).date() if value.tzinfo else value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        if len(text) == 10:
            return date.fromisoformat(text)
        return _to_date(datetime.fromisoformat(text))
    raise TypeError(f"not a date: {value!r}")


def date_pl(value: Any) -> str:
    """date or ISO string -> "21.11.2026"; None -> ""."""
    day = _to_date(value)
    return "" if day is None else day.strftime("%d.%m.%Y")


def datetime_pl(value: Any) -> str:
    """datetime or ISO string (with offset) -> "21.11.2026, 14:05" in Europe/Warsaw."""
    moment = _to_datetime(value)
    return "" if moment is None else moment.astimezone(WARSAW).strftime("%d.%m.%Y, %H:%M")


def month_pl(value: Any) -> str:
    """A date, "2026-11" or "2026-11-01" -> "listopad 2026"."""
    if value is None or value == "":
        return ""
    if isinstance(value, str) and len(value.strip()) == 7:
        year, month = value.strip().split("-")
        return f"{MONTHS_PL[int(month) - 1]} {int(year)}"
    day = _to_date(value)
    assert day is not None
    return f"{MONTHS_PL[day.month - 1]} {day.year}"


def cubic_metres(value: Decimal) -> str:
    """`format_decimal_pl(value, 3)`, the short way for what consumption usually is: a
    volume below 1 000 m³ with three decimals already ("7.500" -> "7,500")."""
    text = str(value)  # "7.500"; "-1.500", "1000.000", "7.5" or "5E-7" take the long way
    if len(text) <= 7 and text[-4:-3] == "." and text[0] != "-" and "E" not in text:
        return text.replace(".", ",")
    return format_decimal_pl(value, 3)


def usage_table_rows(points: Sequence[MonthPoint], no_data: str, yes: str, no: str) -> Markup:
    """The rows of a consumption chart's data table (_macros/chart.html): the month, its
    volume (`no_data` when there is none) and whether it is estimated (`yes`/`no`). Written
    here rather than in the template for the reason `svg_drawing` is: two dozen rows of
    filters and words cost a Jinja loop many times what the string formatting does. The
    words still come from the template."""
    no_data, yes, no = escape(no_data), f"<strong>{escape(yes)}</strong>", escape(no)
    rows = []
    for point in points:
        marked = ' class="usage-table__row--estimated"' if point.estimated else ""
        month = f"{MONTHS_PL[point.month.month - 1]} {point.month.year}"
        if point.volume is None:
            amount, estimated = no_data, "–"
        else:
            amount = cubic_metres(point.volume) + NBSP + "m³"
            estimated = yes if point.estimated else no
        rows.append(
            f'<tr{marked}>\n<th scope="row">{month}</th>\n'
            f'<td class="num">{amount}</td>\n<td>{estimated}</td>\n</tr>'
        )
    return Markup("\n".join(rows))


def usage_summary_text(summary: UsageSummary) -> Markup:
    """The consumption chart's text alternative (the <desc> of both drawings): the range,
    the total and average, the highest and lowest month and the estimated ones, a
    sentence a line. Written here for the reason `usage_table_rows` is: a macro of a
    dozen filters and texts cost nearly a tenth of the dashboard's rendering."""
    _ = polish_text
    lines = [
        _(
            "Zużycie wody w okresie %(first)s – %(last)s.",
            first=month_pl(summary.first),
            last=month_pl(summary.last),
        )
    ]
    highest, lowest = summary.highest, summary.lowest
    if highest is None or lowest is None:
        lines.append(_("Brak danych o zużyciu w tym okresie."))
        return Markup("\n").join(lines)
    lines += [
        _(
            "Łącznie %(total)s, średnio %(average)s miesięcznie.",
            total=volume(summary.total, 1),
            average=volume(summary.average, 1),
        ),
        _(
            "Najwięcej: %(month)s, %(value)s.",
            month=month_pl(highest.month),
            value=volume(highest.volume, 1),
        ),
        _(
            "Najmniej: %(month)s, %(value)s.",
            month=month_pl(lowest.month),
            value=volume(lowest.volume, 1),
        ),
    ]
    if summary.estimated:
        months = ", ".join(month_pl(p.month) for p in summary.estimated)
        lines.append(_("Zużycie szacunkowe (bez odczytu):") + " " + escape(months) + ".")
    else:
        lines.append(_("Każdy miesiąc rozliczono na podstawie odczytów."))
    return Markup("\n").join(lines)


def main_nav_items(links: Sequence[tuple[str, str]], path: str) -> Markup:
    """The main menu's items (`links`: href and text, from base.html), the one of this
    page marked `aria-current="page"` and the one of its section `"true"`. Written
    here for the reason `usage_table_rows` is: every page draws the menu, and a Jinja
    loop with a test and a method call per link costs several times the formatting."""
    items = []
    for href, text in links:
        current = (
            ' aria-current="page"'
            if path == href
            else ' aria-current="true"'
            if path.startswith(href + "/")
            else ""
        )
        items.append(
            f'<li class="main-nav__item"><a class="main-nav__link" href="{escape(href)}"'
            f"{current}>{escape(text)}</a></li>"
        )
    return Markup("\n".join(items))


def preference_links(
    groups: Sequence[tuple[str, str, str, str, Sequence[tuple[str, str]]]],
    prefs: Preferences,
    back: str,
) -> Markup:
    """The contrast and text-size switches on every page: for each group (its label, the
    hidden words before each option, the preference, its route and the options) a
    paragraph of links, the one in force marked `aria-current`. `back` is the page to
    return to, already URL-encoded. In Python for the reason `main_nav_items` is."""
    back = escape(back)
    paragraphs = []
    for label, hidden, kind, route, options in groups:
        chosen = getattr(prefs, kind)
        kind, route, hidden = escape(kind), escape(route), escape(hidden)
        links = []
        for value, text in options:
            current = ' aria-current="true"' if value == chosen else ""
            value = escape(value)
            links.append(
                f'<a class="prefs__option" href="/ustawienia/{route}/{value}?wroc={back}"'
                f' data-pref="{kind}" data-value="{value}"{current}>'
                f'<span class="visually-hidden">{hidden} </span>{escape(text)}</a>'
            )
        separated = '\n<span class="prefs__sep" aria-hidden="true">/</span>\n'.join(links)
        paragraphs.append(
            f'<p class="prefs__group">\n<span class="prefs__label">{escape(label)}</span>\n'
            f"{separated}\n</p>"
        )
    return Markup("\n".join(paragraphs))


def announcement_briefs(
    items: Iterable[Mapping[str, Any]],
    kind_labels: Mapping[str, str],
    disruption_kinds: Collection[str],
    own_street: str,
) -> Markup:
    """The dashboard's announcements, titles only (home/_announcements.html's
    `brief_list`): the kind in words (`kind_labels`), a failure or outage marked, one
    on the customer's own street (`ownStreet`) said so first (`own_street`), a link to
    it on the home page and its date. The words come from the template; in Python for
    the reason `usage_table_rows` is."""
    own_mark = f"<strong>{escape(own_street)}</strong>\n"
    rows = []
    for item in items:
        kind, own = item["kind"], item.get("ownStreet")
        classes = "news-brief__item"
        if kind in disruption_kinds:
            classes += " news-brief__item--disruption"
        if own:
            classes += " news-brief__item--own-street"
        anchor = escape(str(item["id"]).replace("=", ""))
        rows.append(
            f'<li class="{classes}">\n{own_mark if own else ""}'
            f'<strong class="announcement__tag">{escape(kind_labels.get(kind, kind))}</strong>\n'
            f'<a class="news-brief__link" href="/#komunikat-{anchor}">{escape(item["title"])}</a>\n'
            f'<span class="news-brief__date">({date_pl(item["publishedAt"])})</span>\n</li>'
        )
    return Markup("\n".join(rows))


# --- globals -------------------------------------------------------------------------


def url_with(base: str, /, **params: Any) -> str:
    """`base` with the given query parameters set (None removes one), others kept.

    Pagination and filters build their links with it, so a filter survives paging and
    a stale cursor never does (`url_with(url, after=cursor, before=None)`).
    """
    parts = urlsplit(base)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in params]
    query += [(k, str(v)) for k, v in params.items() if v is not None]
    return urlunsplit(("", "", parts.path or "/", urlencode(query), ""))


def field_error(errors: Any, name: str) -> str | None:
    """The message for one field from whatever a page put in `errors`: a FormErrors, a
    dict field->message, or a list of {field, message}."""
    if not errors:
        return None
    if isinstance(errors, Mapping) or hasattr(errors, "get"):
        message = errors.get(name)
        return str(message) if message else None
    if isinstance(errors, Iterable):
        for item in errors:
            if isinstance(item, Mapping) and item.get("field") == name:
                return str(item.get("message", ""))
    return None


def option_item(option: Any) -> dict[str, Any]:
    """A select/radio/checkbox option as {value, text, hint} from a pair, dict or string."""
    if isinstance(option, Mapping):
        return {
            "value": option["value"],
            "text": option.get("text", option["value"]),
            "hint": option.get("hint"),
        }
    if isinstance(option, tuple | list):
        return {
            "value": option[0],
            "text": option[1],
            "hint": option[2] if len(option) > 2 else None,
        }
    return {"value": option, "text": option, "hint": None}


def iso_date(value: Any) -> str:
    """A date for `<input type=date>`: "2026-11-21"; text that is not a date stays as typed,
    so a person's wrong input is shown back to them unchanged."""
    if value is None or value == "":
        return ""
    if isinstance(value, date | datetime):
        day = _to_date(value)
        return day.isoformat() if day else ""
    return str(value)


def _summary(errors: Any) -> list[dict[str, str | None]]:
    """Normalise `errors` for the error summary: [{field, message, href}] in order."""
    if not errors:
        return []
    if hasattr(errors, "summary"):
        return list(errors.summary())
    if isinstance(errors, Mapping):
        items: Iterable[Any] = [{"field": k, "message": v} for k, v in errors.items()]
    else:
        items = errors
    result: list[dict[str, str | None]] = []
    for item in items:
        field = item.get("field") or None
        result.append(
            {
                "field": field,
                "message": str(item["message"]),
                "href": f"#{field}" if field else None,
            }
        )
    return result


# --- the environment -----------------------------------------------------------------


@lru_cache(maxsize=4096)
def _constant_text(text: str) -> Markup:
    return Markup(text) % {}


def polish_text(text: str, /, **variables: Any) -> Markup:
    """A template's text in Polish, the source language, as new-style gettext gives it:
    markup, formatted (`%%` is `%` even with no variables) with escaped variables."""
    if not variables:
        return _constant_text(text)
    return Markup(text) % variables


# Tokens beside `_("...")` that keep it a call: the operators, and `.`, `[` or `(` after.
_OPERATORS = frozenset({"tilde", "add", "sub", "mul", "div", "floordiv", "mod", "pow"})
_NOT_BEFORE = _OPERATORS | {"dot"}
_NOT_AFTER = _OPERATORS | {"dot", "lbracket", "lparen"}


class ConstantTexts(jinja2.ext.Extension):
    """`_("a constant text")` is written into the compiled template as the text itself.

    A template's call goes through Jinja's `Context.call` (about a hundred times a page),
    though a text without variables always comes out the same: `polish_text` gives it as
    markup, `%%` made `%`. The token stream is rewritten to `"text"|safe`, which Jinja
    folds into a constant when it compiles the template. Calls with variables, with a
    text that is no valid format, or beside an operator are left as they are: Jinja's
    folding of `"a"|safe ~ "<"` would lose the markup and escape the text.
    """

    def filter_stream(self, stream: jinja2.lexer.TokenStream) -> Iterable[jinja2.lexer.Token]:
        tokens = list(stream)
        index = 0
        while index < len(tokens):
            token = tokens[index]
            call = tokens[index : index + 4]
            if (
                token.type == "name"
                and token.value == "_"
                and [t.type for t in call] == ["name", "lparen", "string", "rparen"]
                and (index == 0 or tokens[index - 1].type not in _NOT_BEFORE)
                and (index + 4 >= len(tokens) or tokens[index + 4].type not in _NOT_AFTER)
            ):
                try:
                    text = call[2].value % {}
                except (TypeError, ValueError, KeyError):
                    text = None
                if text is not None:
                    line = token.lineno
                    yield jinja2.lexer.Token(line, "string", text)
                    yield jinja2.lexer.Token(line, "pipe", "|")
                    yield jinja2.lexer.Token(line, "name", "safe")
                    index += 4
                    continue
            yield token
            index += 1


# A plain dict has no attributes but the methods of dict.
_DICT_ATTRIBUTES = frozenset(dir(dict))


class PageEnvironment(jinja2.Environment):
    """Jinja's environment, with `data.field` on the API's data (plain dicts) looked up
    as the key at once. Jinja tries the attribute first and takes the key when that
    fails: on a dict that is an AttributeError raised and caught for every field a page
    shows, a hundred on the dashboard. The result is the same as Jinja's, since a plain
    dict has no attributes but its methods, and those names still go to Jinja."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


templates = PageEnvironment(
    loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
    autoescape=jinja2.select_autoescape(enabled_extensions=("html",), default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
    extensions=["jinja2.ext.i18n", ConstantTexts],
    # A typo in a template should fail a test, not print an empty string to a customer.
    undefined=jinja2.StrictUndefined,
    # Templates ship with the code and change only with a new release (a restart):
    # no stat() of every template a page imports, on every page.
    auto_reload=False,
)
# Polish is the source language: untranslated strings are the Polish text itself.
# New-style gettext escapes and formats (`_("%(n)s faktur", n=3)`) safely.
templates.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
# With no catalogue installed, `_` and `gettext` (what `{% trans %}` compiles to) are
# the text as markup, formatted with its escaped variables: exactly what the null
# new-style callables return, without their second context call, and remembered for
# the few hundred constant texts a page asks for again and again.
templates.globals.update(_=polish_text, gettext=polish_text)
# `{% trans %}` blocks collapse their whitespace, so catalogue entries are one line each.
templates.policies["ext.i18n.trimmed"] = True
templates.filters.update(
    money=money,
    volume=volume,
    date_pl=date_pl,
    datetime_pl=datetime_pl,
    month_pl=month_pl,
)
templates.globals.update(
    svg_drawing=svg_drawing,
    usage_table_rows=usage_table_rows,
    usage_summary_text=usage_summary_text,
    main_nav_items=main_nav_items,
    preference_links=preference_links,
    announcement_briefs=announcement_briefs,
    url_with=url_with,
    field_error=field_error,
    error_summary_items=_summary,
    option_item=option_item,
    iso_date=iso_date,
)


# --- rendering -----------------------------------------------------------------------


def is_fragment_request(request: Request) -> bool:
    """True when htmx asks for part of a page (an `hx-get`/`hx-post` with a target).

    Boosted navigations swap the whole body and history restores rebuild it, so both
    need the full page even though they carry HX-Request too.
    """
    headers = request.headers
    return (
        headers.get("hx-request") == "true"
        and headers.get("hx-boosted") != "true"
        and headers.get("hx-history-restore-request") != "true"
    )


def render_block(template_name: str, block: str, context: Mapping[str, Any]) -> str:
    """Render one named block of a template, for an htmx request that asks for it.

    jinja2-fragments renders the block alone, without the template's top-level code:
    a block rendered this way makes its own `{% import %}`s inside itself.
    """
    return jinja2_fragments.render_block(templates, template_name, block, dict(context))


def utility_settings(request: Request) -> Any:
    """The utility's facts: the app's settings when it has them, else the defaults."""
    settings = getattr(request.app.state, "settings", None) if "app" in request.scope else None
    return getattr(settings, "utility", None) or _DEFAULT_UTILITY


def base_context(request: Request) -> dict[str, Any]:
    """What every template may rely on, whatever the page adds."""
    state = request.state
    query = request.url.query
    return {
        "request": request,
        "prefs": read_preferences(request),
        "csrf_token": getattr(state, "csrf_token", ""),
        "viewer": getattr(state, "viewer", None),
        "current_path": request.url.path + ("?" + query if query else ""),
        "utility": utility_settings(request),
        "lang": "pl",
        "errors": None,
        "form_errors": None,
        "values": {},
    }


def render(
    request: Request,
    template_name: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    block: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    """Render a page, or only its `block` when htmx asks for a fragment.

    Without JavaScript, and for boosted navigation, the full page is sent; a targeted
    htmx request with a `block` gets just that block. The response always says it
    varies by HX-Request, and pages for a signed-in person are never stored.
    """
    ctx = base_context(request)
    if context:
        ctx.update(context)
    if block is not None and is_fragment_request(request):
        body = render_block(template_name, block, ctx)
    else:
        body = templates.get_template(template_name).render(ctx)
    response = HTMLResponse(body, status_code=status_code)
    response.headers["Vary"] = VARY
    if ctx.get("viewer") is not None:
        response.headers["Cache-Control"] = "no-store"
    else:
        # The page carries a CSRF token and the preference classes: revalidate every time.
        response.headers["Cache-Control"] = "private, no-cache"
    if headers:
        for name, value in headers.items():
            response.headers[name] = value
    return response
