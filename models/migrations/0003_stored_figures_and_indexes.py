from tortoise import migrations
from tortoise.migrations import operations as ops
from decimal import Decimal
from models.enums import InvoiceStatus
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('ebok', '0002_sign_in_protection')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Account',
            name='balance',
            field=fields.DecimalField(default=Decimal('0'), max_digits=14, decimal_places=2),
        ),
        ops.AddField(
            model_name='Account',
            name='version',
            field=fields.IntField(default=0),
        ),
        ops.AddIndex(
            model_name='Announcement',
            index=Index(fields=['published_at']),
        ),
        ops.AddIndex(
            model_name='ApiToken',
            index=Index(fields=['user_id']),
        ),
        ops.AddIndex(
            model_name='ApiToken',
            index=Index(fields=['family_id']),
        ),
        ops.AddIndex(
            model_name='Attachment',
            index=Index(fields=['message_id']),
        ),
        ops.AddIndex(
            model_name='BillingCycleChangeRequest',
            index=Index(fields=['account_id']),
        ),
        ops.AddIndex(
            model_name='Consent',
            index=Index(fields=['user_id']),
        ),
        ops.AddIndex(
            model_name='Contract',
            index=Index(fields=['account_id']),
        ),
        ops.AddIndex(
            model_name='DataChangeRequest',
            index=Index(fields=['account_id']),
        ),
        ops.AddField(
            model_name='Invoice',
            name='paid',
            field=fields.DecimalField(default=Decimal('0'), max_digits=14, decimal_places=2),
        ),
        ops.AddField(
            model_name='Invoice',
            name='settlement',
            field=fields.CharEnumField(default=InvoiceStatus.UNPAID, description='UNPAID: UNPAID\nPARTIALLY_PAID: PARTIALLY_PAID\nPAID: PAID\nOVERDUE: OVERDUE', enum_type=InvoiceStatus, max_length=16),
        ),
        ops.AddIndex(
            model_name='Invoice',
            index=Index(fields=['account_id', 'settlement', 'due_date']),
        ),
        ops.AddIndex(
            model_name='Invoice',
            index=Index(fields=['corrects_id']),
        ),
        ops.AddIndex(
            model_name='Meter',
            index=Index(fields=['contract_id']),
        ),
        ops.AddIndex(
            model_name='Payment',
            index=Index(fields=['account_id', 'created_at']),
        ),
        ops.AddIndex(
            model_name='PaymentAllocation',
            index=Index(fields=['invoice_id']),
        ),
        ops.AddIndex(
            model_name='Registration',
            index=Index(fields=['account_id']),
        ),
        ops.AddIndex(
            model_name='Session',
            index=Index(fields=['user_id']),
        ),
    ]


async def _fill_stored_figures(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    """Existing invoices and accounts get their figures from the ledger."""
    from models.services.figures import Tables, check_figures

    await check_figures(repair=True, tables=Tables.of_migration(apps))


Migration.operations.append(ops.RunPython(_fill_stored_figures, ops.RunPython.noop))
