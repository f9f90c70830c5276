"""Bank statements: staff import MT940 and camt.053 files and list the recent ones."""

from __future__ import annotations

from datetime import date, datetime

import strawberry
from strawberry.file_uploads import Upload

from models.services.bank_statements import StatementSummary
from resolvers import bank_statements
from resolvers.context import Context
from schema.errors import UserError, mutation
from schema.permissions import IsStaff, IsStaffWriting
from schema.uploads import upload_bytes


@strawberry.input
class ImportBankStatementInput:
    file: Upload


@strawberry.type
class ImportBankStatementPayload:
    imported: int = strawberry.field(
        default=0,
        description="payments created from the statement; a statement imported twice "
        "creates none the second time",
    )
    matched: int = 0
    unmatched: int = 0
    format: str | None = strawberry.field(default=None, description="MT940 or camt.053")
    transactions: int = strawberry.field(default=0, description="entries in the file")
    already_booked: int = strawberry.field(
        default=0, description="credits booked before (the same or an overlapping statement)"
    )
    skipped: int = strawberry.field(
        default=0, description="entries not booked now: debits, other currencies, repeats"
    )
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class BankStatement:
    filename: str
    format: str
    imported_at: datetime
    period_from: date | None
    period_to: date | None
    transactions: int
    credits: int
    matched: int = strawberry.field(description="its payments booked to an account")
    unmatched: int = strawberry.field(description="its payments waiting in the staff queue")

    @classmethod
    def from_summary(cls, row: StatementSummary) -> BankStatement:
        assert isinstance(row.imported_at, datetime)
        return cls(
            filename=row.filename,
            format=row.format,
            imported_at=row.imported_at,
            period_from=row.period_from,
            period_to=row.period_to,
            transactions=row.transactions,
            credits=row.credits,
            matched=row.matched,
            unmatched=row.unmatched,
        )


@strawberry.type
class BankStatementQuery:
    @strawberry.field(
        permission_classes=[IsStaff],
        description="STAFF: the latest imported bank statements, newest first",
    )
    async def bank_statements(
        self, info: strawberry.Info[Context], first: int = 20
    ) -> list[BankStatement]:
        rows = await bank_statements.recent(info.context, first)
        return [BankStatement.from_summary(r) for r in rows]


@strawberry.type
class BankStatementMutation:
    @mutation(
        permission_classes=[IsStaffWriting],
        description="STAFF: MT940 or camt.053, told apart by content",
    )
    async def import_bank_statement(
        self, info: strawberry.Info[Context], input: ImportBankStatementInput
    ) -> ImportBankStatementPayload:
        filename, data = await upload_bytes(input.file, "file")
        result = await bank_statements.import_file(info.context, filename, data)
        return ImportBankStatementPayload(
            imported=result.imported,
            matched=result.matched,
            unmatched=result.unmatched,
            format=result.format,
            transactions=result.transactions,
            already_booked=result.already_booked,
            skipped=result.skipped,
        )
