"""The row types resolvers hand to the schema's types.

The schema reads their attributes and never queries through them (the layer test
keeps `schema/` from importing the ORM); loaders and resolvers fetch them.
"""

from __future__ import annotations

from models.orm import (
    Account,
    Announcement,
    ApiToken,
    Attachment,
    BillingCycleChangeRequest,
    Contract,
    DataChangeRequest,
    FailureReport,
    Invoice,
    InvoiceLine,
    Message,
    MessageThread,
    Meter,
    Payment,
    Premises,
    Reading,
    Tariff,
    User,
)

AccountRow = Account
AnnouncementRow = Announcement
ApiTokenRow = ApiToken
AttachmentRow = Attachment
BillingCycleChangeRequestRow = BillingCycleChangeRequest
ContractRow = Contract
DataChangeRequestRow = DataChangeRequest
FailureReportRow = FailureReport
InvoiceRow = Invoice
InvoiceLineRow = InvoiceLine
MessageRow = Message
MessageThreadRow = MessageThread
MeterRow = Meter
PaymentRow = Payment
PremisesRow = Premises
ReadingRow = Reading
TariffRow = Tariff
UserRow = User
