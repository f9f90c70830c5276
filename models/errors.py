"""Every refusal eBOK can give, as typed errors, each with its code and its words.

Rules and services raise these; the schema maps them once (schema/errors.py):
a `DomainError` raised inside a mutation becomes a `UserError` in its payload's
`errors`, anything else reaches the caller as a top-level GraphQL error whose
`extensions.code` is the error's `code`. Pages get the same words through the API.

Each class carries its message in Polish (the source language) and English, as
`str.format` templates over the keyword arguments the error was raised with; a
message never contains a secret (a password, a token), only what the caller sent
or may know.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from models.enums import ErrorCode

# Rules raise these errors, and rules import nothing with I/O: not even models.clock.
_WARSAW = ZoneInfo("Europe/Warsaw")


class DomainError(Exception):
    """A refusal the caller can act on. `field` names the input at fault, if one is."""

    code: ClassVar[str] = ErrorCode.INVALID
    polish: ClassVar[str] = "Nieprawidłowe dane."
    english: ClassVar[str] = "Invalid input."
    # True for refusals of a whole request (sign in first, a limit): never a UserError.
    top_level: ClassVar[bool] = False

    def __init__(self, field: str | None = None, **params: Any) -> None:
        self.field = field
        self.params = params
        super().__init__(self.message("en"))

    def message(self, language: str = "pl") -> str:
        template = self.english if language == "en" else self.polish
        return template.format(**self.params)


def local_time(moment: datetime) -> str:
    """A moment as a Polish reader sees it: "21.11.2026, 14:05" (Warsaw time)."""
    return moment.astimezone(_WARSAW).strftime("%d.%m.%Y, %H:%M")


# --- refusals of a whole request (top-level errors) --------------------------------------


class RequestRefused(DomainError):
    top_level = True


class Unauthenticated(RequestRefused):
    code = "UNAUTHENTICATED"
    polish = "Zaloguj się lub wyślij token (Authorization: Bearer), aby to zobaczyć."
    english = "Sign in or send a bearer token to see this."


class Forbidden(RequestRefused):
    code = "FORBIDDEN"
    polish = "Brak uprawnień do tej operacji."
    english = "You may not do this."


class StaffOnly(Forbidden):
    polish = "To pole jest dostępne tylko dla pracowników biura obsługi klienta."
    english = "Only the utility's staff may use this field."


class ScopeMissing(Forbidden):
    polish = "Ten token nie ma zakresu {scope}."
    english = "This token lacks the {scope} scope."


class PasswordChangeRequired(RequestRefused):
    code = ErrorCode.PASSWORD_CHANGE_REQUIRED
    polish = "Najpierw zmień hasło jednorazowe na własne."
    english = "Change the first password before going on."


class TermsNotAccepted(RequestRefused):
    code = ErrorCode.TERMS_NOT_ACCEPTED
    polish = "Zaakceptuj regulamin eBOK w wersji {version}."
    english = "Accept the eBOK regulations version {version}."


class BadRequest(RequestRefused):
    code = "BAD_REQUEST"
    polish = "{detail}"
    english = "{detail}"

    def __init__(self, detail: str, field: str | None = None) -> None:
        super().__init__(field, detail=detail)


class QueryTooComplex(RequestRefused):
    code = "QUERY_TOO_COMPLEX"
    polish = "{detail}"
    english = "{detail}"

    def __init__(self, detail: str) -> None:
        super().__init__(None, detail=detail)


class AllowanceSpent(RequestRefused):
    """The caller's hourly query allowance is used up."""

    code = ErrorCode.RATE_LIMITED
    polish = "Wykorzystano godzinny limit zapytań. Odnowi się {reset_at}."
    english = "The hourly query allowance is used up. It renews at {reset_at}."

    def __init__(self, reset_at: datetime) -> None:
        super().__init__(None, reset_at=local_time(reset_at))
        self.reset_at = reset_at


# --- input the caller can correct (UserErrors in mutation payloads) ----------------------


class NotFound(DomainError):
    code = ErrorCode.NOT_FOUND
    polish = "Nie znaleziono."
    english = "Not found."


class NoTariff(NotFound):
    polish = "Na dzień {day} nie obowiązuje żaden cennik."
    english = "No tariff is in force on {day}."


class Required(DomainError):
    code = ErrorCode.REQUIRED
    polish = "To pole jest wymagane."
    english = "This field is required."


class InvalidCredentials(DomainError):
    """A wrong login, password or one-time code: never says which of them."""

    code = ErrorCode.INVALID_CREDENTIALS
    polish = (
        "Nieprawidłowy login lub hasło albo brak poprawnego kodu jednorazowego "
        "(dla osób z logowaniem dwuetapowym)."
    )
    english = (
        "Wrong login or password, or a missing or wrong one-time code "
        "(for users with two-step sign-in)."
    )


class AccountLocked(DomainError):
    code = ErrorCode.ACCOUNT_LOCKED
    polish = (
        "Po wielu nieudanych próbach logowanie na ten login jest wstrzymane do {until}. "
        "Możesz też ustawić nowe hasło przez „Nie pamiętasz hasła?”."
    )
    english = (
        "After many failed attempts, signing in to this login is paused until {until}. "
        'You can also set a new password through "Forgot your password?".'
    )

    def __init__(self, until: datetime) -> None:
        super().__init__(None, until=local_time(until))
        self.until = until


class SignInRateLimited(DomainError):
    """Too many failed sign-ins from one client address."""

    code = ErrorCode.RATE_LIMITED
    polish = "Zbyt wiele nieudanych prób logowania z tego adresu. Spróbuj ponownie po {until}."
    english = "Too many failed sign-ins from this address. Try again after {until}."

    def __init__(self, until: datetime) -> None:
        super().__init__(None, until=local_time(until))
        self.until = until


class RefreshTokenUnknown(DomainError):
    code = ErrorCode.INVALID_CREDENTIALS
    polish = "Token odświeżania jest nieprawidłowy lub został już użyty. Zaloguj się ponownie."
    english = "The refresh token is invalid or has already been used. Sign in again."


class RefreshTokenExpired(DomainError):
    code = ErrorCode.TOKEN_EXPIRED
    polish = "Token odświeżania wygasł. Zaloguj się ponownie."
    english = "The refresh token has expired. Sign in again."


class BillingPeriodNotOver(DomainError):
    code = ErrorCode.INVALID
    polish = "Okres {month} jeszcze się nie skończył: rozliczenie można uruchomić od {first}."
    english = "The period {month} is not over yet: it can be billed from {first}."

    def __init__(self, month: str, first: date) -> None:
        super().__init__("period", month=month, first=first.strftime("%d.%m.%Y"))


# --- credentials: passwords, recovery, two-step sign-in, tokens ---------------------------


class TwoStepRequired(RequestRefused):
    code = ErrorCode.TWO_STEP_REQUIRED
    polish = "Pracownicy muszą najpierw włączyć logowanie dwuetapowe."
    english = "Staff must set up two-step sign-in first."


class WeakPassword(DomainError):
    """The new password breaks the policy (models/rules/password_policy.py)."""

    code = ErrorCode.WEAK_PASSWORD
    polish = "{hint}"
    english = "{hint_en}"

    def __init__(self, field: str, weakness: str) -> None:
        from models.rules.password_policy import HINTS, HINTS_EN, Weakness

        found = Weakness(weakness)
        super().__init__(field, hint=HINTS[found], hint_en=HINTS_EN[found])
        self.weakness = found


class SamePassword(DomainError):
    code = ErrorCode.WEAK_PASSWORD
    polish = "Nowe hasło musi być inne niż dotychczasowe."
    english = "The new password must differ from the current one."


class WrongPassword(DomainError):
    code = ErrorCode.INVALID_CREDENTIALS
    polish = "Hasło jest nieprawidłowe."
    english = "The password is wrong."


class WrongCode(DomainError):
    code = ErrorCode.INVALID_CREDENTIALS
    polish = "Kod jest nieprawidłowy lub już został użyty. Wpisz bieżący kod z aplikacji."
    english = "The code is wrong or was used already. Enter the current code from the app."


class LinkExpired(DomainError):
    """A reset or confirmation link that expired, was used, or never existed."""

    code = ErrorCode.TOKEN_EXPIRED
    polish = "Link wygasł lub został już użyty. Poproś o nowy."
    english = "The link has expired or was used already. Ask for a new one."


class LoginTaken(DomainError):
    code = ErrorCode.LOGIN_TAKEN
    polish = "Ten login jest już zajęty. Wybierz inny."
    english = "This login is taken. Choose another one."


class InvalidLogin(DomainError):
    code = ErrorCode.INVALID
    polish = (
        "Login może mieć od 3 do 64 znaków: małe litery, cyfry, kropkę, myślnik i podkreślenie."
    )
    english = "A login has 3 to 64 characters: small letters, digits, dot, hyphen and underscore."


class InvalidEmail(DomainError):
    code = ErrorCode.INVALID
    polish = "Podaj adres e-mail w postaci nazwa@domena.pl."
    english = "Enter an e-mail address like name@example.com."


class SameEmail(DomainError):
    code = ErrorCode.INVALID
    polish = "To jest już Twój adres e-mail."
    english = "This is your e-mail address already."


class TermsVersionOutdated(DomainError):
    code = ErrorCode.INVALID
    polish = "Obowiązuje regulamin w wersji {version}. Odśwież stronę i zaakceptuj go."
    english = "The regulations in force are version {version}. Reload and accept them."


class TwoStepAlreadyOn(DomainError):
    code = ErrorCode.INVALID
    polish = "Logowanie dwuetapowe jest już włączone."
    english = "Two-step sign-in is on already."


class TwoStepNotStarted(DomainError):
    code = ErrorCode.INVALID
    polish = "Najpierw rozpocznij włączanie logowania dwuetapowego."
    english = "Start setting up two-step sign-in first."


class TwoStepMandatory(DomainError):
    code = ErrorCode.INVALID
    polish = "Pracownicy nie mogą wyłączyć logowania dwuetapowego."
    english = "Staff cannot switch two-step sign-in off."


class TwoStepNotOn(DomainError):
    code = ErrorCode.INVALID
    polish = "Logowanie dwuetapowe nie jest włączone."
    english = "Two-step sign-in is not on."


class InvalidScopes(DomainError):
    code = ErrorCode.INVALID
    polish = "Wybierz co najmniej jeden zakres: odczyt lub zmiany."
    english = "Choose at least one scope: READ or WRITE."


class InvalidExpiry(DomainError):
    code = ErrorCode.INVALID
    polish = "Ważność tokenu to od 1 do {most} dni."
    english = "A token is valid for 1 to {most} days."


class InvalidTokenName(DomainError):
    code = ErrorCode.INVALID
    polish = "Nazwij token (do 100 znaków), np. nazwą aplikacji, która go użyje."
    english = "Name the token (up to 100 characters), e.g. after the app that uses it."
