"""Registration, staff verification and the staff back office: root fields and types.

`register` is public; `requestAccountLink` is a signed-in customer's; everything
else is the staff's (IsStaff to read, IsStaffWriting to decide), declared on the
field. Types here are built from what the resolvers hand over, never from queries.
"""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import relay

from models.rows import AuditEntryRow as AuditRow
from models.rows import RegistrationRow
from models.services.registration import RegisterRequest
from resolvers import access, billing_cycle, credit_queue, data_changes, messages, readings
from resolvers.context import Context
from schema.errors import UserError, mutation
from schema.permissions import CanWrite, IsStaff, IsStaffWriting, Public
from schema.types.accounts import Account
from schema.types.common import Connection, check_page_size, connection, page_start
from schema.types.identity import User
from schema.types.talk import Registration

AUDIT_PAGE_DEFAULT = 50
SEARCH_PAGE_DEFAULT = 20


def registration_of(row: RegistrationRow) -> Registration:
    return Registration(
        id=row.id,
        account_number=row.account.number,
        email=row.email,
        login=row.login,
        created_at=row.created_at,
        status=row.status,
        kind=row.kind,
        invoice_number=row.invoice_number,
    )


@strawberry.type
class AuditEntry(relay.Node):
    id: relay.NodeID[int]
    at: datetime
    actor: str | None = strawberry.field(
        description="the login of who acted; null for the public or the system"
    )
    action: str = strawberry.field(
        description="e.g. SIGN_IN, SIGN_IN_FAILED, REGISTRATION_APPROVED, PASSWORD_CHANGED, "
        "TOKEN_CREATED"
    )
    target: str | None = strawberry.field(
        description="what it acted on, e.g. an account number or a registration id"
    )
    ip: str | None = strawberry.field(description="the client address")

    @classmethod
    def from_row(cls, row: AuditRow) -> AuditEntry:
        actor = row.actor
        target = None if row.object_id is None else f"{row.object_type} {row.object_id}"
        return cls(
            id=row.id,
            at=row.at,
            actor=actor.login if actor is not None else None,
            action=row.action,
            target=target,
            ip=row.client_address,
        )


@strawberry.input
class RegisterInput:
    account_number: str = strawberry.field(description="customer number from an invoice")
    invoice_number: str = strawberry.field(
        description="number of any invoice issued to that account: "
        "registration needs a first invoice"
    )
    email: str
    login: str
    accept_terms: bool
    consent_data_processing: bool


@strawberry.input
class DecideInput:
    id: strawberry.ID
    approve: bool
    note: str | None = None


@strawberry.input
class RequestAccountLinkInput:
    account_number: str = strawberry.field(description="customer number from an invoice")
    invoice_number: str = strawberry.field(description="number of any invoice of that account")


@strawberry.type
class RegisterPayload:
    registration: Registration | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class RegistrationPayload:
    registration: Registration | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class StaffQueue:
    """One queue of the back office and how many wait in it."""

    name: str
    count: int


@strawberry.type
class AccessQuery:
    @strawberry.field(
        permission_classes=[IsStaff], description="STAFF: registrations waiting for verification"
    )
    async def pending_registrations(self, info: strawberry.Info[Context]) -> list[Registration]:
        return [registration_of(r) for r in await access.pending_registrations(info.context)]

    @strawberry.field(
        permission_classes=[IsStaff],
        description="STAFF: accounts whose customer number, holder name, address, "
        "meter serial or invoice number matches",
    )
    async def search_accounts(
        self,
        info: strawberry.Info[Context],
        query: str,
        first: int | None = SEARCH_PAGE_DEFAULT,
        after: str | None = None,
    ) -> Connection[Account]:
        size = check_page_size(first, SEARCH_PAGE_DEFAULT)
        page = await access.search_accounts(info.context, query, page_start(after), size)
        nodes = [Account.from_row(r) for r in page.rows]
        return connection(nodes, page.start, size, page.total)

    @strawberry.field(
        permission_classes=[IsStaff],
        description="STAFF: who did what, when and from where; newest first",
    )
    async def audit_log(
        self,
        info: strawberry.Info[Context],
        first: int | None = AUDIT_PAGE_DEFAULT,
        after: str | None = None,
        action: str | None = None,
        actor: str | None = None,
    ) -> Connection[AuditEntry]:
        size = check_page_size(first, AUDIT_PAGE_DEFAULT)
        page = await access.audit_log(info.context, page_start(after), size, action, actor)
        nodes = [AuditEntry.from_row(r) for r in page.rows]
        return connection(nodes, page.start, size, page.total)

    @strawberry.field(
        permission_classes=[IsStaff],
        description="STAFF: the action names the audit log holds (for its filter)",
    )
    async def audit_actions(self, info: strawberry.Info[Context]) -> list[str]:
        return await access.audit_actions(info.context)

    @strawberry.field(
        permission_classes=[IsStaff],
        description="STAFF: the back office's queues with how many wait in each",
    )
    async def staff_queues(self, info: strawberry.Info[Context]) -> list[StaffQueue]:
        ctx = info.context
        blocked, unusual = await readings.review_counts(ctx)
        return [
            StaffQueue(name="REGISTRATIONS", count=await access.pending_count(ctx)),
            StaffQueue(name="BILLING_CYCLE_REQUESTS", count=await billing_cycle.pending_count(ctx)),
            StaffQueue(name="DATA_CHANGE_REQUESTS", count=await data_changes.pending_count(ctx)),
            StaffQueue(name="READINGS_BLOCKED", count=blocked),
            StaffQueue(name="UNUSUAL_READINGS", count=unusual),
            StaffQueue(name="UNMATCHED_CREDITS", count=await credit_queue.unmatched_count(ctx)),
            StaffQueue(name="MESSAGES", count=await messages.open_count(ctx)),
        ]

    @strawberry.field(
        permission_classes=[IsStaff], description="STAFF: the eBOK users linked to an account"
    )
    async def account_users(self, info: strawberry.Info[Context], number: str) -> list[User]:
        return [User.from_row(u) for u in await access.account_users(info.context, number)]

    @strawberry.field(
        permission_classes=[IsStaff],
        description="STAFF: requests for access to an account still waiting for a decision",
    )
    async def account_registrations(
        self, info: strawberry.Info[Context], number: str
    ) -> list[Registration]:
        rows = await access.account_registrations(info.context, number)
        return [registration_of(r) for r in rows]


@strawberry.type
class AccessMutation:
    @mutation(
        permission_classes=[Public],
        description="PUBLIC: ask for eBOK access; staff verify it, "
        "then the first password goes by e-mail",
    )
    async def register(
        self, info: strawberry.Info[Context], input: RegisterInput
    ) -> RegisterPayload:
        request = RegisterRequest(
            account_number=input.account_number,
            invoice_number=input.invoice_number,
            email=input.email,
            login=input.login,
            accept_terms=input.accept_terms,
            consent_data_processing=input.consent_data_processing,
        )
        row = await access.register(info.context, request)
        return RegisterPayload(registration=registration_of(row))

    @mutation(
        permission_classes=[CanWrite],
        description="a signed-in customer asks to add another account with the same proof "
        "as registration; staff verify it in the registrations queue",
    )
    async def request_account_link(
        self, info: strawberry.Info[Context], input: RequestAccountLinkInput
    ) -> RegistrationPayload:
        row = await access.request_account_link(
            info.context, input.account_number, input.invoice_number
        )
        return RegistrationPayload(registration=registration_of(row))

    @mutation(permission_classes=[IsStaffWriting], description="STAFF")
    async def decide_registration(
        self, info: strawberry.Info[Context], input: DecideInput
    ) -> RegistrationPayload:
        row = await access.decide_registration(info.context, input.id, input.approve, input.note)
        return RegistrationPayload(registration=registration_of(row))
