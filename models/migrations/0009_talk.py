from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [('ebok', '0008_online_payment')]

    initial = False

    operations = [
        ops.AddField(
            model_name='FailureReport',
            name='photo_key',
            field=fields.CharField(null=True, max_length=64),
        ),
        ops.AddField(
            model_name='FailureReport',
            name='photo_type',
            field=fields.CharField(null=True, max_length=32),
        ),
        ops.AddField(
            model_name='FailureReport',
            name='handled_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
    ]
