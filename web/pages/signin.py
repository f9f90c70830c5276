"""Signing in and out of the pages (partner apps use issueToken instead)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from models.clock import Clock
from models.services.sessions import end_session, start_session
from models.services.signin import SignInProblem, check_credentials
from web.auth import clear_session_cookie, client_address, set_session_cookie
from web.csrf import read_form
from web.forms import FormErrors
from web.rendering import render

LOGIN_TEMPLATE = "auth/login.html"
# The users table keeps logins of at most 64 characters. A longer one, or one with
# control characters (a NUL byte is an error on PostgreSQL), is no one's login: it is
# answered like a wrong password without asking the database.
MAX_LOGIN_LENGTH = 64

_PROBLEMS = {
    SignInProblem.INVALID_CREDENTIALS: ("login", "Nieprawidłowy login lub hasło."),
    SignInProblem.OTP_REQUIRED: ("otp", "Podaj kod jednorazowy z aplikacji uwierzytelniającej."),
    SignInProblem.OTP_INVALID: ("otp", "Kod jednorazowy jest nieprawidłowy lub wygasł."),
}


def _possible_login(login: str) -> bool:
    return len(login) <= MAX_LOGIN_LENGTH and login.isprintable()


def _after_sign_in(request: Request) -> str:
    return "/konto"


async def login_page(request: Request) -> Response:
    if request.state.viewer is not None:
        return RedirectResponse("/konto", status_code=303)
    context = {"values": {}, "errors": FormErrors(), "show_otp": False}
    return render(request, LOGIN_TEMPLATE, context)


async def login_submit(request: Request) -> Response:
    form = await read_form(request)
    login = str(form.get("login") or "").strip()
    password = str(form.get("password") or "")
    otp = str(form.get("otp") or "").strip() or None
    errors = FormErrors()
    if not login:
        errors.add("login", "Podaj login.")
    if not password:
        errors.add("password", "Podaj hasło.")
    show_otp = bool(otp)
    if not errors and not _possible_login(login):
        errors.add(*_PROBLEMS[SignInProblem.INVALID_CREDENTIALS])
        show_otp = False
    if not errors:
        clock: Clock = request.app.state.clock
        result = await check_credentials(login, password, otp, clock)
        if result.user is not None:
            return await _signed_in(request, result.user)
        assert result.problem is not None
        field, message = _PROBLEMS[result.problem]
        errors.add(field, message)
        show_otp = result.problem is not SignInProblem.INVALID_CREDENTIALS
    # The password is never sent back into the form; nor is a login no one could have.
    shown = login if _possible_login(login) else ""
    context = {"values": {"login": shown}, "errors": errors, "show_otp": show_otp}
    return render(request, LOGIN_TEMPLATE, context, status_code=422)


async def _signed_in(request: Request, user) -> Response:  # type: ignore[no-untyped-def]
    clock: Clock = request.app.state.clock
    # A new session id at every sign-in: an id planted before sign-in is worthless after.
    old_key = getattr(request.state, "session_key", None)
    if old_key:
        await end_session(old_key)
    key = await start_session(
        user,
        clock,
        client_address=client_address(request),
        user_agent=request.headers.get("user-agent"),
    )
    response = RedirectResponse(_after_sign_in(request), status_code=303)
    set_session_cookie(response, request, key)
    return response


async def logout(request: Request) -> Response:
    await read_form(request)
    key = getattr(request.state, "session_key", None)
    if key:
        await end_session(key)
    response = RedirectResponse("/", status_code=303)
    clear_session_cookie(response, request)
    return response


routes = [
    Route("/login", login_page, methods=["GET"]),
    Route("/login", login_submit, methods=["POST"]),
    Route("/logout", logout, methods=["POST"]),
]
