"""The supervision record is append-only in the database too, as the order's work record is
(core/append_only.py says how and why)."""

from django.db import migrations

from core.append_only import append_only


class Migration(migrations.Migration):
    dependencies = [("supervision", "0002_seed_checklist_and_policy")]

    operations = [
        append_only(
            "supervision_supervisionevent",
            hint="Supervision events are never changed or deleted; record a new event instead.",
        )
    ]
