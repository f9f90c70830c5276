"""Which passwords eBOK accepts (OWASP ASVS 5.0, V6.2): length, not composition.

- 12 to 128 characters (counted after Unicode NFC normalisation, so "ą" typed
  either way counts once); any character, spaces included; no "one digit, one
  capital" rules, which make passwords harder to remember, not to guess.
- Not one of the common or breached passwords of `common_passwords.txt`, in any
  letter case, nor one of them with a few predictable characters around it
  ("password123!", "2026qwertyuiop").
- Not close to the login, the local part of the e-mail address, or the utility's
  names ("wodociągi", "ebok", …): what is left after removing them, digits and
  punctuation must still be a password of its own.
- Not a single character or pattern repeated ("aaaaaaaaaaaa", "abcabcabcabc").

`common_passwords.txt` holds the 30,000 most common passwords of the "passwords"
frequency list shipped with zxcvbn (Dropbox; the Python port by Daniel Wolf, MIT
licence), itself ranked from Mark Burnett's corpus of ten million leaked passwords,
lower-cased, plus a few Polish favourites ("haslo123", "zaq12wsx", …).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources

MIN_LENGTH = 12
MAX_LENGTH = 128
# Characters a person typically puts around a common word: "password" + "123!".
_DECORATION_CHARS = frozenset("0123456789!@#$%^&*()-_=+.,;:?/\\|~`'\"[]{}<> ")
# Decorations longer than this are no longer predictable ("Zebra!9384726153").
MAX_DECORATION = 6
# What must remain of a password once the login, e-mail and utility's names are gone.
MIN_OWN_LETTERS = 6
# Fewer distinct characters than this is a pattern, not a password.
MIN_DISTINCT = 5

# The utility's own words: a password made of them is the first one an attacker tries.
UTILITY_WORDS = (
    "wodociagi",
    "wodociag",
    "kanalizacja",
    "ebok",
    "woda",
    "dabrowa",
    "wielka",
    "mwik",
    "haslo",
    "password",
)


class Weakness(StrEnum):
    TOO_SHORT = "TOO_SHORT"
    TOO_LONG = "TOO_LONG"
    COMMON = "COMMON"
    PERSONAL = "PERSONAL"
    PATTERN = "PATTERN"


@dataclass(frozen=True)
class PasswordContext:
    """What a password must not resemble: whose it is, and where."""

    login: str = ""
    email: str = ""
    extra_words: tuple[str, ...] = ()


@cache
def common_passwords() -> frozenset[str]:
    text = resources.files("models.rules").joinpath("common_passwords.txt").read_text("utf-8")
    return frozenset(line for line in text.splitlines() if line)


def length(password: str) -> int:
    return len(unicodedata.normalize("NFC", password))


def _fold(text: str) -> str:
    """Lower case without diacritics ("Wodociągi" -> "wodociagi"; ł has no decomposition)."""
    decomposed = unicodedata.normalize("NFKD", text.lower().replace("ł", "l"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _letters(text: str) -> str:
    return "".join(c for c in _fold(text) if c.isalpha())


def _undecorated(folded: str) -> tuple[str, int]:
    """The password without leading and trailing digits and punctuation, and how many
    characters were taken off."""
    start, end = 0, len(folded)
    while start < end and folded[start] in _DECORATION_CHARS:
        start += 1
    while end > start and folded[end - 1] in _DECORATION_CHARS:
        end -= 1
    return folded[start:end], len(folded) - (end - start)


def _is_common(password: str) -> bool:
    common = common_passwords()
    folded = _fold(password.strip())
    if folded in common or folded.replace(" ", "") in common:
        return True
    core, removed = _undecorated(folded)
    return bool(core) and removed <= MAX_DECORATION and core in common


def _personal_words(context: PasswordContext) -> list[str]:
    words = [context.login, context.email.partition("@")[0], *context.extra_words]
    words.extend(UTILITY_WORDS)
    parts: set[str] = set()
    for word in words:
        letters = _letters(word)
        if len(letters) >= 3:
            parts.add(letters)
        # "jan.kowalski" is also "jan" and "kowalski".
        for piece in _fold(word).replace("_", ".").replace("-", ".").split("."):
            piece_letters = _letters(piece)
            if len(piece_letters) >= 4:
                parts.add(piece_letters)
    # Longest first, so "wodociagi" goes before its "woda"-like pieces.
    return sorted(parts, key=len, reverse=True)


def _is_personal(password: str, context: PasswordContext) -> bool:
    letters = _letters(password)
    if not letters:
        return False
    rest = letters
    for word in _personal_words(context):
        rest = rest.replace(word, "")
    return rest != letters and len(rest) < MIN_OWN_LETTERS


def _is_pattern(password: str) -> bool:
    if len(set(password)) < MIN_DISTINCT:
        return True
    # A short unit repeated: "abcabcabcabc", "Ab1!Ab1!Ab1!".
    for unit in range(1, len(password) // 3 + 1):
        if len(password) % unit == 0 and password[:unit] * (len(password) // unit) == password:
            return True
    return False


def weakness(password: str, context: PasswordContext = PasswordContext()) -> Weakness | None:
    """Why the password is refused, or None when it is acceptable."""
    size = length(password)
    if size < MIN_LENGTH:
        return Weakness.TOO_SHORT
    if size > MAX_LENGTH:
        return Weakness.TOO_LONG
    if _is_common(password):
        return Weakness.COMMON
    if _is_personal(password, context):
        return Weakness.PERSONAL
    if _is_pattern(password):
        return Weakness.PATTERN
    return None


def strength_hint(password: str, context: PasswordContext = PasswordContext()) -> str:
    """A short Polish comment on a password, for the page beside the field."""
    found = weakness(password, context)
    if found is not None:
        return HINTS[found]
    if length(password) >= 20:
        return "Silne hasło: długie i niepospolite."
    return (
        "Hasło spełnia wymagania. Dłuższe (np. kilka słów) będzie jeszcze trudniejsze "
        "do odgadnięcia."
    )


HINTS: dict[Weakness, str] = {
    Weakness.TOO_SHORT: f"Za krótkie: hasło musi mieć co najmniej {MIN_LENGTH} znaków.",
    Weakness.TOO_LONG: f"Za długie: hasło może mieć najwyżej {MAX_LENGTH} znaków.",
    Weakness.COMMON: "To hasło jest na liście popularnych lub wykradzionych haseł. Wybierz inne.",
    Weakness.PERSONAL: "Hasło jest zbyt podobne do loginu, adresu e-mail lub nazwy wodociągów.",
    Weakness.PATTERN: (
        "Hasło to powtórzony znak lub wzór. Wybierz inne, np. kilka przypadkowych słów."
    ),
}

HINTS_EN: dict[Weakness, str] = {
    Weakness.TOO_SHORT: f"Too short: a password has at least {MIN_LENGTH} characters.",
    Weakness.TOO_LONG: f"Too long: a password has at most {MAX_LENGTH} characters.",
    Weakness.COMMON: "This password is on the list of common or breached passwords.",
    Weakness.PERSONAL: "The password is too close to the login, e-mail or the utility's name.",
    Weakness.PATTERN: "The password is a repeated character or pattern.",
}


def require_acceptable(
    password: str, context: PasswordContext = PasswordContext(), *, field: str = "newPassword"
) -> None:
    """Raise WeakPassword (naming the input `field`) unless the policy accepts it."""
    from models.errors import WeakPassword

    found = weakness(password, context)
    if found is not None:
        raise WeakPassword(field, found.value)
