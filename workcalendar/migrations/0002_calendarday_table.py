"""The calendar's table takes this app's name, now that production no longer claims it."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("workcalendar", "0001_initial"),
        ("production", "0003_calendar_moves_to_workcalendar"),
    ]

    operations = [
        migrations.AlterModelTable(name="calendarday", table=None),
    ]
