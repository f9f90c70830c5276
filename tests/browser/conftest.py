"""Browser tests: the real app in a subprocess, driven by Debian's Chromium via Playwright.

Playwright's own browser download is never used (`playwright install` is not run):
the tests launch /usr/bin/chromium through `executable_path`. Set EBOK_CHROMIUM to use
another binary, or EBOK_BROWSER_BASE_URL to test an already running server instead of
starting one (handy while debugging a page).

Fixtures:
    live_server      base URL of `ebok serve --demo` started for the session
    browser          one headless Chromium for the session
    page_js          a fresh context with JavaScript on
    page_nojs        a fresh context with JavaScript off
    page_both        the test runs twice, JavaScript on and off (`js_enabled` says which)
    console_errors   collects console errors and page errors; the test fails on any
    axe_violations   async (page) -> axe-core violations for WCAG 2.0/2.1 A and AA
    viewport_320     async (page) -> asserts no horizontal scrolling at 320 CSS px
    set_preferences  async (page, contrast=..., font=...) sets the preference cookies
"""

from __future__ import annotations

import os
import re
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Error,
    Page,
    Route,
    async_playwright,
)

from tests.servers import running_server

CHROMIUM = os.environ.get("EBOK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
CLOCK = "2026-11-21T10:00:00"
CLOCK_IN_WINDOW = "2026-11-27T10:00:00"


BROWSER_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder is a browser test (`-m "not browser"` skips them all)."""
    for item in items:
        if BROWSER_DIR in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.browser)


# --- the server --------------------------------------------------------------------------


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`ebok serve --demo` on a free port, in a temporary directory, for the session."""
    external = os.environ.get("EBOK_BROWSER_BASE_URL")
    if external:
        yield external.rstrip("/")
        return
    yield from _serve_demo(tmp_path_factory.mktemp("live_server"), CLOCK)


@pytest.fixture(scope="session")
def live_server_in_window(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A second demo server whose calendar lies inside the reading window (27 November),
    where readings can be given; its own database, so submissions do not touch the
    other server's data."""
    yield from _serve_demo(tmp_path_factory.mktemp("live_server_in_window"), CLOCK_IN_WINDOW)


def _serve_demo(workdir: Path, clock: str) -> Iterator[str]:
    with running_server(workdir, env={"EBOK_CLOCK": clock}) as base_url:
        yield base_url


# --- the browser -------------------------------------------------------------------------


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    if not os.path.exists(CHROMIUM):  # noqa: ASYNC240 - once per session, before any I/O
        pytest.fail(
            f"Chromium not found at {CHROMIUM}; install the Debian package `chromium` "
            "(scripts/test.sh does) or deselect these tests with -m 'not browser'"
        )
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        await chromium.close()


class ConsoleErrors:
    """Console errors and uncaught page errors of every page it watches.

    A Content-Security-Policy violation, a failed script or an htmx error all end up
    in the console; the fixture fails the test on any of them, after the test body.
    `allow(pattern)` accepts messages the test expects (e.g. the network log line for
    a deliberate 404).
    """

    def __init__(self) -> None:
        self.messages: list[str] = []
        # Chromium logs every 4xx response, and 422 is how a form answers bad input by
        # design (re-rendered with its errors), so that one line is never a fault.
        self._allowed: list[re.Pattern[str]] = [
            re.compile(r"Failed to load resource: the server responded with a status of 422")
        ]

    def watch(self, page: Page) -> None:
        page.on("console", self._on_console)
        page.on("pageerror", self._on_page_error)

    def allow(self, pattern: str) -> None:
        self._allowed.append(re.compile(pattern))

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            location = message.location or {}
            self.messages.append(f"console: {message.text} ({location.get('url', '')})")

    def _on_page_error(self, error: Error) -> None:
        self.messages.append(f"page error: {error}")

    @property
    def unexpected(self) -> list[str]:
        return [m for m in self.messages if not any(p.search(m) for p in self._allowed)]


@pytest.fixture
def console_errors() -> Iterator[ConsoleErrors]:
    collector = ConsoleErrors()
    yield collector
    assert not collector.unexpected, "errors in the browser console:\n" + "\n".join(
        collector.unexpected
    )


# Contexts opened with JavaScript off: axe-core cannot run in them (see axe_violations).
_NO_JS_CONTEXTS: weakref.WeakSet[BrowserContext] = weakref.WeakSet()


async def _new_page(
    browser: Browser, base_url: str, console_errors: ConsoleErrors, *, js: bool
) -> tuple[BrowserContext, Page]:
    context = await browser.new_context(
        base_url=base_url,
        java_script_enabled=js,
        locale="pl-PL",
        timezone_id="Europe/Warsaw",
        viewport={"width": 1280, "height": 900},
    )
    if not js:
        _NO_JS_CONTEXTS.add(context)
    page = await context.new_page()
    console_errors.watch(page)
    return context, page


@pytest.fixture
async def page_js(
    browser: Browser, live_server: str, console_errors: ConsoleErrors
) -> AsyncIterator[Page]:
    context, page = await _new_page(browser, live_server, console_errors, js=True)
    yield page
    await context.close()


@pytest.fixture
async def page_nojs(
    browser: Browser, live_server: str, console_errors: ConsoleErrors
) -> AsyncIterator[Page]:
    context, page = await _new_page(browser, live_server, console_errors, js=False)
    yield page
    await context.close()


@pytest.fixture
async def page_in_window(
    browser: Browser, live_server_in_window: str, console_errors: ConsoleErrors, js_enabled: bool
) -> AsyncIterator[Page]:
    """A page on the in-window server, with JavaScript on, then off."""
    context, page = await _new_page(browser, live_server_in_window, console_errors, js=js_enabled)
    yield page
    await context.close()


@pytest.fixture(params=[True, False], ids=["js", "nojs"])
def js_enabled(request: pytest.FixtureRequest) -> bool:
    return bool(request.param)


@pytest.fixture
async def page_both(
    browser: Browser, live_server: str, console_errors: ConsoleErrors, js_enabled: bool
) -> AsyncIterator[Page]:
    """A fresh page with JavaScript on, then (a second run) with it off."""
    context, page = await _new_page(browser, live_server, console_errors, js=js_enabled)
    yield page
    await context.close()


# --- checks ------------------------------------------------------------------------------


def format_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation.get('impact')}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {', '.join(map(str, node['target']))}: {node['html'][:160]}")
            if node.get("failureSummary"):
                lines.append("      " + node["failureSummary"].replace("\n", "\n      "))
    return "\n".join(lines)


async def _replica_with_scripts_blocked(browser: Browser, page: Page) -> BrowserContext:
    """A JavaScript-enabled copy of a no-JavaScript page, for axe-core to run in.

    axe.run() waits on timers, which never fire in a page with scripting disabled. The
    copy gets the very document the page shows (fulfilled from `page.content()`, so a
    POST's answer is checked as it is, not fetched again), the same stylesheets and
    cookies, and every page script is blocked: its DOM is what a no-JS visitor has.
    """
    html = await page.content()
    url = page.url.split("#", 1)[0]
    context = await browser.new_context(
        locale="pl-PL", timezone_id="Europe/Warsaw", viewport=page.viewport_size
    )
    await context.add_cookies(await page.context.cookies())  # type: ignore[arg-type]
    replica = await context.new_page()

    async def serve(route: Route) -> None:
        request = route.request
        if request.is_navigation_request() and request.url.split("#", 1)[0] == url:
            await route.fulfill(body=html, content_type="text/html; charset=utf-8")
        elif request.resource_type == "script":
            await route.abort()
        else:
            await route.continue_()

    await replica.route("**/*", serve)
    await replica.goto(url)
    return context


@pytest.fixture(scope="session")
def axe_violations(browser: Browser) -> Callable[[Page], Awaitable[list[dict[str, Any]]]]:
    """`await axe_violations(page)`: axe-core's violations of the WCAG 2.0/2.1 A and AA
    rules on the page as it is now (assert it is empty; `format_violations` explains).
    Works on JavaScript-off pages too, through a script-blocked replica."""
    axe = Axe()
    options = {
        "runOnly": {"type": "tag", "values": AXE_TAGS},
        "resultTypes": ["violations"],
    }

    async def run(page: Page) -> list[dict[str, Any]]:
        if page.context not in _NO_JS_CONTEXTS:
            results = await axe.run(page, options=options)
            return list(results.response["violations"])
        context = await _replica_with_scripts_blocked(browser, page)
        try:
            results = await axe.run(context.pages[0], options=options)
        finally:
            await context.close()
        return list(results.response["violations"])

    return run


@pytest.fixture(scope="session")
def viewport_320() -> Callable[[Page], Awaitable[int]]:
    """`await viewport_320(page)`: narrows the page to 320 CSS px (WCAG 1.4.10 reflow),
    asserts nothing makes it scroll sideways and returns the scroll width."""

    async def check(page: Page) -> int:
        size = page.viewport_size
        await page.set_viewport_size({"width": 320, "height": 800})
        try:
            width = int(await page.evaluate("document.documentElement.scrollWidth"))
            if width > 320:
                culprits = await page.evaluate(
                    """() => [...document.querySelectorAll('body *')]
                        .filter(e => e.getBoundingClientRect().right > 320.5
                                     && !e.closest('.table-scroll'))
                        .slice(0, 5).map(e => e.outerHTML.slice(0, 120))"""
                )
                pytest.fail(f"horizontal scrolling at 320 px (scrollWidth {width}): {culprits}")
            return width
        finally:
            if size:
                await page.set_viewport_size(size)

    return check


def _origin(url: str) -> str:
    """scheme://host:port/ of a page: a cookie set for it applies to every path."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"


@pytest.fixture
def set_preferences(live_server: str) -> Callable[..., Awaitable[None]]:
    """`await set_preferences(page, contrast="high", font="150")`: the cookies the
    preference links set, without clicking them (for checks that need a mode)."""

    async def apply(page: Page, contrast: str | None = None, font: str | None = None) -> None:
        # The server the page is on (there is a second one, inside the reading window).
        server = _origin(page.url) if page.url.startswith("http") else live_server
        cookies: list[Any] = []
        if contrast is not None:
            cookies.append({"name": "ebok_kontrast", "value": contrast, "url": server})
        if font is not None:
            cookies.append({"name": "ebok_czcionka", "value": font, "url": server})
        await page.context.add_cookies(cookies)

    return apply


# --- shared steps of the page tests -------------------------------------------------------

DEMO_PASSWORD = "Woda-Demo-2026!"
AxeCheck = Callable[[Page], Awaitable[list[dict[str, Any]]]]


async def sign_in(
    page: Page, login: str = "jan.kowalski", password: str = DEMO_PASSWORD, otp: str | None = None
) -> None:
    """Signs in through the /login form, as a person does, and waits to leave it."""
    from playwright.async_api import expect

    await page.goto("/login")
    main = page.locator("main")
    await main.get_by_label("Login").fill(login)
    await main.get_by_label("Hasło", exact=True).fill(password)
    if otp:
        await main.get_by_label(re.compile("Kod jednorazowy")).fill(otp)
    await main.get_by_role("button", name="Zaloguj się").click()
    await expect(page).not_to_have_url(re.compile(r"/login"))


async def assert_no_violations(page: Page, axe: AxeCheck, set_preferences: Any) -> None:
    """axe finds nothing on the page, reloaded in normal and in high contrast."""
    for contrast in ("normal", "high"):
        await set_preferences(page, contrast=contrast)
        await page.reload()
        violations = await axe(page)
        assert not violations, f"{page.url} ({contrast}):\n" + format_violations(violations)
    await set_preferences(page, contrast="normal")
