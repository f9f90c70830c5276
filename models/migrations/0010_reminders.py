from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

from models.enums import ReminderKind


class Migration(migrations.Migration):
    dependencies = [('ebok', '0009_talk')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Consent',
            name='granted',
            field=fields.BooleanField(default=True, db_default=True),
        ),
        ops.CreateModel(
            name='ReminderSent',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('kind', fields.CharEnumField(description='READING_WINDOW_OPENS: READING_WINDOW_OPENS\nREADING_WINDOW_CLOSING: READING_WINDOW_CLOSING\nINVOICE_DUE_SOON: INVOICE_DUE_SOON\nINVOICE_OVERDUE: INVOICE_OVERDUE', enum_type=ReminderKind, max_length=32)),
                ('subject_id', fields.IntField()),
                ('event', fields.DateField()),
                ('sent_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('recipients', fields.SmallIntField(default=0)),
            ],
            options={'table': 'reminders_sent', 'app': 'ebok', 'unique_together': (('kind', 'subject_id', 'event'),), 'pk_attr': 'id', 'table_description': 'A reminder sent: one row per event, so it is sent once whatever the worker does.'},
            bases=['Model'],
        ),
    ]
