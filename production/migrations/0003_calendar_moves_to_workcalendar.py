"""The company calendar now lives in workcalendar (its 0001 takes over the table): production forgets the
model without touching the table."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("production", "0002_seed_templates_and_reasons"),
        ("workcalendar", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="CalendarDay")],
            database_operations=[],
        ),
    ]
