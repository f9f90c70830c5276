"""Signing in and out of the pages (partner apps use issueToken instead)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from models.clock import Clock
from models.errors import DomainError, InvalidCredentials
from models.services import known_devices
from models.services.sessions import end_session, start_session
from models.services.signin import (
    Credentials,
    SignedInUser,
    normalise_login,
    possible_login,
    sign_in,
)
from web.auth import clear_session_cookie, client_address, set_session_cookie
from web.cookies import get_cookie, set_cookie
from web.csrf import read_form
from web.forms import FormErrors
from web.rendering import render

LOGIN_TEMPLATE = "auth/login.html"
# A browser that signed in to a login before proves it with this cookie, so that an
# attacker hammering the login cannot lock its owner out (models/services/known_devices).
DEVICE_COOKIE = "ebok_urzadzenie"
DEVICE_COOKIE_DAYS = 365


def _after_sign_in(request: Request, user: SignedInUser) -> str:
    """The dashboard, or first what must be done before it (web/pages/credentials.py)."""
    from web.pages.credentials import first_step_url

    me = {
        "mustChangePassword": user.must_change_password,
        "role": user.role.value,
        "twoStepEnabled": bool(user.totp_secret),
        "acceptedTermsVersion": user.accepted_terms_version,
    }
    terms_version = request.app.state.settings.utility.terms_version
    return first_step_url(me, terms_version) or "/konto"


async def login_page(request: Request) -> Response:
    if request.state.viewer is not None:
        return RedirectResponse("/konto", status_code=303)
    return render(request, LOGIN_TEMPLATE, {"values": {}, "errors": FormErrors()})


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
    if not errors:
        clock: Clock = request.app.state.clock
        credentials = Credentials(
            login, password, otp, client_address(request), device_id=_known_device(request, login)
        )
        try:
            user = await sign_in(credentials, clock)
        except DomainError as refused:
            # A wrong password is about the fields; a lock or a limit about the form.
            field = "login" if isinstance(refused, InvalidCredentials) else None
            errors.add(field, refused.message("pl"))
        else:
            return await _signed_in(request, user)
    # The password and the code are never sent back into the form; nor is a login no
    # one could have.
    shown = login if possible_login(login) else ""
    context = {"values": {"login": shown}, "errors": errors}
    return render(request, LOGIN_TEMPLATE, context, status_code=422)


async def _signed_in(request: Request, user: SignedInUser) -> Response:
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
    response = RedirectResponse(_after_sign_in(request, user), status_code=303)
    set_session_cookie(response, request, key)
    secret_key = request.app.state.settings.secret_key
    proof = known_devices.new_proof(secret_key, normalise_login(user.login))
    set_cookie(response, request, DEVICE_COOKIE, proof, max_age=DEVICE_COOKIE_DAYS * 86400)
    return response


def _known_device(request: Request, login: str) -> str | None:
    """The device id this browser proves for the login it is signing in to, if any."""
    secret_key = request.app.state.settings.secret_key
    proof = get_cookie(request, DEVICE_COOKIE)
    return known_devices.proven_device(secret_key, normalise_login(login), proof)


async def logout(request: Request) -> Response:
    await read_form(request)
    key = getattr(request.state, "session_key", None)
    if key:
        await end_session(key)
    response = RedirectResponse("/", status_code=303)
    clear_session_cookie(response, request)
    # Signed-in pages may be kept by the browser to be revalidated (ETags): signing
    # out wipes them, so the next person at the computer finds nothing.
    response.headers["Clear-Site-Data"] = '"cache"'
    return response


routes = [
    Route("/login", login_page, methods=["GET"]),
    Route("/login", login_submit, methods=["POST"]),
    Route("/logout", logout, methods=["POST"]),
]
