"""Registration requests and staff decisions on them: one use case, one transaction.

A request (`register`, or a signed-in customer's `request_account_link`) proves the
account with one of its invoice numbers. Whatever is wrong with the proof, the
answer is the same REGISTRATION_NOT_ELIGIBLE, and refusals are counted per client
address in the audit log, so guessing customer numbers soon has to wait.

A decision claims the request with one conditional UPDATE (PENDING -> decided):
of two staff members deciding at once, exactly one gets the row, the other an
AlreadyDecided, and no second user is ever made.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models.clock import Clock
from models.enums import ConsentKind, RegistrationKind, RequestStatus, Role
from models.errors import (
    AlreadyDecided,
    LoginTaken,
    NotFound,
    RegistrationNotEligible,
    RegistrationRateLimited,
    RejectionNoteRequired,
    local_time,
)
from models.orm import Account, Consent, Invoice, Registration, User
from models.rules import registration as rules
from models.services import audit, outbox, passwords
from models.settings import UtilitySettings

# A readable alphabet: no 0/O, 1/l/I. 20 characters of 55 symbols: over 115 bits.
_ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
FIRST_PASSWORD_GROUPS = 4
FIRST_PASSWORD_GROUP = 5


def generate_first_password() -> str:
    """Random and easy to type from an e-mail: e.g. `kP7mz-Q2xRt-9hbWe-Yn4sA`."""
    groups = (
        "".join(secrets.choice(_ALPHABET) for _ in range(FIRST_PASSWORD_GROUP))
        for _ in range(FIRST_PASSWORD_GROUPS)
    )
    return "-".join(groups)


@dataclass(frozen=True)
class RegisterRequest:
    account_number: str
    invoice_number: str
    email: str
    login: str
    accept_terms: bool
    consent_data_processing: bool


async def _refuse(
    clock: Clock, client_address: str | None, actor: User | None, account_number: str
) -> RegistrationNotEligible:
    """Record a refused proof (it counts against the address) and return the error."""
    await audit.record(
        "REGISTRATION_REFUSED",
        at=clock.now(),
        actor=actor,
        object_type="Account",
        object_id=account_number.strip()[:16] or None,
        client_address=client_address,
    )
    return RegistrationNotEligible()


async def _check_address(clock: Clock, client_address: str | None) -> None:
    if not client_address:
        return
    now = clock.now()
    refusals = await audit.recent_actions(
        "REGISTRATION_REFUSED", client_address, since=now - rules.ADDRESS_WINDOW
    )
    until = rules.address_blocked_until(refusals)
    if until is not None and until > now:
        raise RegistrationRateLimited(until)


async def _proved_account(account_number: str, invoice_number: str) -> Account | None:
    """The account, when the invoice number is one of its invoices' (one query each)."""
    account = await Account.get_or_none(number=account_number.strip())
    if account is None:
        return None
    owns = await Invoice.filter(number=invoice_number.strip(), account_id=account.id).exists()
    return account if owns else None


async def register(
    request: RegisterRequest, clock: Clock, client_address: str | None
) -> Registration:
    """A new user's request, with both consents recorded and a receipt e-mailed."""
    rules.check_request(
        account_number=request.account_number,
        invoice_number=request.invoice_number,
        email=request.email,
        login=request.login,
        accept_terms=request.accept_terms,
        consent_data_processing=request.consent_data_processing,
    )
    await _check_address(clock, client_address)
    login = rules.normalise_login(request.login)
    email = request.email.strip()
    account = await _proved_account(request.account_number, request.invoice_number)
    eligible = (
        account is not None
        and not await User.filter(accounts__id=account.id).exists()
        and not await Registration.filter(
            account_id=account.id, status=RequestStatus.PENDING
        ).exists()
    )
    if not eligible or account is None:
        raise await _refuse(clock, client_address, None, request.account_number)
    if await _login_in_use(login):
        raise LoginTaken("login")
    now = clock.now()
    terms_version = UtilitySettings().terms_version
    async with in_transaction():
        registration = await Registration.create(
            kind=RegistrationKind.NEW_USER,
            account=account,
            invoice_number=request.invoice_number.strip(),
            email=email,
            login=login,
            created_at=now,
        )
        for kind in (ConsentKind.TERMS, ConsentKind.DATA_PROCESSING):
            await Consent.create(
                kind=kind, text_version=terms_version, given_at=now, registration=registration
            )
        await audit.record(
            "REGISTRATION_REQUESTED",
            at=now,
            actor=None,
            object_type="Registration",
            object_id=registration.id,
            client_address=client_address,
            details={"account": account.number, "login": login},
        )
        await outbox.queue_email(
            email,
            "registration_received",
            {"login": login, "account_number": account.number},
            now=now,
            key=f"registration-received-{registration.id}",
        )
    return registration


async def _login_in_use(login: str) -> bool:
    return (
        await User.filter(login=login).exists()
        or await Registration.filter(
            login=login, status=RequestStatus.PENDING, kind=RegistrationKind.NEW_USER
        ).exists()
    )


async def request_account_link(
    user: User,
    account_number: str,
    invoice_number: str,
    clock: Clock,
    client_address: str | None,
) -> Registration:
    """A signed-in customer asks for one more account, with the same proof."""
    rules.check_proof(account_number, invoice_number)
    await _check_address(clock, client_address)
    account = await _proved_account(account_number, invoice_number)
    eligible = (
        account is not None
        and not await User.filter(id=user.id, accounts__id=account.id).exists()
        and not await Registration.filter(
            account_id=account.id, requested_by_id=user.id, status=RequestStatus.PENDING
        ).exists()
    )
    if not eligible or account is None:
        raise await _refuse(clock, client_address, user, account_number)
    now = clock.now()
    async with in_transaction():
        registration = await Registration.create(
            kind=RegistrationKind.ADD_ACCOUNT,
            requested_by=user,
            account=account,
            invoice_number=invoice_number.strip(),
            email=user.email,
            login=user.login,
            created_at=now,
        )
        await audit.record(
            "ACCOUNT_LINK_REQUESTED",
            at=now,
            actor=user,
            object_type="Registration",
            object_id=registration.id,
            client_address=client_address,
            details={"account": account.number},
        )
        await outbox.queue_email(
            user.email,
            "account_link_received",
            {"login": user.login, "account_number": account.number},
            now=now,
            key=f"account-link-received-{registration.id}",
        )
    return registration


async def pending(limit: int = 500) -> list[Registration]:
    """Requests waiting for staff, oldest first (the queue's order)."""
    return (
        await Registration.filter(status=RequestStatus.PENDING)
        .order_by("created_at", "id")
        .limit(limit)
        .prefetch_related("account")
    )


async def pending_count() -> int:
    return await Registration.filter(status=RequestStatus.PENDING).count()


async def pending_for_account(account_number: str) -> list[Registration]:
    return (
        await Registration.filter(status=RequestStatus.PENDING, account__number=account_number)
        .order_by("created_at", "id")
        .prefetch_related("account")
    )


async def decide(
    registration_id: int,
    approve: bool,
    note: str | None,
    staff: User,
    clock: Clock,
    client_address: str | None,
) -> Registration:
    """Approve (a user with a first password, or the account linked) or reject (the
    reason e-mailed), exactly once."""
    note = (note or "").strip() or None
    if not approve and note is None:
        raise RejectionNoteRequired("note")
    registration = await Registration.get_or_none(id=registration_id)
    if registration is None:
        raise NotFound("id")
    if registration.status != RequestStatus.PENDING:
        raise AlreadyDecided("id")
    first_password = None
    password_hash = None
    if approve and registration.kind == RegistrationKind.NEW_USER:
        first_password = generate_first_password()
        password_hash = await passwords.hash_password(first_password)
    now = clock.now()
    try:
        async with in_transaction():
            status = RequestStatus.APPROVED if approve else RequestStatus.REJECTED
            claimed = await Registration.filter(
                id=registration_id, status=RequestStatus.PENDING
            ).update(status=status, decided_at=now, decided_by_id=staff.id, note=note)
            if claimed != 1:
                raise AlreadyDecided("id")
            registration = await Registration.get(id=registration_id).prefetch_related("account")
            if not approve:
                await _rejected(registration, staff, now, client_address)
            elif registration.kind == RegistrationKind.NEW_USER:
                assert first_password is not None and password_hash is not None
                await _approved_new_user(
                    registration, staff, now, client_address, first_password, password_hash
                )
            else:
                await _approved_link(registration, staff, now, client_address)
    except IntegrityError as clash:
        # The login was taken meanwhile (users.login is unique): nothing was written.
        raise LoginTaken("id") from clash
    return registration


async def _approved_new_user(
    registration: Registration,
    staff: User,
    now: datetime,
    client_address: str | None,
    first_password: str,
    password_hash: str,
) -> None:
    if await User.filter(login=registration.login).exists():
        raise LoginTaken("id")
    user = await User.create(
        login=registration.login,
        email=registration.email,
        password_hash=password_hash,
        role=Role.CUSTOMER,
        must_change_password=True,
        password_expires_at=now + rules.FIRST_PASSWORD_VALID,
        created_at=now,
    )
    await user.accounts.add(registration.account)
    registration.user = user
    await registration.save(update_fields=["user_id"])
    await Consent.filter(registration_id=registration.id).update(user_id=user.id)
    await audit.record(
        "REGISTRATION_APPROVED",
        at=now,
        actor=staff,
        object_type="Registration",
        object_id=registration.id,
        client_address=client_address,
        details={"account": registration.account.number, "login": user.login},
    )
    await outbox.queue_email(
        registration.email,
        "registration_approved",
        {
            "login": user.login,
            "account_number": registration.account.number,
            "first_password": first_password,
            "expires_at": local_time(now + rules.FIRST_PASSWORD_VALID),
        },
        now=now,
        key=f"registration-approved-{registration.id}",
    )


async def _approved_link(
    registration: Registration, staff: User, now: datetime, client_address: str | None
) -> None:
    user = await User.get(id=registration.requested_by_id)  # type: ignore[attr-defined]
    if not await User.filter(id=user.id, accounts__id=registration.account.id).exists():
        await user.accounts.add(registration.account)
    user.version += 1
    await user.save(update_fields=["version"])
    registration.user = user
    await registration.save(update_fields=["user_id"])
    await audit.record(
        "ACCOUNT_LINK_APPROVED",
        at=now,
        actor=staff,
        object_type="Registration",
        object_id=registration.id,
        client_address=client_address,
        details={"account": registration.account.number, "login": user.login},
    )
    await outbox.queue_email(
        user.email,
        "account_link_approved",
        {"login": user.login, "account_number": registration.account.number},
        now=now,
        key=f"account-link-approved-{registration.id}",
    )


async def _rejected(
    registration: Registration, staff: User, now: datetime, client_address: str | None
) -> None:
    action = (
        "REGISTRATION_REJECTED"
        if registration.kind == RegistrationKind.NEW_USER
        else "ACCOUNT_LINK_REJECTED"
    )
    await audit.record(
        action,
        at=now,
        actor=staff,
        object_type="Registration",
        object_id=registration.id,
        client_address=client_address,
        details={"account": registration.account.number, "login": registration.login},
    )
    await outbox.queue_email(
        registration.email,
        "registration_rejected",
        {
            "login": registration.login,
            "account_number": registration.account.number,
            "note": registration.note or "",
            "kind": registration.kind.value,
        },
        now=now,
        key=f"registration-rejected-{registration.id}",
    )
