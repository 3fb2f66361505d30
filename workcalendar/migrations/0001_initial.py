"""The calendar moves out of production. Its table stays as it is (SeparateDatabaseAndState: no row is
copied or lost); 0002 gives it this app's name. The content type moves too, so the permissions already
granted on it carry over."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.filter(app_label="production", model="calendarday").update(app_label="workcalendar")


def move_content_type_back(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.filter(app_label="workcalendar", model="calendarday").update(app_label="production")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("production", "0002_seed_templates_and_reasons"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="CalendarDay",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("date", models.DateField(unique=True, verbose_name="date")),
                        ("name", models.CharField(max_length=100, verbose_name="name")),
                        (
                            "kind",
                            models.CharField(
                                choices=[("holiday", "Holiday (no work)"), ("workday", "Make-up working day")],
                                default="holiday",
                                max_length=10,
                                verbose_name="kind",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "calendar day",
                        "verbose_name_plural": "company calendar",
                        "ordering": ["date"],
                        "db_table": "production_calendarday",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
        migrations.CreateModel(
            name="CalendarEvent",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("at", models.DateTimeField(auto_now_add=True, verbose_name="at")),
                (
                    "action",
                    models.CharField(
                        choices=[
                            ("added", "added"),
                            ("changed", "changed"),
                            ("removed", "removed"),
                            ("imported", "imported a file"),
                        ],
                        max_length=20,
                        verbose_name="action",
                    ),
                ),
                ("payload", models.JSONField(blank=True, default=dict, verbose_name="details")),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="by",
                    ),
                ),
            ],
            options={
                "verbose_name": "calendar change",
                "verbose_name_plural": "calendar changes",
                "ordering": ["-at", "-pk"],
            },
        ),
    ]
