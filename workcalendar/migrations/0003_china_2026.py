"""The years the product ships with: 2026's public holidays and make-up working days (调休), from the
State Council's notice 国务院办公厅关于2026年部分节假日安排的通知 (4 November 2025).
2027's notice is not out when this ships: HR imports it on the calendar page when it is, and a warning
asks for it from 1 November.

A date already in the table (an install that imported the year by hand) is left as it is.
"""

from datetime import date

from django.db import migrations

CHINA_2026 = [
    ("2026-01-01", "元旦 New Year's Day", "holiday"),
    ("2026-01-02", "元旦 New Year's Day", "holiday"),
    ("2026-01-03", "元旦 New Year's Day", "holiday"),
    ("2026-01-04", "元旦调休上班 Make-up working day", "workday"),
    ("2026-02-14", "春节调休上班 Make-up working day", "workday"),
    ("2026-02-15", "春节 Spring Festival", "holiday"),
    ("2026-02-16", "春节 Spring Festival", "holiday"),
    ("2026-02-17", "春节 Spring Festival", "holiday"),
    ("2026-02-18", "春节 Spring Festival", "holiday"),
    ("2026-02-19", "春节 Spring Festival", "holiday"),
    ("2026-02-20", "春节 Spring Festival", "holiday"),
    ("2026-02-21", "春节 Spring Festival", "holiday"),
    ("2026-02-22", "春节 Spring Festival", "holiday"),
    ("2026-02-23", "春节 Spring Festival", "holiday"),
    ("2026-02-28", "春节调休上班 Make-up working day", "workday"),
    ("2026-04-04", "清明节 Qingming Festival", "holiday"),
    ("2026-04-05", "清明节 Qingming Festival", "holiday"),
    ("2026-04-06", "清明节 Qingming Festival", "holiday"),
    ("2026-05-01", "劳动节 Labour Day", "holiday"),
    ("2026-05-02", "劳动节 Labour Day", "holiday"),
    ("2026-05-03", "劳动节 Labour Day", "holiday"),
    ("2026-05-04", "劳动节 Labour Day", "holiday"),
    ("2026-05-05", "劳动节 Labour Day", "holiday"),
    ("2026-05-09", "劳动节调休上班 Make-up working day", "workday"),
    ("2026-06-19", "端午节 Dragon Boat Festival", "holiday"),
    ("2026-06-20", "端午节 Dragon Boat Festival", "holiday"),
    ("2026-06-21", "端午节 Dragon Boat Festival", "holiday"),
    ("2026-09-20", "国庆节调休上班 Make-up working day", "workday"),
    ("2026-09-25", "中秋节 Mid-Autumn Festival", "holiday"),
    ("2026-09-26", "中秋节 Mid-Autumn Festival", "holiday"),
    ("2026-09-27", "中秋节 Mid-Autumn Festival", "holiday"),
    ("2026-10-01", "国庆节 National Day", "holiday"),
    ("2026-10-02", "国庆节 National Day", "holiday"),
    ("2026-10-03", "国庆节 National Day", "holiday"),
    ("2026-10-04", "国庆节 National Day", "holiday"),
    ("2026-10-05", "国庆节 National Day", "holiday"),
    ("2026-10-06", "国庆节 National Day", "holiday"),
    ("2026-10-07", "国庆节 National Day", "holiday"),
    ("2026-10-10", "国庆节调休上班 Make-up working day", "workday"),
]


def load(apps, schema_editor):
    calendar_day = apps.get_model("workcalendar", "CalendarDay")
    for day, name, kind in CHINA_2026:
        calendar_day.objects.get_or_create(date=date.fromisoformat(day), defaults={"name": name, "kind": kind})


class Migration(migrations.Migration):
    dependencies = [("workcalendar", "0002_calendarday_table")]

    # Not reversed: the rows may have been edited since, and removing them would change every plan.
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
