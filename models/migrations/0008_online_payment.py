from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('ebok', '0007_statement_import')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Payment',
            name='provider',
            field=fields.CharField(null=True, max_length=16),
        ),
        ops.AddField(
            model_name='Payment',
            name='provider_order_id',
            field=fields.BigIntField(null=True),
        ),
        ops.AddField(
            model_name='Payment',
            name='return_url',
            field=fields.CharField(null=True, max_length=500),
        ),
    ]
