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
from decimal import Decimal
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


# --- meter readings -------------------------------------------------------------------


def _day(d: date) -> str:
    return d.strftime("%d.%m.%Y")


class ReadingsBlocked(DomainError):
    code = ErrorCode.READINGS_BLOCKED
    polish = (
        "Podawanie odczytów przez eBOK jest wstrzymane, bo odczyt nie został podany w "
        "terminie. Aby je odblokować, skontaktuj się z Biurem Obsługi Klienta."
    )
    english = (
        "Submitting readings through eBOK is blocked because a reading was not given in "
        "time. Contact the customer office to have it unblocked."
    )


class OutsideReadingWindow(DomainError):
    code = ErrorCode.OUTSIDE_READING_WINDOW
    polish = "Odczyty przyjmujemy od {opens} do {closes}. Teraz nie można podać odczytu."
    english = "Readings are accepted from {opens} to {closes}. A reading cannot be given now."

    def __init__(self, opens_on: date, closes_on: date) -> None:
        super().__init__(None, opens=_day(opens_on), closes=_day(closes_on))
        self.opens_on = opens_on
        self.closes_on = closes_on


class AlreadySubmittedThisMonth(DomainError):
    code = ErrorCode.ALREADY_SUBMITTED_THIS_MONTH
    polish = "Odczyt tego wodomierza za ten miesiąc został już podany."
    english = "A reading of this meter has already been given this month."

    def __init__(self) -> None:
        super().__init__("meterId")


class ReadingValueInvalid(DomainError):
    code = ErrorCode.INVALID
    polish = (
        "Wpisz stan liczydła w m³: liczbę od 0 do {top}, najwyżej z trzema cyframi po przecinku."
    )
    english = "Enter the register in m³: a number from 0 to {top}, with at most three decimals."

    def __init__(self, digits: int) -> None:
        super().__init__("value", top="9" * digits + ",999")


class ReadingDateInvalid(DomainError):
    code = ErrorCode.INVALID
    polish = "Data odczytu musi przypadać między {first} a {last}."
    english = "The reading date must fall between {first} and {last}."

    def __init__(self, opens_on: date, today: date) -> None:
        super().__init__("readOn", first=_day(opens_on), last=_day(today))


class ReadingDecreased(DomainError):
    code = ErrorCode.READING_DECREASED
    polish = (
        "Podany stan jest niższy niż poprzedni odczyt ({previous} m³). Sprawdź, czy "
        "przepisujesz cyfry liczydła od lewej, bez cyfr po przecinku na czerwonym tle."
    )
    english = (
        "The value is below the previous reading ({previous} m³). Check that you copy the "
        "register's digits from the left."
    )

    def __init__(self, previous: Decimal) -> None:
        super().__init__("value", previous=_volume(previous))


class ImplausibleReading(DomainError):
    code = ErrorCode.IMPLAUSIBLE_READING
    polish = (
        "Ten stan oznaczałby zużycie {consumption} m³ od poprzedniego odczytu, czego nie da "
        "się zużyć w tym czasie. Sprawdź wpisaną liczbę; jeśli jest prawidłowa, skontaktuj "
        "się z nami (możliwa awaria lub wyciek)."
    )
    english = (
        "This value would mean {consumption} m³ used since the previous reading, more than "
        "can be used in that time. Check the number; if it is right, contact us (a leak?)."
    )

    def __init__(self, consumption: Decimal) -> None:
        super().__init__("value", consumption=_volume(consumption))


def _volume(value: Decimal) -> str:
    """m³ as a Polish reader writes them: 1234,5 (no trailing zeros past the litre)."""
    text = format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
    return text.rstrip("0").rstrip(".").replace(".", ",") if "." in text else text


class MeterNotReadable(DomainError):
    code = ErrorCode.INVALID
    polish = (
        "Dla tego wodomierza nie można podać odczytu przez eBOK. Odczyt przyjmie Biuro "
        "Obsługi Klienta lub inkasent."
    )
    english = "A reading of this meter cannot be given through eBOK; the customer office takes it."

    def __init__(self) -> None:
        super().__init__("meterId")


class UnusualConsumption(DomainError):
    """Not a refusal: the warning beside an accepted reading far above the usual."""

    polish = (
        "Przyjęliśmy odczyt, ale oznacza on zużycie {consumption} m³, dużo więcej niż zwykle "
        "(ok. {expected} m³ w tym czasie). Sprawdź, czy nie ma wycieku; odczyt obejrzy też "
        "Biuro Obsługi Klienta."
    )
    english = (
        "The reading is accepted, but it means {consumption} m³ used, far more than usual "
        "(about {expected} m³ in that time). Check for a leak; the customer office will look "
        "at it too."
    )

    def __init__(self, consumption: Decimal, expected: Decimal | None) -> None:
        usual = (expected or Decimal(0)).quantize(Decimal("0.1"))
        super().__init__("value", consumption=_volume(consumption), expected=_volume(usual))


class ReadingSourceNotRecordable(DomainError):
    code = ErrorCode.INVALID
    polish = "Pracownik zapisuje odczyt inkasenta albo odczyt przy wymianie wodomierza."
    english = "Staff record a collector's reading or a meter-replacement reading."

    def __init__(self) -> None:
        super().__init__("source")


# --- requests staff decide ---------------------------------------------------------------
# --- registration and the staff back office ----------------------------------------------


class RegistrationNotEligible(DomainError):
    """One answer for every reason (no such account, an invoice not its own, no invoice
    yet, access already given or asked for), so registration reveals no account."""

    code = ErrorCode.REGISTRATION_NOT_ELIGIBLE
    polish = (
        "Nie możemy przyjąć zgłoszenia z tymi danymi. Sprawdź numer klienta i numer "
        "faktury (oba są na fakturze). Jeśli konto ma już dostęp do eBOK albo czeka na "
        "weryfikację, skontaktuj się z biurem obsługi klienta."
    )
    english = (
        "We cannot accept a request with these details. Check the customer number and "
        "the invoice number (both are on the invoice). If the account already has eBOK "
        "access or is waiting for verification, contact customer service."
    )


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
        "Login musi mieć od 3 do 64 znaków: małe litery bez polskich znaków, cyfry, "
        "kropka, myślnik lub podkreślenie, zaczynać się literą lub cyfrą."
    )
    english = (
        "A login has 3 to 64 characters: lowercase letters, digits, dot, hyphen or "
        "underscore, starting with a letter or digit."
    )


class InvalidEmail(DomainError):
    code = ErrorCode.INVALID
    polish = "Podaj adres e-mail w formacie nazwa@domena.pl."
    english = "Enter an e-mail address like name@example.com."


class ConsentRequired(DomainError):
    code = ErrorCode.REQUIRED
    polish = "{what}"
    english = "{what_en}"


class RegistrationRateLimited(DomainError):
    code = ErrorCode.RATE_LIMITED
    polish = "Zbyt wiele zgłoszeń z tego adresu. Spróbuj ponownie po {until}."
    english = "Too many requests from this address. Try again after {until}."

    def __init__(self, until: datetime) -> None:
        super().__init__(None, until=local_time(until))
        self.until = until


class AlreadyDecided(DomainError):
    """A registration or a request that staff (perhaps another of them) decided already."""

    code = ErrorCode.INVALID
    polish = "To zgłoszenie zostało już rozpatrzone."
    english = "This request has already been decided."

    def __init__(self, field: str | None = "id") -> None:
        super().__init__(field)


class CycleUnchanged(DomainError):
    code = ErrorCode.INVALID
    polish = "To konto już jest rozliczane {cycle}."
    english = "This account is already billed that way ({cycle})."

    def __init__(self, cycle: str) -> None:
        super().__init__("cycle", cycle=cycle)


class CycleChangePending(DomainError):
    code = ErrorCode.INVALID
    polish = "Wniosek o zmianę okresu rozliczeniowego tego konta czeka już na decyzję."
    english = "A request to change this account's billing cycle is already waiting."

    def __init__(self) -> None:
        super().__init__("cycle")


# --- tariffs ----------------------------------------------------------------------------


class TariffDateInvalid(DomainError):
    code = ErrorCode.INVALID
    polish = (
        "Nowy cennik może obowiązywać od dziś albo później i musi zaczynać się po "
        "ostatnim wprowadzonym (najwcześniej po {earliest})."
    )
    english = "A new tariff starts today or later, after the last one entered (after {earliest})."

    def __init__(self, earliest: date) -> None:
        super().__init__("validFrom", earliest=_day(earliest))


class TariffPriceInvalid(DomainError):
    code = ErrorCode.INVALID
    polish = "Wpisz cenę w złotych, od 0 do 999,99, z groszami po przecinku."
    english = "Enter a price in złoty from 0 to 999.99, to the grosz."


class TariffVatInvalid(DomainError):
    code = ErrorCode.INVALID
    polish = "Stawka VAT musi być jedną z: 0, 5, 8 lub 23 %."
    english = "The VAT rate must be 0, 5, 8 or 23 %."

    def __init__(self) -> None:
        super().__init__("vatRate")

    polish = "To zgłoszenie zostało już rozpatrzone."
    english = "This request has already been decided."


class RejectionNoteRequired(DomainError):
    code = ErrorCode.REQUIRED
    polish = "Podaj powód odrzucenia: trafi do klienta w wiadomości e-mail."
    english = "Give the reason for the rejection: it is e-mailed to the customer."


class FirstPasswordExpired(DomainError):
    """Said only after the password itself matched: it tells its owner nothing new."""

    code = ErrorCode.TOKEN_EXPIRED
    polish = (
        "Hasło jednorazowe wygasło albo zostało już użyte. Ustaw nowe hasło przez "
        "„Nie pamiętasz hasła?” albo skontaktuj się z biurem obsługi klienta."
    )
    english = (
        "The one-time password has expired or was used already. Set a new one through "
        '"Forgot your password?" or contact customer service.'
    )
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


# --- the forecast and the payment simulation ---------------------------------------------


class NothingToCompare(DomainError):
    code = ErrorCode.INVALID
    polish = "Ten wodomierz nie ma jeszcze żadnego odczytu: nie ma od czego policzyć zużycia."
    english = "This meter has no reading yet: there is nothing to measure the use from."

    def __init__(self) -> None:
        super().__init__("value")


class MeterRepeated(DomainError):
    code = ErrorCode.INVALID
    polish = "Każdy wodomierz może mieć w symulacji tylko jeden stan."
    english = "Give at most one value per meter."

    def __init__(self) -> None:
        super().__init__("meterId")


class ForecastPeriodInvalid(RequestRefused):
    """A forecast period the rules do not forecast (models/rules/forecast.py)."""

    code = "BAD_REQUEST"
    polish = "{polish}"
    english = "{english}"

    def __init__(self, field: str, polish: str, english: str) -> None:
        super().__init__(field, polish=polish, english=english)


# --- data-change requests ---------------------------------------------------------------


class DataChangeValueInvalid(DomainError):
    code = ErrorCode.INVALID
    polish = "Tej wartości nie możemy przyjąć: {why}."
    english = "This value cannot be accepted: {why}."


class DataChangeUnknownField(DomainError):
    code = ErrorCode.INVALID
    polish = "Nie można wnioskować o zmianę pola „{field_name}”."
    english = "The field '{field_name}' cannot be changed by a request."


class DataChangeFieldRepeated(DomainError):
    code = ErrorCode.INVALID
    polish = "To pole podano we wniosku więcej niż raz."
    english = "This field is given more than once in the request."


class DataChangeEmpty(DomainError):
    code = ErrorCode.INVALID
    polish = "Wniosek niczego nie zmienia: wpisz nową wartość przynajmniej jednego pola."
    english = "The request changes nothing: enter a new value for at least one field."


class DataChangePending(DomainError):
    code = ErrorCode.INVALID
    polish = "Wniosek o zmianę danych tego konta czeka już na decyzję."
    english = "A request to change this account's data is already waiting for a decision."

    def __init__(self) -> None:
        super().__init__("changes")


# --- bank statements ------------------------------------------------------------------


class StatementMalformed(DomainError):
    code = ErrorCode.INVALID
    polish = "Nie można odczytać wyciągu: {reason}. Nic nie zaksięgowano."
    english = "The statement cannot be read: {reason}. Nothing was booked."

    def __init__(self, reason: str) -> None:
        super().__init__("file", reason=reason)


# --- the queue of unmatched bank credits --------------------------------------------------


class UnknownAccountNumber(NotFound):
    polish = "Nie ma konta o numerze {number}. Sprawdź numer klienta."
    english = "There is no account number {number}. Check the customer number."

    def __init__(self, number: str) -> None:
        super().__init__("accountNumber", number=number)


class CreditNotFound(NotFound):
    polish = "Nie ma takiego wpływu."
    english = "There is no such credit."

    def __init__(self) -> None:
        super().__init__("paymentId")


class CreditAlreadyAssigned(DomainError):
    code = ErrorCode.CREDIT_ALREADY_ASSIGNED
    polish = "Ten wpływ jest już przypisany do konta {number}."
    english = "This credit is already assigned to account {number}."

    def __init__(self, number: str) -> None:
        super().__init__("paymentId", number=number)


class NotABankCredit(DomainError):
    code = ErrorCode.NOT_A_BANK_CREDIT
    polish = (
        "To nie jest wpływ z wyciągu bankowego: płatności online i gotówkowej nie cofa się tutaj."
    )
    english = (
        "This is not a credit from a bank statement: "
        "online and cash payments are not reversed here."
    )

    def __init__(self) -> None:
        super().__init__("paymentId")


class CreditNotAssigned(DomainError):
    code = ErrorCode.INVALID
    polish = "Ten wpływ nie jest przypisany do żadnego konta: czeka w kolejce."
    english = "This credit is not assigned to any account: it waits in the queue."

    def __init__(self) -> None:
        super().__init__("paymentId")


class ReversalReasonRequired(DomainError):
    code = ErrorCode.REQUIRED
    polish = "Podaj powód cofnięcia przypisania: trafi do dziennika zdarzeń."
    english = "Give the reason for the reversal: it goes into the audit log."

    def __init__(self) -> None:
        super().__init__("reason")


class ChosenInvoiceNotPayable(DomainError):
    code = ErrorCode.INVOICE_NOT_PAYABLE
    polish = "Wybrana faktura jest już zapłacona albo należy do innego konta."
    english = "A chosen invoice is already paid or belongs to another account."

    def __init__(self, field: str = "invoiceIds") -> None:
        super().__init__(field)


# --- online payment ----------------------------------------------------------------------


class InvoiceNotPayable(DomainError):
    """Paid, someone else's or unknown: the caller is never told which."""

    code = ErrorCode.INVOICE_NOT_PAYABLE
    polish = (
        "Tej faktury nie można teraz opłacić online "
        "(jest już zapłacona albo nie ma jej na Twoim koncie)."
    )
    english = "This invoice cannot be paid online now (it is paid, or not on your account)."


class ReturnUrlNotAllowed(DomainError):
    polish = "Adres powrotu musi prowadzić do tego serwisu."
    english = "The return address must be on this site."


class PaymentProviderUnavailable(DomainError):
    polish = "Operator płatności jest chwilowo niedostępny. Spróbuj za kilka minut."
    english = "The payment operator is unavailable. Try again in a few minutes."


# --- failure reports and announcements ---------------------------------------------------


class TextTooLong(DomainError):
    code = ErrorCode.INVALID
    polish = "{what} może mieć najwyżej {limit} znaków."
    english = "{what_en} may have at most {limit} characters."


class InvalidPhone(DomainError):
    code = ErrorCode.INVALID
    polish = "Podaj numer telefonu, np. 600 100 200 albo +48 600 100 200."
    english = "Enter a phone number, e.g. 600 100 200 or +48 600 100 200."


class FailureReportRateLimited(DomainError):
    code = ErrorCode.RATE_LIMITED
    polish = (
        "Z tego adresu wysłano już wiele zgłoszeń. Spróbuj ponownie po {until} "
        "albo zadzwoń pod numer alarmowy."
    )
    english = (
        "Too many reports from this address. Try again after {until} or call the emergency number."
    )

    def __init__(self, until: datetime) -> None:
        super().__init__(None, until=local_time(until))
        self.until = until


class PhotoTooLarge(DomainError):
    code = ErrorCode.ATTACHMENT_TOO_LARGE
    polish = "Zdjęcie może mieć najwyżej {megabytes} MB."
    english = "The photo may be at most {megabytes} MB."


class PhotoTypeNotAllowed(DomainError):
    code = ErrorCode.ATTACHMENT_TYPE_NOT_ALLOWED
    polish = "Dołącz zdjęcie w formacie JPEG, PNG albo HEIC."
    english = "Attach a JPEG, PNG or HEIC photo."


class AnnouncementPeriodInvalid(DomainError):
    code = ErrorCode.INVALID
    polish = "Koniec ważności nie może być wcześniejszy niż jej początek."
    english = "The end of validity cannot be before its start."


class ReminderChoiceRepeated(DomainError):
    code = ErrorCode.INVALID
    polish = "Każdy rodzaj przypomnienia można wybrać tylko raz."
    english = "Each kind of reminder may be chosen only once."


# --- message threads and their attachments -----------------------------------------------


class AttachmentTooLarge(DomainError):
    code = ErrorCode.ATTACHMENT_TOO_LARGE
    polish = "Każdy załącznik może mieć najwyżej {megabytes} MB."
    english = "Each attachment may be at most {megabytes} MB."


class AttachmentTypeNotAllowed(DomainError):
    code = ErrorCode.ATTACHMENT_TYPE_NOT_ALLOWED
    polish = (
        "Plik {filename} ma niedozwolony format. Dołącz PDF, JPEG, PNG, HEIC, zwykły tekst "
        "albo dokument biurowy (DOCX, XLSX, ODT, ODS, DOC, XLS)."
    )
    english = (
        "{filename} is not an allowed format. Attach PDF, JPEG, PNG, HEIC, plain text "
        "or an office document (DOCX, XLSX, ODT, ODS, DOC, XLS)."
    )


class TooManyAttachments(DomainError):
    code = ErrorCode.INVALID
    polish = "Do jednej wiadomości można dołączyć najwyżej {limit} plików."
    english = "At most {limit} files may be attached to one message."


class ThreadClosed(DomainError):
    code = ErrorCode.INVALID
    polish = "Ta sprawa jest zamknięta: nie można już do niej pisać. Napisz nową wiadomość."
    english = "This thread is closed and takes no new messages. Start a new one."
