"""The signed-in person's own credentials, and getting back in without them.

- `/dane`: login, e-mail, two-step sign-in, links to change each;
- `/dane/haslo`: a new password (the first password too: the first sign-in starts here);
- `/regulamin/akceptacja`: accepting the regulations in force;
- `/dane/login`, `/dane/email` (+ `/dane/email/{token}`, the link sent to the new address);
- `/dane/dwuetapowe`: two-step sign-in (QR code, first code, recovery codes, switching off);
- `/haslo/reset` and `/haslo/reset/{token}`: "Nie pamiętasz hasła?";
- `/tokeny`: partner-app tokens.

Every page runs the API's mutations in-process; their UserErrors are shown beside the
fields, the form re-rendered with what was typed (never a password). Links from
e-mails show a form first and act only on its POST, so a mail scanner opening the
link spends nothing.
"""

from __future__ import annotations

import io
from functools import wraps
from typing import Any

import segno
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from models.rules.password_policy import MAX_LENGTH, MIN_LENGTH
from web.csrf import read_form
from web.forms import FormErrors, errors_from_user_errors, form_response
from web.gql import OperationFailed, run_operation
from web.pages._account import Endpoint, PageExit, customer_page
from web.rendering import render

PASSWORD_HINT = (
    f"Od {MIN_LENGTH} do {MAX_LENGTH} znaków, dowolnych: także spacje i polskie litery. "
    "Najlepiej kilka przypadkowych słów. Nie może to być popularne hasło ani coś "
    "podobnego do loginu, adresu e-mail lub nazwy wodociągów."
)
# What /dane says after a change (a fixed set: the address carries no text of its own).
DONE_MESSAGES = {
    "haslo": "Hasło zostało zmienione. Inne przeglądarki i aplikacje zostały wylogowane.",
    "login": "Login został zmieniony. Od teraz loguj się nowym loginem.",
    "email": "Wysłaliśmy link na nowy adres e-mail. Adres zmieni się, gdy go otworzysz.",
    "email-potwierdzony": "Adres e-mail został zmieniony.",
    "dwuetapowe-wylaczone": "Logowanie dwuetapowe zostało wyłączone.",
    "regulamin": "Dziękujemy za zaakceptowanie regulaminu.",
    "przypomnienia": "Zapisaliśmy Twój wybór przypomnień e-mail.",
}
# The e-mail reminders, in the order /dane lists them (ReminderKind), with their words.
REMINDERS = (
    (
        "READING_WINDOW_OPENS",
        "Otwarcie okresu podawania odczytów",
        "Gdy zaczyna się miesięczny okres podawania odczytów wodomierza.",
    ),
    (
        "READING_WINDOW_CLOSING",
        "Koniec okresu podawania odczytów",
        "Dwa dni przed końcem okresu, jeśli nie podano jeszcze odczytu w tym miesiącu.",
    ),
    (
        "INVOICE_DUE_SOON",
        "Zbliżający się termin płatności",
        "Trzy dni przed terminem płatności niezapłaconej faktury.",
    ),
    (
        "INVOICE_OVERDUE",
        "Przekroczony termin płatności",
        "Dzień po terminie płatności, jeśli faktura nie została zapłacona.",
    ),
)
REMINDERS_FIELD = "reminders"
TOKEN_DAYS = (30, 90, 365, 730)
# The API takes names of up to 100 characters (CreateApiTokenInput.name).
MAX_TOKEN_NAME = 100
TOO_LONG = "Wpisany tekst jest za długi. Skróć go i spróbuj ponownie."


def first_step_url(me: dict[str, Any], terms_version: str) -> str | None:
    """Where a signed-in person must go before anything else, or None when nowhere:
    their own password, then (staff) two-step sign-in or (customers) the regulations."""
    if me.get("mustChangePassword"):
        return "/dane/haslo"
    if me.get("role") == "STAFF" and not me.get("twoStepEnabled"):
        return "/dane/dwuetapowe"
    if me.get("role") == "CUSTOMER" and me.get("acceptedTermsVersion") != terms_version:
        return "/regulamin/akceptacja"
    return None


def form_post(handler: Endpoint) -> Endpoint:
    """A signed-in person's form post: the CSRF token is checked first (403), before
    anything else is said, even to someone signed out; then as `customer_page`."""
    guarded = customer_page(handler)

    @wraps(handler)
    async def endpoint(request: Request) -> Response:
        await read_form(request)  # parsed once: the handler reads the same form
        return await guarded(request)

    return endpoint


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


async def _me(request: Request) -> tuple[dict[str, Any], str]:
    data = await run_operation(request, "CredentialsMe")
    if not data.get("me"):
        raise PageExit(_redirect("/login"))
    return data["me"], data["termsVersion"]


async def _ready_me(request: Request) -> dict[str, Any]:
    """The viewer, once the first steps are done; else a redirect to the step due."""
    me, version = await _me(request)
    step = first_step_url(me, version)
    if step is not None:
        raise PageExit(_redirect(step))
    return me


async def _mutate(
    request: Request, name: str, field: str, variables: dict[str, Any]
) -> tuple[dict[str, Any], FormErrors]:
    """Run a page's mutation: its payload, and its UserErrors as form errors. Input the
    API refuses outright (BAD_REQUEST: far too long) is an error about the form."""
    try:
        data = await run_operation(request, name, variables)
    except OperationFailed as failure:
        if "BAD_REQUEST" not in failure.codes:
            raise
        return {}, FormErrors({"": TOO_LONG})
    payload = data[field]
    return payload, errors_from_user_errors(payload.get("errors"))


def _text(form: Any, name: str, limit: int = 256) -> str:
    """A form field as text, cut to what the API would accept at most (+1, so that too
    long still fails there with its message rather than silently fitting)."""
    value = form.get(name)
    return str(value)[: limit + 1] if isinstance(value, str) else ""


# --- /dane ------------------------------------------------------------------------------------


@customer_page
async def overview(request: Request) -> Response:
    me = await _ready_me(request)
    done = DONE_MESSAGES.get(request.query_params.get("zmieniono", ""))
    return await _overview(request, me, done, FormErrors())


async def _overview(
    request: Request, me: dict[str, Any], done: str | None, errors: FormErrors
) -> Response:
    """/dane; a customer's page also holds the form that switches reminders off and on."""
    reminders = None
    if me["role"] == "CUSTOMER":
        data = await run_operation(request, "ReminderPreferencesPage")
        reminders = (data.get("me") or {}).get("reminderPreferences") or []
    context = {
        "me": me,
        "done": done,
        "reminders": reminders,
        "reminder_options": REMINDERS,
        "values": {},
    }
    return form_response(request, "credentials/overview.html", context, errors)


@form_post
async def reminders_submit(request: Request) -> Response:
    """The checked boxes are the kinds wanted; an unchecked box sends nothing, so every
    kind is set each time (the form lists them all)."""
    form = await read_form(request)
    me = await _ready_me(request)
    if me["role"] != "CUSTOMER":
        return _redirect("/dane")
    checked = {str(v) for v in form.getlist(REMINDERS_FIELD)}
    preferences = [{"kind": kind, "enabled": kind in checked} for kind, _, _ in REMINDERS]
    variables = {"input": {"preferences": preferences}}
    _, errors = await _mutate(
        request, "SetReminderPreferencesPage", "setReminderPreferences", variables
    )
    if errors:
        errors = FormErrors((REMINDERS_FIELD, message) for _, message in errors.items())
        return await _overview(request, me, None, errors)
    return _redirect("/dane?zmieniono=przypomnienia#przypomnienia")


# --- the password -------------------------------------------------------------------------------


@customer_page
async def password_page(request: Request) -> Response:
    me, _ = await _me(request)
    return _password_form(request, me, FormErrors())


def _password_form(request: Request, me: dict[str, Any], errors: FormErrors) -> Response:
    context = {"me": me, "values": {}, "password_hint": PASSWORD_HINT}
    return form_response(request, "credentials/password.html", context, errors)


@form_post
async def password_submit(request: Request) -> Response:
    form = await read_form(request)
    me, version = await _me(request)
    current, new = _text(form, "currentPassword"), _text(form, "newPassword")
    errors = FormErrors()
    if not current:
        errors.add("currentPassword", "Podaj obecne hasło.")
    if not new:
        errors.add("newPassword", "Podaj nowe hasło.")
    if not errors:
        variables = {"input": {"currentPassword": current, "newPassword": new}}
        payload, errors = await _mutate(request, "ChangePasswordPage", "changePassword", variables)
        if not errors:
            step = first_step_url(payload["user"], version)
            done = "/konto" if me["mustChangePassword"] else "/dane?zmieniono=haslo"
            return _redirect(step or done)
    return _password_form(request, me, errors)


# --- the regulations ----------------------------------------------------------------------------


@customer_page
async def terms_page(request: Request) -> Response:
    me, version = await _me(request)
    return _terms_form(request, me, version, FormErrors())


def _terms_form(request: Request, me: dict[str, Any], version: str, errors: FormErrors) -> Response:
    context = {"me": me, "version": version, "values": {}}
    return form_response(request, "credentials/terms.html", context, errors)


@form_post
async def terms_submit(request: Request) -> Response:
    form = await read_form(request)
    me, version = await _me(request)
    errors = FormErrors()
    if form.get("accept") != "1":
        errors.add("accept", "Zaznacz, że akceptujesz regulamin, aby korzystać z eBOK.")
    else:
        variables = {"input": {"version": _text(form, "version", 32)}}
        payload, errors = await _mutate(request, "AcceptTermsPage", "acceptTerms", variables)
        # The version is a hidden field: a stale page speaks of the whole form.
        errors = FormErrors((("accept" if f == "version" else f), m) for f, m in errors.items())
    if errors:
        return _terms_form(request, me, version, errors)
    return _redirect(first_step_url(payload["user"], version) or "/konto")


# --- login and e-mail ---------------------------------------------------------------------------


@customer_page
async def login_page(request: Request) -> Response:
    me = await _ready_me(request)
    return form_response(request, "credentials/login.html", {"me": me, "values": {}}, None)


@form_post
async def login_submit(request: Request) -> Response:
    form = await read_form(request)
    me = await _ready_me(request)
    new_login, password = _text(form, "newLogin", 64).strip(), _text(form, "password")
    errors = FormErrors()
    if not new_login:
        errors.add("newLogin", "Podaj nowy login.")
    if not password:
        errors.add("password", "Podaj hasło.")
    if not errors:
        variables = {"input": {"newLogin": new_login, "password": password}}
        _, errors = await _mutate(request, "ChangeLoginPage", "changeLogin", variables)
        if not errors:
            return _redirect("/dane?zmieniono=login")
    context = {"me": me, "values": {"newLogin": new_login}}
    return form_response(request, "credentials/login.html", context, errors)


@customer_page
async def email_page(request: Request) -> Response:
    me = await _ready_me(request)
    return form_response(request, "credentials/email.html", {"me": me, "values": {}}, None)


@form_post
async def email_submit(request: Request) -> Response:
    form = await read_form(request)
    me = await _ready_me(request)
    new_email, password = _text(form, "newEmail", 254).strip(), _text(form, "password")
    errors = FormErrors()
    if not new_email:
        errors.add("newEmail", "Podaj nowy adres e-mail.")
    if not password:
        errors.add("password", "Podaj hasło.")
    if not errors:
        variables = {"input": {"newEmail": new_email, "password": password}}
        _, errors = await _mutate(
            request, "RequestEmailChangePage", "requestEmailChange", variables
        )
        if not errors:
            return _redirect("/dane?zmieniono=email")
    context = {"me": me, "values": {"newEmail": new_email}}
    return form_response(request, "credentials/email.html", context, errors)


async def email_confirm_page(request: Request) -> Response:
    context = {"token": request.path_params["token"][:128], "values": {}}
    return form_response(request, "credentials/email_confirm.html", context, None)


async def email_confirm_submit(request: Request) -> Response:
    await read_form(request)
    token = request.path_params["token"][:128]
    variables = {"input": {"token": token}}
    _, errors = await _mutate(request, "ConfirmEmailChangePage", "confirmEmailChange", variables)
    if errors:
        context = {"token": token, "values": {}, "expired": True}
        message = next(iter(errors.items()))[1]
        return form_response(
            request, "credentials/email_confirm.html", context, FormErrors({"": message})
        )
    if request.state.viewer is not None:
        return _redirect("/dane?zmieniono=email-potwierdzony")
    return render(request, "credentials/email_confirmed.html", {})


# --- "Nie pamiętasz hasła?" ----------------------------------------------------------------------


async def reset_request_page(request: Request) -> Response:
    return form_response(request, "credentials/reset_request.html", {"values": {}}, None)


async def reset_request_submit(request: Request) -> Response:
    form = await read_form(request)
    login = _text(form, "login", 254).strip()
    if not login:
        errors = FormErrors({"login": "Podaj login lub adres e-mail."})
        return form_response(request, "credentials/reset_request.html", {"values": {}}, errors)
    variables = {"input": {"login": login}}
    # Too long to be anyone's login is no different: the same answer as for everyone.
    await _mutate(request, "RequestPasswordResetPage", "requestPasswordReset", variables)
    # The same page whether or not the login exists: nobody learns who has an account.
    return _redirect("/haslo/reset/wyslano")


async def reset_sent(request: Request) -> Response:
    return render(request, "credentials/reset_sent.html", {})


async def reset_form_page(request: Request) -> Response:
    context = {
        "token": request.path_params["token"][:128],
        "values": {},
        "password_hint": PASSWORD_HINT,
    }
    return form_response(request, "credentials/reset_form.html", context, None)


async def reset_form_submit(request: Request) -> Response:
    form = await read_form(request)
    token = request.path_params["token"][:128]
    new = _text(form, "newPassword")
    context = {"token": token, "values": {}, "password_hint": PASSWORD_HINT}
    if not new:
        errors = FormErrors({"newPassword": "Podaj nowe hasło."})
        return form_response(request, "credentials/reset_form.html", context, errors)
    variables = {"input": {"token": token, "newPassword": new}}
    _, errors = await _mutate(request, "ResetPasswordPage", "resetPassword", variables)
    if errors:
        if "token" in errors:
            context["expired"] = True
            errors = FormErrors({"": errors["token"]})
        return form_response(request, "credentials/reset_form.html", context, errors)
    return render(request, "credentials/reset_done.html", {})


# --- two-step sign-in ---------------------------------------------------------------------------


def qr_svg(uri: str) -> Markup:
    """The otpauth:// address as an inline SVG QR code (no script, no image request)."""
    buffer = io.BytesIO()
    segno.make(uri, error="m").save(
        buffer,
        kind="svg",
        scale=5,
        border=4,
        xmldecl=False,
        svgns=True,
        title="Kod QR do zeskanowania w aplikacji uwierzytelniającej",
        svgclass="qr-code",
        lineclass=None,
    )
    return Markup(buffer.getvalue().decode("utf-8"))


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


async def _two_step_context(request: Request) -> dict[str, Any]:
    data = await run_operation(request, "TwoStepPage")
    me = data.get("me")
    if not me:
        raise PageExit(_redirect("/login"))
    setup = me.get("pendingTwoStepSetup")
    context: dict[str, Any] = {"me": me, "values": {}, "setup": None}
    if setup and not me["twoStepEnabled"]:
        context["setup"] = {
            "secret": _grouped(setup["secret"]),
            "qr": qr_svg(setup["otpauthUri"]),
        }
    return context


@customer_page
async def two_step_page(request: Request) -> Response:
    context = await _two_step_context(request)
    if context["me"]["mustChangePassword"]:
        return _redirect("/dane/haslo")
    return form_response(request, "credentials/two_step.html", context, None)


@form_post
async def two_step_start(request: Request) -> Response:
    await read_form(request)
    _, errors = await _mutate(request, "BeginTwoStepPage", "beginTwoStepSetup", {})
    if errors:
        context = await _two_step_context(request)
        return form_response(request, "credentials/two_step.html", context, errors)
    return _redirect("/dane/dwuetapowe#kod")


@form_post
async def two_step_confirm(request: Request) -> Response:
    form = await read_form(request)
    code = _text(form, "code", 16).strip()
    errors = FormErrors()
    if not code:
        errors.add("code", "Wpisz sześciocyfrowy kod z aplikacji.")
    else:
        variables = {"input": {"code": code}}
        payload, errors = await _mutate(
            request, "ConfirmTwoStepPage", "confirmTwoStepSetup", variables
        )
        if not errors:
            _, version = await _me(request)
            finished = "/konto" if payload["user"]["role"] == "STAFF" else "/dane"
            next_url = first_step_url(payload["user"], version) or finished
            context = {"codes": payload["recoveryCodes"], "next_url": next_url}
            # Shown once, on this very response: never stored anywhere to show again.
            return render(request, "credentials/recovery_codes.html", context)
    context = await _two_step_context(request)
    return form_response(request, "credentials/two_step.html", context, errors)


@form_post
async def two_step_disable(request: Request) -> Response:
    form = await read_form(request)
    password, code = _text(form, "password"), _text(form, "disableCode", 16).strip()
    errors = FormErrors()
    if not password:
        errors.add("password", "Podaj hasło.")
    if not code:
        errors.add("disableCode", "Wpisz kod z aplikacji albo kod odzyskiwania.")
    if not errors:
        variables = {"input": {"password": password, "code": code}}
        _, api_errors = await _mutate(request, "DisableTwoStepPage", "disableTwoStep", variables)
        errors = FormErrors(
            (("disableCode" if f == "code" else f), m) for f, m in api_errors.items()
        )
        if not errors:
            return _redirect("/dane?zmieniono=dwuetapowe-wylaczone")
    context = await _two_step_context(request)
    return form_response(request, "credentials/two_step.html", context, errors)


# --- partner-app tokens -------------------------------------------------------------------------


async def _tokens_context(request: Request) -> dict[str, Any]:
    await _ready_me(request)
    data = await run_operation(request, "TokensPage")
    return {
        "tokens": data["me"]["apiTokens"],
        "days": TOKEN_DAYS,
        "values": {"days": "365", "scopes": ["READ"]},
    }


@customer_page
async def tokens_page(request: Request) -> Response:
    context = await _tokens_context(request)
    return form_response(request, "credentials/tokens.html", context, None)


@form_post
async def tokens_create(request: Request) -> Response:
    form = await read_form(request)
    name = _text(form, "name", 100).strip()
    scopes = [s for s in form.getlist("scopes") if s in ("READ", "WRITE")]
    days_text = _text(form, "days", 8)
    errors = FormErrors()
    if not name:
        errors.add("name", "Nazwij token, np. nazwą aplikacji, która go użyje.")
    elif len(name) > MAX_TOKEN_NAME:
        errors.add("name", f"Nazwa może mieć najwyżej {MAX_TOKEN_NAME} znaków.")
    if not scopes:
        errors.add("scopes", "Wybierz co najmniej jeden zakres.")
    days = int(days_text) if days_text.isdigit() and int(days_text) in TOKEN_DAYS else None
    if days is None:
        errors.add("days", "Wybierz, jak długo token ma działać.")
    context = await _tokens_context(request)
    if not errors:
        variables = {"input": {"name": name, "scopes": scopes, "expiresInDays": days}}
        payload, errors = await _mutate(request, "CreateApiTokenPage", "createApiToken", variables)
        if not errors:
            context = await _tokens_context(request)
            # The secret is shown on this response only; the list shows it no more.
            context["created"] = {"token": payload["token"], "name": payload["apiToken"]["name"]}
            return render(request, "credentials/tokens.html", context)
    context["values"] = {"name": name, "scopes": scopes, "days": days_text}
    return form_response(request, "credentials/tokens.html", context, errors)


@form_post
async def tokens_revoke(request: Request) -> Response:
    form = await read_form(request)
    await _ready_me(request)
    token_id = _text(form, "id", 200)
    _, errors = await _mutate(request, "RevokeApiTokenPage", "revokeApiToken", {"id": token_id})
    if errors:
        context = await _tokens_context(request)
        return form_response(request, "credentials/tokens.html", context, errors)
    return _redirect("/tokeny?uniewazniono=1")


routes: list[BaseRoute] = [
    Route("/dane", overview, methods=["GET"], name="credentials"),
    Route("/dane/przypomnienia", reminders_submit, methods=["POST"], name="reminders"),
    Route("/dane/haslo", password_page, methods=["GET"], name="password"),
    Route("/dane/haslo", password_submit, methods=["POST"]),
    Route("/regulamin/akceptacja", terms_page, methods=["GET"], name="accept_terms"),
    Route("/regulamin/akceptacja", terms_submit, methods=["POST"]),
    Route("/dane/login", login_page, methods=["GET"], name="change_login"),
    Route("/dane/login", login_submit, methods=["POST"]),
    Route("/dane/email", email_page, methods=["GET"], name="change_email"),
    Route("/dane/email", email_submit, methods=["POST"]),
    Route("/dane/email/{token}", email_confirm_page, methods=["GET"], name="confirm_email"),
    Route("/dane/email/{token}", email_confirm_submit, methods=["POST"]),
    Route("/dane/dwuetapowe", two_step_page, methods=["GET"], name="two_step"),
    Route("/dane/dwuetapowe/wlacz", two_step_start, methods=["POST"]),
    Route("/dane/dwuetapowe/potwierdz", two_step_confirm, methods=["POST"]),
    Route("/dane/dwuetapowe/wylacz", two_step_disable, methods=["POST"]),
    Route("/haslo/reset", reset_request_page, methods=["GET"], name="password_reset"),
    Route("/haslo/reset", reset_request_submit, methods=["POST"]),
    Route("/haslo/reset/wyslano", reset_sent, methods=["GET"]),
    Route("/haslo/reset/{token}", reset_form_page, methods=["GET"], name="password_reset_form"),
    Route("/haslo/reset/{token}", reset_form_submit, methods=["POST"]),
    Route("/tokeny", tokens_page, methods=["GET"], name="tokens"),
    Route("/tokeny", tokens_create, methods=["POST"]),
    Route("/tokeny/uniewaznij", tokens_revoke, methods=["POST"]),
]
