"""Human-readable texts of problems, Polish first, English when the caller asks for it."""

from __future__ import annotations

from models.enums import ErrorCode
from resolvers.errors import Problem

_TEXTS: dict[str, tuple[str, str]] = {
    "INVALID_CREDENTIALS": ("Nieprawidłowy login lub hasło.", "Wrong login or password."),
    "OTP_REQUIRED": (
        "Podaj kod jednorazowy z aplikacji uwierzytelniającej.",
        "Enter the one-time code from your authenticator app.",
    ),
    "OTP_INVALID": (
        "Kod jednorazowy jest nieprawidłowy lub wygasł.",
        "The one-time code is wrong or has expired.",
    ),
    "TOKEN_EXPIRED": (
        "Token odświeżania wygasł. Zaloguj się ponownie.",
        "The refresh token has expired. Sign in again.",
    ),
    "TOKEN_UNKNOWN": (
        "Token odświeżania jest nieprawidłowy lub został już użyty.",
        "The refresh token is invalid or has already been used.",
    ),
    "REQUIRED": ("To pole jest wymagane.", "This field is required."),
}


def text(key: str, language: str) -> str:
    polish, english = _TEXTS[key]
    return english if language == "en" else polish


def problem(code: ErrorCode, key: str, language: str, field: str | None = None) -> Problem:
    return Problem(field=field, code=code, message=text(key, language))
