from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('ebok', '0006_readings_and_billing_cycle')]

    initial = False

    operations = [
        ops.AddField(
            model_name='BankStatement',
            name='transactions',
            field=fields.IntField(default=0),
        ),
        ops.AddField(
            model_name='BankStatement',
            name='credits',
            field=fields.IntField(default=0),
        ),
        ops.AddField(
            model_name='BankStatement',
            name='period_from',
            field=fields.DateField(null=True),
        ),
        ops.AddField(
            model_name='BankStatement',
            name='period_to',
            field=fields.DateField(null=True),
        ),
        ops.AddIndex(
            model_name='BankStatement',
            index=Index(fields=['imported_at']),
        ),
    ]
