from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.indexes import Index


class Migration(migrations.Migration):
    dependencies = [('ebok', '0010_reminders')]

    initial = False

    operations = [
        ops.AddField(
            model_name='MessageThread',
            name='answer_due',
            field=fields.DateField(null=True),
        ),
        ops.AddField(
            model_name='MessageThread',
            name='respond_by',
            field=fields.DateField(null=True),
        ),
        ops.AddIndex(
            model_name='MessageThread',
            index=Index(fields=['status', 'respond_by']),
        ),
    ]
