"""Page infrastructure without a browser: filters, render(), preferences, security headers,
the form macros' wiring and the form helpers."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import jinja2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from web import preferences
from web.forms import FormErrors, errors_from_user_errors, form_response, parse_date_input
from web.pages import public
from web.preferences import Preferences, read_preferences, safe_return_path
from web.rendering import (
    date_pl,
    datetime_pl,
    money,
    month_pl,
    render,
    templates,
    url_with,
    volume,
)
from web.security import CONTENT_SECURITY_POLICY, SecurityHeadersMiddleware

NBSP = "\u00a0"
TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "web" / "templates"


# --- filters ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("1234.5"), f"1{NBSP}234,50{NBSP}zł"),
        ("1234.5", f"1{NBSP}234,50{NBSP}zł"),
        ("1234567.891", f"1{NBSP}234{NBSP}567,89{NBSP}zł"),
        (Decimal("-56.1"), f"-56,10{NBSP}zł"),
        (0, f"0,00{NBSP}zł"),
        ({"amount": "12.30", "currency": "PLN"}, f"12,30{NBSP}zł"),
        (None, ""),
    ],
)
def test_money(value: Any, expected: str) -> None:
    assert money(value) == expected


def test_money_refuses_nonsense() -> None:
    with pytest.raises(ValueError):
        money("12 zł")


def test_volume_and_dates() -> None:
    assert volume("12.345") == f"12,345{NBSP}m³"
    assert volume(Decimal("1234.5")) == f"1{NBSP}234,500{NBSP}m³"
    assert volume("7", 0) == f"7{NBSP}m³"
    assert date_pl(date(2026, 11, 21)) == "21.11.2026"
    assert date_pl("2026-01-05") == "05.01.2026"
    # A moment late on 31 Dec UTC is already New Year's Day in Warsaw.
    assert date_pl("2026-12-31T23:30:00+00:00") == "01.01.2027"
    assert date_pl(None) == ""


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-11-21T13:05:00+00:00", "21.11.2026, 14:05"),  # CET, UTC+1
        ("2026-07-01T12:00:00Z", "01.07.2026, 14:00"),  # CEST, UTC+2
        (datetime(2026, 11, 21, 13, 5, tzinfo=UTC), "21.11.2026, 14:05"),
        (datetime(2026, 11, 21, 13, 5), "21.11.2026, 14:05"),  # naive = stored UTC
        ("2026-11-21T14:05:00+01:00", "21.11.2026, 14:05"),
    ],
)
def test_datetime_pl_is_warsaw_time(value: Any, expected: str) -> None:
    assert datetime_pl(value) == expected


def test_month_pl() -> None:
    assert month_pl("2026-11") == "listopad 2026"
    assert month_pl(date(2026, 1, 5)) == "styczeń 2026"
    assert month_pl("2026-09-01") == "wrzesień 2026"


def test_filters_in_a_template_keep_no_break_spaces() -> None:
    html = templates.from_string("{{ x|money }} {{ d|date_pl }}").render(
        x=Decimal("1234.56"), d=date(2026, 11, 21)
    )
    assert html == f"1{NBSP}234,56{NBSP}zł 21.11.2026"


def test_url_with_keeps_filters_and_replaces_cursors() -> None:
    url = url_with("/faktury?status=PAID&after=old", after="new", before=None)
    assert url == "/faktury?status=PAID&after=new"
    assert url_with("/faktury", page=2) == "/faktury?page=2"


# --- preferences ------------------------------------------------------------------------


def _request(
    headers: dict[str, str] | None = None, path: str = "/strona", query: str = ""
) -> Request:
    raw = [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    return Request(
        {
            "type": "http",
            "method": "GET",
            "path": path,
            "query_string": query.encode(),
            "headers": raw,
        }
    )


def test_read_preferences_falls_back_on_unknown_values() -> None:
    assert read_preferences(_request()) == Preferences("normal", "100")
    request = _request({"Cookie": "ebok_kontrast=high; ebok_czcionka=150"})
    assert read_preferences(request).html_classes == "contrast-high font-150"
    request = _request({"Cookie": "ebok_kontrast=purple; ebok_czcionka=999"})
    assert read_preferences(request) == Preferences("normal", "100")


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "https://evil.example/",
        "/\\evil.example",
        "javascript:alert(1)",
        "",
        "evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
    ],
)
def test_safe_return_path_refuses_other_sites(target: str) -> None:
    assert safe_return_path(target) == "/"


def test_safe_return_path_keeps_local_paths() -> None:
    assert safe_return_path("/faktury?status=PAID&after=x") == "/faktury?status=PAID&after=x"


async def _ok(request: Request) -> PlainTextResponse:
    return PlainTextResponse("ok")


REGULATIONS_CONTEXT = {"terms_effective": date(2026, 1, 12), "dpo_email": "iod@example.org"}


async def _page(request: Request) -> Any:
    return render(request, "public/regulamin.html", REGULATIONS_CONTEXT)


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    app = Starlette(
        routes=[
            *preferences.routes,
            *public.routes,
            Route("/ok", _ok),
            Route("/strona", _page),
        ],
        middleware=[Middleware(SecurityHeadersMiddleware)],
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


@pytest.mark.parametrize("target", ["//evil.example", "https://x", "/\\evil.example"])
async def test_preference_route_refuses_non_local_return(
    client: httpx.AsyncClient, target: str
) -> None:
    response = await client.get("/ustawienia/kontrast/high", params={"wroc": target})
    assert response.status_code == 303
    assert response.headers["location"] == "/"


async def test_preference_route_sets_cookie_and_returns(client: httpx.AsyncClient) -> None:
    response = await client.get("/ustawienia/czcionka/125", params={"wroc": "/faktury?status=PAID"})
    assert response.status_code == 303
    assert response.headers["location"] == "/faktury?status=PAID"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("ebok_czcionka=125;")
    for flag in ("HttpOnly", "Max-Age=31536000", "Path=/", "SameSite=lax"):
        assert flag in cookie
    assert "Secure" not in cookie  # plain http in tests; set when the request is https

    response = await client.get("/ustawienia/kontrast/high", params={"wroc": "/"})
    assert response.cookies.get("ebok_kontrast") == "high"


async def test_preference_route_rejects_unknown_values(client: httpx.AsyncClient) -> None:
    response = await client.get("/ustawienia/czcionka/300", params={"wroc": "/"})
    assert response.status_code == 404
    assert "set-cookie" not in response.headers


async def test_htmx_preference_request_gets_204_and_trigger(client: httpx.AsyncClient) -> None:
    client.cookies.set("ebok_czcionka", "150")
    response = await client.get(
        "/ustawienia/kontrast/high",
        params={"wroc": "/regulamin"},
        headers={"HX-Request": "true", "HX-Boosted": "true"},
    )
    assert response.status_code == 204
    assert "location" not in response.headers
    trigger = json.loads(response.headers["hx-trigger"])
    assert trigger == {
        "ebok-prefs": {"classes": "contrast-high font-150", "contrast": "high", "font": "150"}
    }
    assert "ebok_kontrast=high" in response.headers["set-cookie"]


# --- render() and headers ---------------------------------------------------------------


async def test_pages_vary_on_hx_request_and_carry_preferences(client: httpx.AsyncClient) -> None:
    client.cookies.set("ebok_kontrast", "high")
    response = await client.get("/regulamin")
    assert response.status_code == 200
    assert "HX-Request" in response.headers["vary"]
    assert '<html lang="pl" class="contrast-high font-100">' in response.text
    assert response.text.count("<h1") == 1
    assert 'aria-current="true"' in response.text


async def test_security_headers_on_every_response(client: httpx.AsyncClient) -> None:
    for path in ("/ok", "/regulamin", "/nie-ma"):
        response = await client.get(path)
        csp = response.headers["content-security-policy"]
        assert csp == CONTENT_SECURITY_POLICY
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert "script-src 'self'" in csp and "style-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "same-origin"
        assert response.headers["cross-origin-opener-policy"] == "same-origin"
        assert "camera=()" in response.headers["permissions-policy"]


async def test_a_response_may_bring_its_own_policy() -> None:
    async def graphiql(request: Request) -> PlainTextResponse:
        return PlainTextResponse("ide", headers={"Content-Security-Policy": "default-src *"})

    app = SecurityHeadersMiddleware(Starlette(routes=[Route("/graphql", graphiql)]))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        response = await http.get("/graphql")
    assert response.headers["content-security-policy"] == "default-src *"
    assert response.headers["x-frame-options"] == "DENY"


def test_render_full_page_fragment_and_cache_headers() -> None:
    name, context = "public/regulamin.html", REGULATIONS_CONTEXT

    full = render(_request(), name, context, block="content")
    assert full.body.startswith(b"<!doctype html>")
    assert full.headers["cache-control"] == "private, no-cache"

    fragment = render(_request({"HX-Request": "true"}), name, context, block="content")
    body = fragment.body.decode()
    assert "<html" not in body and "<h1>" in body
    assert "HX-Request" in fragment.headers["vary"]

    # A boosted navigation and a history restore swap the whole body: full page.
    for headers in (
        {"HX-Request": "true", "HX-Boosted": "true"},
        {"HX-Request": "true", "HX-History-Restore-Request": "true"},
    ):
        assert render(_request(headers), name, context, block="content").body.startswith(
            b"<!doctype html>"
        )

    # Without a block an htmx request gets the page.
    page = render(_request({"HX-Request": "true"}), name, context)
    assert page.body.startswith(b"<!doctype html>")


def test_signed_in_pages_are_not_stored_and_show_the_viewer() -> None:
    request = _request(path="/konto")
    request.state.viewer = SimpleNamespace(login="jan.kowalski", role="CUSTOMER")
    request.state.csrf_token = "tok-123"
    response = render(request, "errors/404.html")
    assert response.headers["cache-control"] == "no-store"
    html = response.body.decode()
    assert "jan.kowalski" in html
    assert '<input type="hidden" name="csrf_token" value="tok-123">' in html
    assert '<nav class="main-nav" aria-label="Menu główne">' in html
    assert '<a class="main-nav__link" href="/konto" aria-current="page">Pulpit</a>' in html


def test_title_says_error_when_the_form_has_errors() -> None:
    html = render(_request(), "errors/404.html", {"errors": FormErrors({"login": "Wpisz login"})})
    assert re.search(r"<title>Błąd: Nie znaleziono strony", html.body.decode())
    html = render(_request(), "errors/404.html")
    assert "<title>Nie znaleziono strony" in html.body.decode()


def test_a_fragment_block_renders_alone_with_its_own_imports() -> None:
    from web.rendering import base_context, render_block

    html = render_block(
        "invoices/list.html",
        "listing",
        {**base_context(_request()), "account": None, "accounts": [], "fragment": True},
    )
    assert "<html" not in html and '<div id="faktury"' in html


@pytest.mark.parametrize(
    ("template", "block"),
    [("invoices/list.html", "listing"), ("ledger/index.html", "listing")],
)
def test_the_pages_fragments_come_from_jinja2_fragments(
    template: str, block: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import jinja2_fragments

    import web.rendering

    calls: list[tuple[str, str]] = []

    def spy(env: object, name: str, block_name: str, context: dict[str, Any]) -> str:
        calls.append((name, block_name))
        return "<p>fragment</p>"

    monkeypatch.setattr(jinja2_fragments, "render_block", spy)
    response = web.rendering.render(_request({"HX-Request": "true"}), template, {}, block=block)
    assert response.body == b"<p>fragment</p>" and calls == [(template, block)]


# --- the form macros' wiring -------------------------------------------------------------


class _Elements(HTMLParser):
    """Every start tag with its attributes, and the text inside elements that have an id."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text_by_id: dict[str, str] = {}
        self._open: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag not in ("input", "br", "meta", "link", "img"):
            self._open.append(attributes.get("id"))

    def handle_endtag(self, tag: str) -> None:
        if self._open and tag not in ("input", "br", "meta", "link", "img"):
            self._open.pop()

    def handle_data(self, data: str) -> None:
        for element_id in self._open:
            if element_id:
                self.text_by_id[element_id] = self.text_by_id.get(element_id, "") + data

    def by_id(self, element_id: str) -> tuple[str, dict[str, str | None]]:
        matches = [t for t in self.tags if t[1].get("id") == element_id]
        assert len(matches) == 1, f"id {element_id!r} appears {len(matches)} times"
        return matches[0]


FORM = """
{% import "_macros/forms.html" as forms with context %}
{{ forms.error_summary(errors) }}
{{ forms.input("invoiceNumber", "Numer faktury", hint="Jest na fakturze") }}
{{ forms.input("email", "E-mail", type="email", autocomplete="email") }}
{{ forms.radios("cycle", "Okres", [("MONTHLY", "Co miesiąc"), ("BIMONTHLY", "Co dwa")]) }}
{{ forms.textarea("note", "Uwagi") }}
{{ forms.csrf() }}
"""


def test_error_summary_and_fields_are_wired() -> None:
    errors = errors_from_user_errors(
        [
            {"field": "invoiceNumber", "code": "NOT_FOUND", "message": "Nie ma takiej faktury"},
            {"field": "cycle", "code": "REQUIRED", "message": "Wybierz okres"},
            {"field": None, "code": "RATE_LIMITED", "message": "Spróbuj za chwilę"},
        ]
    )
    values = {"invoiceNumber": 'FV/1"<x>', "email": "jan@example.org", "cycle": "BIMONTHLY"}
    html = templates.from_string(FORM).render(errors=errors, values=values, csrf_token="t")
    page = _Elements()
    page.feed(html)

    _, summary = next((t, a) for t, a in page.tags if "error-summary" in (a.get("class") or ""))
    assert summary["role"] == "alert" and summary["tabindex"] == "-1" and "autofocus" in summary
    assert page.text_by_id[str(summary["aria-labelledby"])].strip() == "Wystąpił problem"
    links = [a["href"] for t, a in page.tags if t == "a"]
    assert links == ["#invoiceNumber", "#cycle"]  # the general message has no link
    assert "Spróbuj za chwilę" in html
    for href in links:
        assert href is not None
        page.by_id(href[1:])  # every link lands on a control

    _, field = page.by_id("invoiceNumber")
    assert field["aria-describedby"] == "invoiceNumber-hint invoiceNumber-error"
    assert field["aria-invalid"] == "true"
    assert field["value"] == 'FV/1"<x>'  # kept, and escaped in the markup
    assert 'value="FV/1&#34;&lt;x&gt;"' in html
    assert page.text_by_id["invoiceNumber-hint"].strip() == "Jest na fakturze"
    error_text = " ".join(page.text_by_id["invoiceNumber-error"].split())
    assert error_text == "Błąd: Nie ma takiej faktury"
    hidden = [a for t, a in page.tags if t == "span" and a.get("class") == "visually-hidden"]
    assert hidden, "the 'Błąd:' prefix is visually hidden"
    labels = {a.get("for") for t, a in page.tags if t == "label"}
    assert {"invoiceNumber", "email", "cycle", "cycle-2", "note"} <= labels

    _, email = page.by_id("email")
    assert "aria-invalid" not in email and "aria-describedby" not in email
    assert email["value"] == "jan@example.org" and email["autocomplete"] == "email"

    fieldset = next(a for t, a in page.tags if t == "fieldset")
    assert fieldset["aria-describedby"] == "cycle-error"
    _, second = page.by_id("cycle-2")
    assert "checked" in second
    assert "checked" not in page.by_id("cycle")[1]

    assert ("input", {"type": "hidden", "name": "csrf_token", "value": "t"}) in page.tags


def test_no_inline_styles_or_scripts_in_any_template() -> None:
    """The Content-Security-Policy blocks them; they would silently do nothing."""
    inline = re.compile(r"""\sstyle\s*=|<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=\s*["']""", re.I)
    for path in TEMPLATE_DIR.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert not inline.search(text), (
            f"inline style or script in {path.relative_to(TEMPLATE_DIR)}"
        )


def test_every_template_compiles() -> None:
    for name in templates.list_templates(extensions=["html"]):
        templates.get_template(name)


# --- form helpers -----------------------------------------------------------------------


def test_form_errors_keep_order_and_first_message() -> None:
    errors = FormErrors()
    assert not errors
    errors.add("b", "first b")
    errors.add("a", "first a")
    errors.add("b", "second b")
    assert errors and len(errors) == 2 and "b" in errors
    assert errors.get("b") == "first b"
    assert [item["field"] for item in errors.summary()] == ["b", "a"]
    assert errors.summary()[0]["href"] == "#b"


def test_user_errors_map_to_form_fields() -> None:
    errors = errors_from_user_errors(
        [
            {"field": "input.invoiceNumber", "code": "X", "message": "Zły numer"},
            {"field": ["input", "accountNumber"], "code": "Y", "message": "Zły klient"},
        ]
    )
    assert errors.get("invoiceNumber") == "Zły numer"
    assert errors.get("accountNumber") == "Zły klient"
    assert not errors_from_user_errors([])


def test_form_response_is_422_with_errors() -> None:
    context = REGULATIONS_CONTEXT
    bad = form_response(_request(), "public/regulamin.html", context, FormErrors({"x": "Zły"}))
    assert bad.status_code == 422
    assert "<title>Błąd: " in bad.body.decode()
    good = form_response(_request(), "public/regulamin.html", context, FormErrors())
    assert good.status_code == 200


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-21", date(2026, 11, 21)),
        ("21.11.2026", date(2026, 11, 21)),
        (" 1.2.2026 ", date(2026, 2, 1)),
        ("", None),
        (None, None),
    ],
)
def test_parse_date_input(text: str | None, expected: date | None) -> None:
    assert parse_date_input(text) == expected


@pytest.mark.parametrize("text", ["31.02.2026", "jutro", "2026-13-01"])
def test_parse_date_input_refuses_nonsense(text: str) -> None:
    with pytest.raises(ValueError):
        parse_date_input(text)


@pytest.mark.parametrize(
    "source",
    [
        '{{ _("Zużycie wody w m³") }}',
        '{{ _("100%% pewności") }}',
        "{{ _('Wodociągi & <abbr>BOK</abbr>') ~ '<' }}",
        '{% set label = _("Kontrast") %}{{ label }}: {{ label|lower }}',
        '{{ _("%(n)s faktur do zapłaty", n="<b>3</b>") }}',
        '{{ _("Konto %(number)s", number=number) }} i {{ _("Konto %(number)s", number="1") }}',
        "{% trans %}Masz   {{ number }}\n  faktur{% endtrans %}",
        "{% trans count=2 %}{{ count }} faktura{% pluralize %}{{ count }} faktury{% endtrans %}",
    ],
)
def test_page_texts_read_as_the_null_translations_give_them(source: str) -> None:
    """The pages' own `_` and `gettext` give what Jinja's null new-style gettext gives:
    the same text, `%%` as `%`, variables escaped."""
    reference = jinja2.Environment(autoescape=True, extensions=["jinja2.ext.i18n"])
    reference.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
    reference.policies["ext.i18n.trimmed"] = True
    variables = {"number": "<script>1</script>"}
    expected = reference.from_string(source).render(variables)
    assert templates.from_string(source).render(variables) == expected
    assert "<script>" not in expected


def test_constant_texts_are_written_into_the_compiled_template() -> None:
    """A text without variables costs no call when the page renders; one with
    variables, or one that is no valid format, is still called."""
    folded = templates.compile('{{ _("Pulpit") }}', raw=True)
    assert "context.call" not in folded and "Pulpit" in folded
    called = templates.compile('{{ _("Konto %(n)s", n=1) }}{{ _("50% off") }}', raw=True)
    assert called.count("context.call") == 2
    with pytest.raises((TypeError, ValueError)):
        templates.from_string('{{ _("50% off") }}').render()


def test_the_usage_table_rows_say_in_words_what_the_chart_shows() -> None:
    from web.charts import MonthPoint
    from web.rendering import usage_table_rows

    points = [
        MonthPoint(date(2026, 9, 1), Decimal("7.5")),
        MonthPoint(date(2026, 10, 1), Decimal("8.125"), True),
        MonthPoint(date(2026, 11, 1), None),
    ]
    html = str(usage_table_rows(points, "brak <danych>", "tak", "nie"))
    rows = re.findall(r"<tr([^>]*)>(.*?)</tr>", html, re.S)
    assert [attributes for attributes, _ in rows] == [
        "",
        ' class="usage-table__row--estimated"',
        "",
    ]
    cells = [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row) for _, row in rows]
    assert cells == [
        ["wrzesień 2026", "7,500\u00a0m³", "nie"],
        ["październik 2026", "8,125\u00a0m³", "<strong>tak</strong>"],
        ["listopad 2026", "brak &lt;danych&gt;", "–"],
    ]


@settings(deadline=None)
@given(
    st.decimals(min_value=-2000, max_value=2000, places=3, allow_nan=False, allow_infinity=False)
)
def test_a_volume_in_the_usage_table_reads_as_format_decimal_pl_writes_it(value: Decimal) -> None:
    from models.rules.money import format_decimal_pl
    from web.rendering import cubic_metres

    assert cubic_metres(value) == format_decimal_pl(value, 3)
    shorter = value.quantize(Decimal("0.1"))  # fewer places: the long way
    assert cubic_metres(shorter) == format_decimal_pl(shorter, 3)


def test_the_dashboards_announcements_escape_their_titles_and_say_their_kind() -> None:
    module = templates.get_template("home/_announcements.html").module
    hostile = {
        "id": "QW5ub3VuY2VtZW50OjE=",
        "kind": "FAILURE",
        "title": "<script>alert(1)</script> \"ul. Lipowa\" & 'Polna'",
        "body": "Woda wróci wieczorem.",
        "publishedAt": "2026-11-23T10:00:00+00:00",
        "validTo": None,
        "ownStreet": True,
    }
    news = {**hostile, "id": "QW5ub3VuY2VtZW50OjI", "kind": "NEWS", "ownStreet": False}
    html = str(module.brief_list([hostile, news]))
    assert "<script>" not in html
    assert (
        "&lt;script&gt;alert(1)&lt;/script&gt; &#34;ul. Lipowa&#34; &amp; &#39;Polna&#39;" in html
    )
    items = re.findall(r'<li class="([^"]*)">(.*?)</li>', html, re.S)
    assert [classes for classes, _ in items] == [
        "news-brief__item news-brief__item--disruption news-brief__item--own-street",
        "news-brief__item",
    ]
    assert "<strong>Dotyczy Twojej ulicy:</strong>" in items[0][1]
    assert ">Awaria</strong>" in items[0][1] and ">Informacja</strong>" in items[1][1]
    # The same anchors as the home page's announcements, without the base64 padding.
    assert 'href="/#komunikat-QW5ub3VuY2VtZW50OjE"' in items[0][1]
    assert 'id="komunikat-QW5ub3VuY2VtZW50OjE"' in str(module.announcement(hostile))
    assert "(23.11.2026)" in items[0][1]


@pytest.mark.parametrize(
    ("path", "several"),
    [
        ("/platnosci", False),
        ("/konta/dodaj", False),
        ("/saldo", True),
        ("/faktury?rok=2026", False),
    ],
)
def test_account_links_are_what_url_with_makes_of_them(path: str, several: bool) -> None:
    from web.pages._account import AccountChoice, account_url

    accounts = [{"number": "1000001"}, {"number": "1000002"}][: 2 if several else 1]
    choice = AccountChoice("jan", "CUSTOMER", accounts, "1000002" if several else "1000001")
    expected = url_with(path, konto="1000002" if several else None)
    assert account_url(path, choice) == expected


def test_the_charts_text_alternative_says_range_total_extremes_and_estimates() -> None:
    from web.charts import MonthPoint, summarise
    from web.rendering import usage_summary_text

    points = [
        MonthPoint(date(2026, 8, 1), Decimal("6.5")),
        MonthPoint(date(2026, 9, 1), None),
        MonthPoint(date(2026, 10, 1), Decimal("9.25"), True),
        MonthPoint(date(2026, 11, 1), Decimal("4"), True),
    ]
    assert str(usage_summary_text(summarise(points))).split("\n") == [
        "Zużycie wody w okresie sierpień 2026 – listopad 2026.",
        f"Łącznie 19,8{NBSP}m³, średnio 6,6{NBSP}m³ miesięcznie.",
        f"Najwięcej: październik 2026, 9,3{NBSP}m³.",
        f"Najmniej: listopad 2026, 4,0{NBSP}m³.",
        "Zużycie szacunkowe (bez odczytu): październik 2026, listopad 2026.",
    ]
    read_only = [MonthPoint(date(2026, 11, 1), Decimal("3.5"))]
    assert str(usage_summary_text(summarise(read_only))).endswith(
        "\nKażdy miesiąc rozliczono na podstawie odczytów."
    )
    nothing = [MonthPoint(date(2026, 10, 1), None), MonthPoint(date(2026, 11, 1), None)]
    assert str(usage_summary_text(summarise(nothing))).split("\n") == [
        "Zużycie wody w okresie październik 2026 – listopad 2026.",
        "Brak danych o zużyciu w tym okresie.",
    ]


def test_the_main_menu_marks_the_page_and_its_section_and_escapes_its_words() -> None:
    from web.rendering import main_nav_items

    links = [("/konto", "Pulpit"), ("/faktury", "Faktury"), ("/x?a=1&b=2", "<b>Inne</b>")]
    items = re.findall(r"<li [^>]*><a ([^>]*)>(.*?)</a></li>", str(main_nav_items(links, "/konto")))
    assert items == [
        ('class="main-nav__link" href="/konto" aria-current="page"', "Pulpit"),
        ('class="main-nav__link" href="/faktury"', "Faktury"),
        ('class="main-nav__link" href="/x?a=1&amp;b=2"', "&lt;b&gt;Inne&lt;/b&gt;"),
    ]
    section = str(main_nav_items(links, "/faktury/FV-2026-1"))
    assert '<a class="main-nav__link" href="/faktury" aria-current="true">' in section
    assert "aria-current" not in str(main_nav_items(links, "/fakturyX"))


def test_the_display_switches_mark_the_choice_in_force_and_return_to_the_page() -> None:
    from web.rendering import preference_links

    groups = [
        (
            "Kontrast:",
            "Kontrast",
            "contrast",
            "kontrast",
            [("normal", "zwykły"), ("high", "wysoki")],
        ),
        ("Tekst:", "Wielkość tekstu", "font", "czcionka", [("100", "100%"), ("125", "125%")]),
    ]
    html = str(preference_links(groups, Preferences(contrast="high", font="100"), '/a?b="c"'))
    links = re.findall(r'<a class="prefs__option" ([^>]*)>', html)
    assert links == [
        'href="/ustawienia/kontrast/normal?wroc=/a?b=&#34;c&#34;" data-pref="contrast"'
        ' data-value="normal"',
        'href="/ustawienia/kontrast/high?wroc=/a?b=&#34;c&#34;" data-pref="contrast"'
        ' data-value="high" aria-current="true"',
        'href="/ustawienia/czcionka/100?wroc=/a?b=&#34;c&#34;" data-pref="font"'
        ' data-value="100" aria-current="true"',
        'href="/ustawienia/czcionka/125?wroc=/a?b=&#34;c&#34;" data-pref="font" data-value="125"',
    ]
    assert html.count('<span class="prefs__sep" aria-hidden="true">/</span>') == 2
    assert '<span class="visually-hidden">Wielkość tekstu </span>125%</a>' in html


def test_fields_of_the_apis_data_read_as_jinja_reads_them() -> None:
    """`data.field` on a plain dict takes the key at once, with Jinja's own results: the
    dict's methods stay methods, a missing field is still an error, other objects and
    dict subclasses go the usual way."""

    class Counted(dict[str, Any]):
        pass

    page = templates.from_string(
        "{{ d.title }}|{{ d.items()|list|length }}|{{ d.get('x', '-') }}"
        "|{{ c.title }}|{{ o.title }}"
    )
    data = {"title": "<b>Awaria</b>", "items": "not the method"}
    html = page.render(d=data, c=Counted(title="podklasa"), o=SimpleNamespace(title="obiekt"))
    assert html == "&lt;b&gt;Awaria&lt;/b&gt;|2|-|podklasa|obiekt"
    with pytest.raises(jinja2.UndefinedError):
        templates.from_string("{{ d.missing }}").render(d=data)
